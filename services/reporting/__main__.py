"""`python -m services.reporting`: run the reporting service.

`python -m services.reporting replay-parked` applies the parked events again (after a projection was fixed),
each stream in order, and says what is still parked.
"""

import asyncio
import sys

from services.reporting.entrypoints.service import main, replay

if len(sys.argv) > 1 and sys.argv[1] == "replay-parked":
    sys.exit(asyncio.run(replay()))
else:
    from shared.service import run_forever

    run_forever(main)
