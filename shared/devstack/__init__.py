"""Embedded PostgreSQL and NATS, and the process supervisor behind `make run`."""
