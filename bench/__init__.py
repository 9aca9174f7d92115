"""`make bench`: throughput and latency of hemiao on this machine, against raw PostgreSQL inserts."""
