"""`python -m gateway`: serve GraphQL on GATEWAY_HOST:GATEWAY_PORT (127.0.0.1:8000 by default)."""

import logging
import os

import uvicorn

from gateway.app import create_app

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
uvicorn.run(create_app(), host=os.environ.get("GATEWAY_HOST", "127.0.0.1"),
            port=int(os.environ.get("GATEWAY_PORT", "8000")), log_level="warning")
