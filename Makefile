# Front desk: `make run` serves the demo, `make test` runs the suite.
SHELL := /bin/bash
VENV  := .venv
PY    := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
HOST  ?= 127.0.0.1
PORT  ?= 8000

# A Python >= 3.12 (Django 6 needs it): python3.13, python3.12, pyenv's, then python3.
PYTHON ?= $(shell for c in python3.13 python3.12 $$HOME/.pyenv/versions/3.13*/bin/python3 \
	$$HOME/.pyenv/versions/3.12*/bin/python3 /usr/local/bin/python3.13 /usr/bin/python3.13 \
	/usr/bin/python3.12 python3; do \
	  if $$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then \
	    command -v $$c 2>/dev/null || echo $$c; break; fi; done)

.PHONY: run test setup demo lint check messages clean bench

$(STAMP): pyproject.toml
	@if [ -z "$(PYTHON)" ]; then \
	  echo "No Python 3.12 or newer found. Install Python 3.13 (or 3.12) and run again," \
	       "or name one with: make PYTHON=/path/to/python3.13 ..."; exit 1; fi
	@echo "Using $(PYTHON) ($$($(PYTHON) --version))"
	@[ -x $(PY) ] || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-* && touch $@

setup: $(STAMP)
	$(PY) manage.py migrate --noinput

demo: setup
	$(PY) manage.py seed_demo --if-empty

run: demo
	@echo
	@echo "  Front desk: http://$(HOST):$(PORT)/   (API: /api/v1/, docs: /api/docs/)"
	@echo "  Demo logins, password 'demo12345' (README.md lists them all):"
	@echo "    desk, desk2, butler, supervisor, manager, cashier, engineer, cleaner, greener, security, admin"
	@echo
	HOST=$(HOST) PORT=$(PORT) $(VENV)/bin/honcho -f Procfile.dev start

test: $(STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=frontdesk.settings_production SECRET_KEY=check-deploy-$$RANDOM$$RANDOM$$RANDOM$$RANDOM-long-enough-for-django \
	  ALLOWED_HOSTS=desk.example.com $(PY) manage.py check --deploy --fail-level WARNING

messages: $(STAMP)
	$(PY) manage.py makemessages -l zh_Hans --no-location --no-obsolete --ignore '.venv/*' --ignore 'tests/*' --ignore 'bench/*'
	$(PY) manage.py compilemessages --ignore '.venv/*'

bench: $(STAMP)
	$(PY) bench/run.py $(if $(ORDERS),--orders $(ORDERS))

clean:
	rm -rf $(VENV) var staticfiles
