# The two commands: `make run` and `make test`. Everything else is optional.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | sha1sum | cut -c1-12)

.PHONY: run test bench staff reconcile setup rabbitmq console chromium clean

$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@rm -f $(VENV)/.installed-* && touch $(STAMP)

setup: $(STAMP)

rabbitmq:
	@bash scripts/ensure_rabbitmq.sh

## make console: the staff console (console/) built into gateway/static/console/,
## which the gateway serves at /console/. `npm ci` runs again only when the lock
## file changed (a stamp named by its hash, like the venv's); esbuild only when a
## source did.
CONSOLE_OUT := gateway/static/console
NODE_STAMP := console/node_modules/.installed-$(shell cat console/package.json console/package-lock.json | sha1sum | cut -c1-12)
CONSOLE_STAMP := $(CONSOLE_OUT)/.built

$(NODE_STAMP): console/package.json console/package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "The staff console is built with Node.js 20+ and npm," \
	  "which are missing (Debian/Ubuntu: sudo apt-get install nodejs npm)." >&2; exit 1; }
	@# --ignore-scripts: no package runs code at install (esbuild works without its postinstall).
	cd console && npm ci --ignore-scripts --no-audit --no-fund
	@rm -f console/node_modules/.installed-* && touch $(NODE_STAMP)

$(CONSOLE_STAMP): $(NODE_STAMP) console/build.mjs $(wildcard console/src/*)
	cd console && node build.mjs
	@touch $(CONSOLE_STAMP)

console: $(CONSOLE_STAMP)

## Headless Chromium and its driver for the browser test (Debian's packages).
chromium:
	@bash scripts/ensure_chromium.sh

## make run: the whole system with demo data (COURSES_PROCESSES=N scales courses)
run: setup rabbitmq console
	$(PY) -m scripts.run

## make test: the whole suite against the real RabbitMQ and the embedded MongoDB
test: setup rabbitmq console chromium
	$(PY) -m scripts.test_suite $(PYTEST_ARGS)

## make bench: the benchmarks under bench/
bench: setup rabbitmq
	$(PY) -m bench

## make staff PHONE=... PASSWORD=... [NAME=...]: create a union staff account
staff: setup
	$(PY) -m scripts.staff --phone "$(PHONE)" --password "$(PASSWORD)" --name "$(NAME)"

## make reconcile [WORKER=<id>]: recompute every points balance from the ledger's
## entries and report any drift (exits non-zero on drift); same database settings
## as `make run` (MONGO_URI, MONGO_DB_PREFIX)
reconcile: setup
	$(PY) -m scripts.reconcile --worker-id "$(WORKER)"

clean:
	rm -rf $(VENV) console/node_modules $(CONSOLE_OUT)
