# `make demo`, `make test` and `make bench` build the virtual environment they need, then run.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck pytest soak sync spec bench bench-batch bench-sync bench-plugin conformance clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11 or newer is needed: make PYTHON=python3.11 ...")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=25.1"
	$(BIN)/python -m pip install --quiet --editable . --group dev
	touch $@

demo: $(STAMP)
	$(BIN)/python examples/demo.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy
	$(BIN)/pyright

pytest: $(STAMP)
	$(BIN)/pytest

test: lint typecheck pytest

soak: $(STAMP)
	$(BIN)/python -m tests.soak --calls 20000 --concurrency 64 --sync-calls 4000 --sigints 200

# Schemathesis against the fake cloud from the local spec, about three minutes; zero failures
# beyond the spec defects listed in scripts/conformance.py. `make test` runs a short version.
conformance: $(STAMP)
	$(BIN)/python scripts/conformance.py --max-time 180
	$(BIN)/python scripts/conformance.py --api v4 --max-time 180

# Regenerate browser_use_async/_sync.py from the async client (pytest fails when it is stale).
sync: $(STAMP)
	$(BIN)/python scripts/generate_sync.py

# Rewrite spec/openapi-v2.json, spec/openapi-v4.json and the fake's copies from the upstream
# copies and spec/amendments-v2.json, spec/amendments-v4.json (pytest fails when they are
# stale); then list what still differs from the official SDK's v2 and v4 models.
spec: $(STAMP)
	$(BIN)/python scripts/refresh_spec.py
	$(BIN)/python scripts/compare_official_models.py

# Per-call cost of BrowserUse over AsyncBrowserUse (results: benchmarks/README.md).
bench-sync: $(STAMP)
	$(BIN)/python benchmarks/sync_overhead.py

# pytest's start-up with our plugin against -p no:browser_use_async (results: benchmarks/README.md).
bench-plugin: $(STAMP)
	$(BIN)/python benchmarks/plugin_startup.py

# 10,000 tasks through tasks.run_many against the fake cloud as a process, under a minute;
# writes its section of benchmarks/README.md and benchmarks/batch.json.
BATCH_BENCH := $(BIN)/python -m benchmarks.batch --readme benchmarks/README.md --json benchmarks/batch.json
bench-batch: $(STAMP)
	$(BATCH_BENCH) --command "make bench-batch"

# About six minutes; writes benchmarks/README.md, benchmarks/results.json and benchmarks/batch.json.
bench: $(STAMP)
	$(BIN)/python -m benchmarks
	$(BATCH_BENCH)

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache .hypothesis
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
