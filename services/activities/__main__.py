"""`python -m services.activities`: run the activities service."""

from services.activities.entrypoints.service import main
from shared.service import run_forever

run_forever(main)
