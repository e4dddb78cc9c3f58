# Quick start on a fresh Debian machine with Python 3.11:
#   make demo   set everything up and audit the bundled menus
#   make test   set everything up and run the tests
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Debian packages: espeak-ng speaks prompts, chromium runs the browser tests, postgresql
# runs the call-record tests on a throw-away cluster.
DEMO_PACKAGES := espeak-ng
TEST_PACKAGES := espeak-ng chromium postgresql
REPORTS := reports

.PHONY: demo test lint check bench system clean

# The audit exits 1 when a menu has an error-level finding (the cold line has
# several, on purpose); any other failure stops the demo.
demo: PACKAGES := $(DEMO_PACKAGES)
demo: system $(STAMP)
	@mkdir -p $(REPORTS)
	$(BIN)/ivr validate menus
	@echo; $(BIN)/ivr audit menus || [ $$? -eq 1 ]
	@$(BIN)/ivr audit menus --format html --output $(REPORTS)/audit.html || [ $$? -eq 1 ]
	@echo; echo "HTML report: $(CURDIR)/$(REPORTS)/audit.html (open it in a browser)"

LINTED := ivr audit voices tests bench

# Every test, in one pytest-xdist process per core: the waits of the fault, browser and
# server tests overlap (docs/testing.md has the figures).
test: PACKAGES := $(TEST_PACKAGES)
test: system lint
	$(BIN)/python -m pytest -n auto --dist worksteal

# The gates `make test` runs before the tests: lint, formatting, types, the import contract.
lint: $(STAMP)
	$(BIN)/ruff check $(LINTED)
	$(BIN)/ruff format --check $(LINTED)
	$(BIN)/mypy
	$(BIN)/lint-imports

# The fast inner loop: every test that needs neither a browser nor speech, nor is marked
# slow (tests/conftest.py leaves slow tests out of any -m selection that does not name
# them), in one process per core (pytest-xdist; many tests wait on servers and
# subprocesses). Byte-code caching is kept on: compiling and rewriting every module again
# costs seconds at each start.
check: $(STAMP)
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -m "not browser and not speech" -n auto --dist worksteal

bench: $(STAMP)
	@for script in bench/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

# System packages: installed with apt-get when running as root, else the exact command is shown.
system:
	@missing=""; \
	for package in $(PACKAGES); do \
		command -v $$package >/dev/null 2>&1 \
		|| dpkg-query -W -f '$${Status}' $$package 2>/dev/null | grep -q 'ok installed' \
		|| missing="$$missing $$package"; \
	done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "Installing system packages:$$missing"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
		else \
			echo "Missing system packages:$$missing. Install them with:"; \
			echo "  sudo apt-get update && sudo apt-get install -y$$missing"; \
			exit 1; \
		fi; \
	fi

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): setup.cfg pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

clean:
	rm -rf $(VENV) $(REPORTS) build *.egg-info .pytest_cache
