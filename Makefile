# Aperture — `make run` (the whole system, no outside services) and `make test` (the suite).
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run test check lint format bench screenshots audit migrate seed clean

$(STAMP): requirements.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(STAMP)

migrate: $(STAMP)
	DEBUG=1 $(PY) manage.py migrate --noinput

seed: migrate
	DEBUG=1 $(PY) manage.py seed_demo

## The whole system on one machine: SQLite (or DATABASE_URL), a Celery worker and the
## beat scheduler on the embedded filesystem broker (or REDIS_URL), demo data, the web server.
run: seed
	PY=$(PY) CELERY=$(VENV)/bin/celery HOST=$(HOST) PORT=$(PORT) scripts/run.sh

## The whole suite: PostgreSQL and Redis when DATABASE_URL / REDIS_URL are set (as in CI),
## otherwise SQLite with the service-bound tests reported as skipped.
test: $(STAMP)
	$(PY) -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

check: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	TESTING=1 $(VENV)/bin/mypy
	TESTING=1 $(PY) manage.py makemigrations --check --dry-run
	TESTING=1 $(PY) manage.py spectacular --validate --fail-on-warn --file /dev/null
	DEBUG=0 SECRET_KEY=check-deploy-$$(date +%s)-a-long-random-production-secret-value-xyz ALLOWED_HOSTS=aperture.example.org \
		$(PY) manage.py check --deploy --fail-level WARNING

lint: check

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## SPEC 19's figures at BENCH_MODELS (default 100,000), then workers_1_s / workers_2_s for the
## same revalidation on 1 and 2 Celery worker processes (needs REDIS_URL).
bench: $(STAMP)
	$(PY) bench/run.py
	$(PY) bench/workers.py $${BENCH_MODELS:-100000}

## Known vulnerabilities in the pinned dependencies (needs the PyPI JSON API or OSV).
audit: $(STAMP)
	$(PY) -m pip install --quiet pip-audit==2.10.1
	$(VENV)/bin/pip-audit -r requirements.txt --strict

screenshots: $(STAMP)
	SCREENSHOTS=1 $(PY) -m pytest tests/web/test_screenshots.py tests/web/test_docket_journey.py -p no:xdist -q

clean:
	rm -rf var staticfiles .pytest_cache
