"""`python -m services.activities`: run the activities service.

`python -m services.activities reindex` rebuilds the volunteers' keyed search index from the event store
(services/activities/entrypoints/commands.py).
"""

import sys

if len(sys.argv) > 1:
    from services.activities.entrypoints.commands import main as command

    sys.exit(command(sys.argv[1:]))
else:
    from services.activities.entrypoints.service import main
    from shared.service import run_forever

    run_forever(main)
