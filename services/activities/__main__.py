"""`python -m services.activities`: run the activities service; `... reindex`: rebuild its search index."""

import asyncio
import sys

from services.activities.entrypoints.service import main, reindex
from shared.service import run_forever

if sys.argv[1:] == ["reindex"]:
    asyncio.run(reindex())
else:
    run_forever(main)
