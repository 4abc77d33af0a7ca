# Newsroom: `make run` to try it, `make test` to test it.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
export PYTHAINLP_READ_ONLY := 1
export PYTHAINLP_OFFLINE := 1

.PHONY: run test test-postgres test-browser serve check-python install migrate samples check clean messages

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null || { \
		echo "Newsroom needs Python 3.11 or newer: '$(PYTHON)' is missing or older."; \
		echo "Install Python 3.11+ (e.g. 'apt-get install python3 python3-venv') or run 'make PYTHON=/path/to/python3.11 run'."; \
		exit 1; }

$(VENV)/.installed: requirements.txt requirements-dev.txt | check-python
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements-dev.txt
	@touch $@

install: check-python $(VENV)/.installed

migrate: install
	DJANGO_DEBUG=1 $(PY) manage.py migrate --noinput

samples: migrate
	DJANGO_DEBUG=1 $(PY) manage.py load_samples

run: samples
	@echo "Newsroom at http://127.0.0.1:8000/  (admin: http://127.0.0.1:8000/admin/)"
	DJANGO_DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

test: install
	$(PY) -m pytest

test-postgres: install
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} $(PY) -m pytest

check: install
	DJANGO_SECRET_KEY=check-only-$$(date +%s)-not-a-real-key-but-long-enough-for-the-check DJANGO_ALLOWED_HOSTS=example.org \
		$(PY) manage.py check --deploy --fail-level WARNING

messages: install
	DJANGO_DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) var/staticfiles
