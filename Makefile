# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
# Both create .venv when it is missing and (re)install the project when pyproject.toml changes.

# The first interpreter that actually runs and is 3.11+ (a pyenv shim may exist and not run).
PYTHON ?= $(shell for p in python3 python3.13 python3.12 python3.11; do \
	  $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1 && { command -v $$p; break; }; \
	done)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEMO   := build/demo

.PHONY: demo test lint typecheck unit bench chromium clean

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "Python 3.11+ is required: none of python3, python3.13, python3.12, python3.11 runs as 3.11+" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

demo: $(STAMP)
	@bash scripts/demo.sh $(BIN) $(DEMO)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python scripts/check_file_length.py

typecheck: $(STAMP)
	$(BIN)/mypy cloudwright optimizer components stacks resource_graph pricing reports policies profiler

unit: $(STAMP)
	$(BIN)/python -m pytest

test: lint typecheck chromium unit

# Headless Chromium checks the HTML report; install Debian's package when we can (CI runs
# as root on a fresh machine). Without it those tests skip and say why.
chromium:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 && \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || \
	  echo "chromium not installed: HTML screenshot tests will skip"; }

bench: $(STAMP)
	@for b in benchmarks/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) build .mypy_cache .pytest_cache .ruff_cache
