"""`python -m services.reporting`: run the reporting service.

`python -m services.reporting rebuild [PROJECTION...]` rebuilds read models with no downtime;
`python -m services.reporting replay-parked` applies the parked events again (after a projection was fixed).
See services/reporting/entrypoints/commands.py.
"""

import sys

if len(sys.argv) > 1:
    from services.reporting.entrypoints.commands import main as command

    sys.exit(command(sys.argv[1:]))
else:
    from services.reporting.entrypoints.service import main
    from shared.service import run_forever

    run_forever(main)
