# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
# Both create .venv when it is missing and install the locked dependency set
# (requirements.lock, hashes checked) when the lock or pyproject.toml changes.
# `make lock` refreshes the lock; `make test-latest` runs the suite on the newest versions
# the ranges in pyproject.toml allow, so a new release that breaks us fails a named check.

# The first interpreter that actually runs and is 3.11+ (a pyenv shim may exist and not run).
PYTHON ?= $(shell for p in python3 python3.13 python3.12 python3.11; do \
	  $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1 && { command -v $$p; break; }; \
	done)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEMO   := build/demo
LATEST := .venv-latest
# uv resolves and installs; it is itself pinned by hash in requirements-bootstrap.lock.
# --compile-bytecode: every command would otherwise recompile pandas, scipy and the Pulumi
# SDKs where PYTHONDONTWRITEBYTECODE is set (cost examples/plan.json: 8.6 s → 2.9 s).
COMPILE := pip compile pyproject.toml --extra dev --generate-hashes --universal --python-version 3.11

.PHONY: demo test lint typecheck layers unit bench chromium clean lock test-latest schemas

define make_venv
	@test -n "$(PYTHON)" || { echo "Python 3.11+ is required: none of python3, python3.13, python3.12, python3.11 runs as 3.11+" >&2; exit 1; }
	$(PYTHON) -m venv $(1)
	$(1)/bin/python -m pip install --quiet --require-hashes -r requirements-bootstrap.lock
endef

$(BIN)/python:
	$(call make_venv,$(VENV))

$(STAMP): pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python --require-hashes -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	@touch $(STAMP)

# Refresh requirements.lock to the newest versions the ranges in pyproject.toml allow.
lock: | $(BIN)/python
	$(BIN)/uv $(COMPILE) --upgrade --quiet -o requirements.lock

# The suite on the newest allowed versions (not the lock): a fresh venv each time.
test-latest:
	rm -rf $(LATEST)
	$(call make_venv,$(LATEST))
	$(LATEST)/bin/uv pip install --quiet --compile-bytecode --python $(LATEST)/bin/python --upgrade --resolution highest -e '.[dev]'
	@$(LATEST)/bin/python -m pip list --format freeze 2>/dev/null | grep -i -E '^(pulumi|pandas|numpy|scipy|pydantic|pyyaml|typer|codecarbon)' | tr '\n' ' '; echo
	$(LATEST)/bin/python -m pytest -n auto -p no:cacheprovider || { echo "test-latest FAILED: the newest dependency versions the ranges allow break the suite (the lock still passes: see make test)" >&2; exit 1; }

demo: $(STAMP)
	@bash scripts/demo.sh $(BIN) $(DEMO)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python scripts/check_file_length.py

typecheck: $(STAMP)
	$(BIN)/mypy -p cloudwright

# The layer contract (pyproject.toml [tool.importlinter]): lower layers never import higher ones.
layers: $(STAMP)
	$(BIN)/lint-imports --no-cache

# JSON Schemas in schemas/ from the code (pydantic models and report dataclasses);
# tests/test_schemas.py fails when they are stale.
schemas: $(STAMP)
	$(BIN)/python scripts/gen_schemas.py

unit: $(STAMP)
	$(BIN)/python -m pytest -n auto

test: lint layers typecheck chromium unit

# Headless Chromium checks the HTML report; install Debian's package when we can (CI runs
# as root on a fresh machine). Without it those tests skip and say why.
chromium:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || \
	  echo "chromium not installed: HTML screenshot tests will skip"; }

bench: $(STAMP)
	@for b in benchmarks/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) $(LATEST) build .mypy_cache .pytest_cache .ruff_cache
