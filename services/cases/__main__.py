"""`python -m services.cases`: run the cases service.

`python -m services.cases reindex` rebuilds the keyed search index from the event store
(services/cases/entrypoints/commands.py).
"""

import sys

if len(sys.argv) > 1:
    from services.cases.entrypoints.commands import main as command

    sys.exit(command(sys.argv[1:]))
else:
    from services.cases.entrypoints.service import main
    from shared.service import run_forever

    run_forever(main)
