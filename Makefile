# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export FLASK_APP := wsgi:app

.PHONY: run test test-browser install lint format migrate demo screenshots demo-kit-files lighthouse bench bench-referrals bench-hostile bench-customers bench-scorecard bench-directory bench-tiers bench-insights bench-throughput bench-governance clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

migrate: install
	mkdir -p instance
	$(BIN)/flask db upgrade

demo: migrate
	$(BIN)/flask demo load

run: demo
	@echo "Serving on http://127.0.0.1:5000 (Ctrl-C stops it)"
	$(BIN)/flask run --host 127.0.0.1 --port 5000 --debug

# The suite without a browser (under two minutes on two cores); CI adds the browser tests.
test: install
	$(BIN)/python -m pytest --ignore=tests/browser $(PYTEST_ARGS)
	@echo "Browser tests (Debian's chromium at /usr/bin/chromium): make test-browser. CI runs both."

# Playwright on Debian's chromium: journeys, axe, every page at 390 and 1280 px (about 80 s).
test-browser: install
	$(BIN)/python -m pytest tests/browser $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Screenshots of the main pages at 390 and 1280 px into docs/screenshots/ (needs /usr/bin/chromium).
screenshots: install
	$(BIN)/python -m tools.screenshots

# The demo kits' files and previews under content/kits (committed; reproducible byte for byte).
demo-kit-files: install
	$(BIN)/python tools/build_demo_kit_files.py

# Lighthouse (mobile) on the main pages with demo data; needs `npm ci --prefix .ci` and chromium.
lighthouse: install
	$(BIN)/python tools/lighthouse.py

bench: install
	$(BIN)/python bench/learning.py

bench-referrals: install
	$(BIN)/python bench/referrals.py

bench-hostile: install
	$(BIN)/python bench/hostile_input.py

# SQLite, and PostgreSQL too when BENCH_DATABASE_URL names a server.
bench-customers: install
	$(BIN)/python bench/customers.py

# SQLite, then PostgreSQL too when BENCH_DATABASE_URL names a server (a throwaway database
# flywheel_bench_<random> is made there and dropped). BENCH_ARGS=--program-scale: 1,000,000
# referrals over 5,000 organisations, compared with 10,000 (seeding takes minutes).
bench-directory: install
	nice -n 10 $(BIN)/python bench/directory.py --database-url '' $(BENCH_ARGS)
	@if [ -n "$$BENCH_DATABASE_URL" ]; then nice -n 10 $(BIN)/python bench/directory.py $(BENCH_ARGS); fi

bench-scorecard: install
	nice -n 10 $(BIN)/python bench/scorecard.py --database-url '' $(BENCH_ARGS)
	@if [ -n "$$BENCH_DATABASE_URL" ]; then nice -n 10 $(BIN)/python bench/scorecard.py $(BENCH_ARGS); fi

# SQLite, or PostgreSQL with BENCH_ARGS="--database-url postgresql://...".
bench-tiers: install
	$(BIN)/python bench/tiers.py $(BENCH_ARGS)

# SQLite, and PostgreSQL too when BENCH_DATABASE_URL names a server. Seeding takes minutes.
bench-insights: install
	nice -n 10 $(BIN)/python bench/insights.py

# Pages per second under gunicorn (2 workers) and wrk (8 connections) beside a hello-world app,
# on the demo data; needs Debian's wrk (apt-get install -y wrk). BENCH_ARGS="--database URL".
bench-throughput: install
	$(BIN)/python bench/throughput.py $(BENCH_ARGS)

# The questions, co-marketing and MDF queues (issue 17): 100,000 questions, 50,000 pieces and
# 50,000 MDF requests over 5,000 organisations, compared with a hundredth of that. PostgreSQL
# when BENCH_DATABASE_URL names a server (the budget's database), else SQLite. Seeding takes
# minutes: BENCH_ARGS="--reuse-postgresql flywheel_bench_gov" keeps the database and measures
# it again on the next run without reseeding (add --drop on the last run).
bench-governance: install
	nice -n 10 $(BIN)/python bench/governance.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache .mypy_cache
