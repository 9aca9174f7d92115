# hemiao: `make run` starts the whole system, `make test` runs every test. Both install what they need.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
BENCH_STAMP := $(VENV)/.installed-bench

.PHONY: run test test-today test-shifted test-cluster lint unit bench bench-scale bench-reporting bench-abuse bench-search rebuild clean schema schema-check schema-release asyncapi contracts replay-parked

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(PY) -m shared.devstack.run

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

# Every test today; then, side by side, again at two shifted instants (tests/clock.py) the tests that take the day
# from the clock, and the cluster fault test. Today's run is spread over three workers, a file to each at a time
# (each worker starts its own servers): most of a test is waiting on PostgreSQL and NATS, so on 2 cores this takes
# about half the time of one. The shifted runs and the cluster test wait as much, so they share the cores too:
# one after the other they took 464 s of CI's 20 minutes, side by side about the longer of the two.
PYTEST_WORKERS ?= 3
test: lint
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadfile
	$(MAKE) --no-print-directory -j2 --output-sync=target test-shifted test-cluster

test-today: lint
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadfile

test-shifted: $(STAMP)
	$(PY) -m tests.clock

# hemiao as deploy/compose.yaml runs it, on 127.0.0.1: three NATS nodes, PostgreSQL, two copies of every process,
# under load while a node is lost and back, every copy restarted and PostgreSQL restarted (tests/cluster, about two
# minutes; `make test` runs it beside the shifted runs).
test-cluster: $(STAMP)
	HEMIAO_CLUSTER_TESTS=1 $(PY) -m pytest -p no:randomly -p no:cacheprovider tests/cluster/test_cluster_faults.py -s

unit: $(STAMP)
	$(PY) -m pytest tests/unit

# The bench's own extra (the eventsourcing library it is measured against, py-spy for the profile), a stamp of its
# own so `make test` does not need them. Knobs: `$(PY) -m bench.run --help`.
$(BENCH_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[dev,bench]'
	touch $(BENCH_STAMP)

bench: $(STAMP) $(BENCH_STAMP)
	$(PY) -m bench.run

# A province-shaped year (Hunan: 1,900 stations in 122 districts of 14 cities at SIZE=province) written in bulk
# through the real deciders, then published, projected, rebuilt and queried (bench/SCALE.md). The default, 38
# stations, is meant to take about 15 minutes here; SIZE=province is the recorded run.
SIZE ?= 0.02
bench-scale: $(STAMP)
	$(PY) -m bench.scale --size $(SIZE)

bench-reporting: $(STAMP)
	$(PY) -m bench.reporting

# find_recipients at a station of 5,000 recipients over NATS, against a raw indexed lookup (bench/SEARCH.md)
bench-search: $(STAMP)
	$(PY) -m bench.search

# Other users' latency while anonymous and signed-in clients abuse the gateway (127.0.0.1 only, ~1 minute)
bench-abuse: $(STAMP)
	$(PY) -m bench.abuse

schema: $(STAMP)
	$(PY) -m gateway.export_schema > schema.graphql

# The code's GraphQL schema against schema.baseline.graphql (what front ends were given): a breaking change fails
# unless schema-changes.yaml lists it with its reason; dangerous ones are warnings.
schema-check: $(STAMP)
	$(PY) -m gateway.schema_check

# At a release: what front ends are given from now on becomes the baseline (listed changes become history).
schema-release: schema schema-check
	cp schema.graphql schema.baseline.graphql

asyncapi: $(STAMP)
	$(PY) -m shared.cli asyncapi > docs/events.asyncapi.yaml

# Freeze the example and JSON Schema of every new (event type, version) under tests/contracts; never overwrites one.
contracts: $(STAMP)
	$(PY) -m shared.contracts.corpus

clean:
	rm -rf var

# Rebuild the read models from the first event beside the live ones, and swap them in (PROJECTIONS="cases work"
# for some of them); GraphQL keeps answering from the live tables until the swap.
rebuild: $(STAMP)
	$(PY) -m services.reporting rebuild $(PROJECTIONS)

# Apply the events reporting parked (a projection could not apply them) again, after the projection was fixed.
replay-parked: $(STAMP)
	$(PY) -m services.reporting replay-parked
