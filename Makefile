# Two commands do all the set-up (see README):
#   make run   installs what is missing, migrates, seeds the demo school, serves on :8000
#   make test  installs what is missing and runs the whole test suite
# Both work on a bare Debian machine: as root they also install the Debian packages needed.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEBIAN_PACKAGES := python3-venv gettext libpango-1.0-0 libpangoft2-1.0-0 fonts-wqy-microhei poppler-utils chromium
# Java runs the Nu HTML checker (vnu.jar, from requirements.txt) in the tests; any Java will do,
# so default-jre-headless is installed only where there is no `java` at all.
PORT ?= 8000

.PHONY: run test install debian-packages lint

debian-packages:
	@if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
		missing=""; for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
		command -v java >/dev/null || missing="$$missing default-jre-headless"; \
		if [ -n "$$missing" ]; then \
			echo "Installing Debian packages:$$missing"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
		fi; \
	fi

$(VENV)/.installed: requirements.txt | debian-packages
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements.txt
	@touch $@

install: debian-packages $(VENV)/.installed
	@test -f .env || printf 'DEBUG=1\n' > .env

# The demo runs its periodic jobs too (reminders, re-sends, digests, waitlist expiry): a Celery
# worker with beat on kombu's file-system broker (var/broker), stopped with the server.
DEMO_BROKER ?= filesystem://

run: install
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py seed_demo
	@echo "Background jobs: a Celery worker with beat (log: var/celery.log)"
	@export CELERY_BROKER_URL="$${CELERY_BROKER_URL:-$(DEMO_BROKER)}"; \
	$(BIN)/celery -A counseling worker --beat --pool=solo --without-mingle --without-gossip \
		--schedule var/celerybeat-schedule --loglevel=INFO --logfile var/celery.log & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# One test process per core (pytest-xdist); a module's tests stay together, so a module's seeded
# school is built once. TEST_WORKERS=0 runs in this process.
TEST_WORKERS ?= auto

# On PostgreSQL the district installation's tests run too, in a second session (DISTRICT=1: each
# school a schema; they need PostgreSQL, so a SQLite run has nothing more to do).
test: install
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile
	@if [[ "$${DATABASE_URL:-}" == postgres* ]]; then \
		echo "District installation (DISTRICT=1): schools walled off"; \
		DISTRICT=1 $(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile counseling/district/tests; \
	fi

lint: install
	$(BIN)/ruff check .
