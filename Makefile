# The whole set-up on a fresh machine with Python 3 and make: `make demo`, `make test`.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.installed-run
DEV_STAMP := $(VENV)/.installed-dev
APT_PACKAGES := libicu-dev pkg-config g++
DEMO_PEOPLE ?= 20000

.PHONY: demo test test-fast lint typecheck pytest bench clean system-deps

system-deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing system packages:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

$(BIN)/python:
	$(PY) -m venv $(VENV)

# What `make demo` needs: Docket and its runtime dependencies, nothing to compile.
$(RUN_STAMP): pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c constraints.txt -e .
	touch $(RUN_STAMP)

# What the checks and benchmarks need on top: test and bench extras (and the system
# packages followthemoney's ICU binding builds against).
$(DEV_STAMP): $(RUN_STAMP)
	$(MAKE) system-deps
	$(BIN)/pip install -q -c constraints.txt -e '.[dev,bench]'
	touch $(DEV_STAMP)

demo: $(RUN_STAMP)
	$(BIN)/python -m docket.demo --people $(DEMO_PEOPLE)

lint: $(DEV_STAMP)
	$(BIN)/ruff format --check src tests bench
	$(BIN)/ruff check src tests bench

typecheck: $(DEV_STAMP)
	$(BIN)/mypy

pytest: $(DEV_STAMP)
	$(BIN)/pytest

test: lint typecheck pytest

# The inner loop: the fast tests only, stopping at the first failure.
test-fast: $(DEV_STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/pytest -m "not slow" -x

bench: $(DEV_STAMP)
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) docket-data .pytest_cache .mypy_cache .ruff_cache
