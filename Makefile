# The two commands: `make run` and `make test`. Everything else is optional.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | sha1sum | cut -c1-12)

.PHONY: run test bench staff reconcile setup rabbitmq clean

$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@rm -f $(VENV)/.installed-* && touch $(STAMP)

setup: $(STAMP)

rabbitmq:
	@bash scripts/ensure_rabbitmq.sh

## make run: the whole system with demo data (COURSES_PROCESSES=N scales courses)
run: setup rabbitmq
	$(PY) -m scripts.run

## make test: the whole suite against the real RabbitMQ and the embedded MongoDB
test: setup rabbitmq
	$(PY) -m pytest $(PYTEST_ARGS)

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
	rm -rf $(VENV)
