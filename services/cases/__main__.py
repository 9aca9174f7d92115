"""`python -m services.cases`: run the cases service."""

from services.cases.entrypoints.service import main
from shared.service import run_forever

run_forever(main)
