"""`python -m services.reporting`: run the reporting service."""

from services.reporting.entrypoints.service import main
from shared.service import run_forever

run_forever(main)
