# Siap Ekspor. `make help` lists the targets.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PG_URL ?= postgres://postgres@127.0.0.1:5432/siap_ekspor
# Extra pytest arguments, e.g. make test PYTEST_ARGS='-m "not e2e"'
PYTEST_ARGS ?=
export DJANGO_SETTINGS_MODULE := config.settings

.DEFAULT_GOAL := help

help: ## List the targets
	@grep -hE '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-15s %s\n", $$1, $$2}'

# Two locks: requirements.lock holds what production runs, requirements-dev.lock the same
# pins plus the tools for tests and lint. A deployment installs only the first.
$(BIN)/.installed: requirements.lock
	@command -v msgfmt >/dev/null || $(MAKE) system-packages
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	touch $@

$(BIN)/.installed-dev: requirements-dev.lock $(BIN)/.installed
	$(PY) -m pip install --quiet --require-hashes -r requirements-dev.lock
	touch $@

install: $(BIN)/.installed messages ## Create .venv with the production dependencies (a deployment)

install-dev: $(BIN)/.installed-dev messages ## Add the test and lint tools (make test does it)

system-packages: ## Install the Debian packages the project needs (as root)
	apt-get update -qq && apt-get install -y -qq gettext libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core libharfbuzz-subset0 graphviz poppler-utils chromium >/dev/null

messages: $(BIN)/.installed ## Compile the translations
	$(PY) manage.py compilemessages --ignore=.venv -v0

run: install ## Set up and serve the app with demo data at http://127.0.0.1:8000
	$(PY) manage.py migrate -v0
	$(PY) manage.py load_reference_data
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver 127.0.0.1:8000

demo-code: install ## Print the two-factor code the demo's staff logins need right now
	@$(PY) manage.py shell -v0 -c "import time; from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value; from curation.demo import DEMO_TOTP_SECRET; print(format_hotp_value(hotp_value(DEMO_TOTP_SECRET, int(time.time()) // 30)))"

# Both cores: the browser tests share one worker (they are grouped), the rest spread.
XDIST := -n 2 --dist loadgroup

test: install-dev ## Run the test suite (SQLite unless DATABASE_URL is set; browser tests need chromium)
	$(BIN)/pytest $(XDIST) $(PYTEST_ARGS)

test-e2e: install-dev ## Run only the browser tests (Playwright with the system Chromium)
	$(BIN)/pytest -m e2e -rs $(PYTEST_ARGS)

test-postgres: install-dev ## Run the test suite on PostgreSQL ($(PG_URL))
	DATABASE_URL=$(PG_URL) $(BIN)/pytest $(XDIST) $(PYTEST_ARGS)

lint: install-dev ## ruff, mypy over services, selectors and permissions, import layers
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

check: install-dev ## Django system checks and missing migrations
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

# More for `make bench`, e.g. CERT_BENCH_ARGS=--quick (small sizes, a minute) or
# CERT_BENCH_ARGS='--renders 2000 --cache-url redis://127.0.0.1:6379/9'.
CERT_BENCH_ARGS ?=

bench: install-dev ## Certificates' speed and memory on this machine, each figure beside its goal
	$(PY) -m benchmarks.certificates $(CERT_BENCH_ARGS)

# A database to connect to for creating the benchmark's own (siap_bench_1k, siap_bench_100k,
# kept and reused); BENCH_ARGS passes more, e.g. BENCH_ARGS='--reseed' or '--requests 50'.
BENCH_PG_URL ?= postgres://postgres@127.0.0.1:5432/postgres
BENCH_ARGS ?=

bench-scale: install-dev ## Time every list page at 1,000 and 100,000 applications (PostgreSQL, $(BENCH_PG_URL))
	$(PY) -m benchmarks.scale --pg-url $(BENCH_PG_URL) $(BENCH_ARGS)

bench-export: install-dev ## Stream the statistics' 100,000-row CSV from bench-scale's databases: seconds, peak memory
	$(PY) -m benchmarks.export --pg-url $(BENCH_PG_URL)

.PHONY: bench-scale bench-export

tasks: install ## Show the task queue: tasks per status, the oldest waiting, stuck and failed ones
	$(PY) manage.py task_queue

# More for `make reminders`, e.g. REMINDERS_ARGS=--dry-run (list, send nothing) or
# REMINDERS_ARGS='--today 2026-12-01' (act as on that day).
REMINDERS_ARGS ?=

reminders: install ## Send the reminders due now (production runs it hourly: README, "Reminders")
	$(PY) manage.py send_reminders $(REMINDERS_ARGS)

graph: install ## Regenerate docs/workflow.dot (and .svg) from the state machine
	$(PY) manage.py graph_transitions curation.Application > docs/workflow.dot
	command -v dot >/dev/null && dot -Tsvg docs/workflow.dot -o docs/workflow.svg || true

lock: ## Re-pin both locks from pyproject.toml (needs uv); the dev lock keeps production's pins
	uv pip compile pyproject.toml --python-version 3.11 --generate-hashes -o requirements.lock
	uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes -c requirements.lock -o requirements-dev.lock

clean: ## Remove the virtual environment, the development database and media
	rm -rf $(VENV) db.sqlite3 media staticfiles

.PHONY: help demo-code install install-dev system-packages messages run test test-e2e test-postgres lint check tasks reminders graph lock clean
