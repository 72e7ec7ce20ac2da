# Peelian: `make demo` and `make test` do all set-up on a fresh machine.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgresql://postgres@127.0.0.1:5432/test
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: help install chromium demo serve worker test lint typecheck imports check-migrations test-sqlite test-postgres bench clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-18s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e ".[dev]"
	touch $@

install: $(VENV)/.installed ## Create .venv and install Peelian with its development tools

.env:
	@echo "PEELIAN_SECRET_KEY=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(48))')" > .env
	@echo "PEELIAN_AUDIT_SIGNING_KEY=$$($(PYTHON) -c 'import base64, os; print(base64.b64encode(os.urandom(32)).decode())')" >> .env
	@chmod 600 .env
	@echo "wrote .env with fresh secrets (kept out of git)"

demo: install .env ## Migrate SQLite under var/, seed a demo force, run a worker and serve on :8000
	@mkdir -p var
	$(BIN)/peelian db upgrade
	$(BIN)/peelian demo setup --no-show
	$(BIN)/peelian forms publish --builtin
	@bash scripts/demo-serve.sh "$(HOST)" "$(PORT)"

serve: install .env ## Serve without seeding
	$(BIN)/peelian serve --host $(HOST) --port $(PORT)

lint: install ## ruff lint and format check
	$(BIN)/ruff check src tests bench migrations scripts
	$(BIN)/ruff format --check src tests bench migrations scripts

typecheck: install ## mypy --strict on src
	$(BIN)/mypy

imports: install ## import-linter contracts (layering, pure engine)
	$(BIN)/lint-imports

chromium: ## Install Chromium for the browser tests when it is missing (apt, as root on CI)
	@[ -x /usr/bin/chromium ] || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } \
		|| echo "could not install Chromium: the browser tests will be skipped"

test-sqlite: install chromium ## pytest on SQLite (the browser tests included)
	$(BIN)/pytest -q

test-postgres: install ## the database tests again on PostgreSQL (skipped with a reason if unreachable)
	@if $(BIN)/python scripts/pg_reachable.py "$(PG_URL)"; then \
		PEELIAN_TEST_DATABASE_URL="$(PG_URL)" $(BIN)/pytest -q -m db; \
	else \
		echo "SKIPPED PostgreSQL half: no server reachable at $(PG_URL)"; \
	fi

test: lint typecheck imports test-sqlite test-postgres ## Everything CI runs: lint, types, imports, pytest on SQLite and PostgreSQL

bench: install ## Run the benchmarks (figures only)
	$(BIN)/python bench/api_baseline.py
	$(BIN)/python bench/sync.py

clean: ## Remove the virtualenv and local data
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
