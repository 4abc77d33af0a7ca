# Newsroom: `make run` to try it, `make test` to test it.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
export PYTHAINLP_READ_ONLY := 1
export PYTHAINLP_OFFLINE := 1

.PHONY: run test test-postgres test-browser serve check-python install migrate samples check clean messages audit

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

# The task worker (e-mail alerts) runs beside the dev server on the embedded SQLite queue;
# Ctrl-C stops both (the trap also stops the worker if the server exits on its own).
run: samples
	@echo "Newsroom at http://127.0.0.1:8000/  (admin: http://127.0.0.1:8000/admin/); task worker beside it"
	@DJANGO_DEBUG=1 $(PY) manage.py run_huey --quiet & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	DJANGO_DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

# Production-like local run (DEBUG off, gunicorn, hashed+compressed static). The defaults
# below (generated key, plain HTTP, localhost only) are for THIS machine only; a real
# deployment sets its own environment (docs/deploy.md) and runs `manage.py run_huey` (the task
# worker) as its own service; here it runs beside gunicorn and stops with it.
serve: install
	@mkdir -p var
	@test -s var/secret_key || (umask 077 && $(PY) -c 'import secrets; print(secrets.token_urlsafe(50))' > var/secret_key)
	@echo "make serve: local production-like run on http://$${GUNICORN_BIND:-127.0.0.1:8000}/ (plain HTTP, key in var/secret_key); see docs/deploy.md for a real deployment."
	@export DJANGO_SECRET_KEY="$${DJANGO_SECRET_KEY:-$$(cat var/secret_key)}" \
		DJANGO_ALLOWED_HOSTS="$${DJANGO_ALLOWED_HOSTS:-127.0.0.1,localhost}" \
		DJANGO_SECURE_SSL_REDIRECT="$${DJANGO_SECURE_SSL_REDIRECT:-0}" \
		DJANGO_SECURE_HSTS_SECONDS="$${DJANGO_SECURE_HSTS_SECONDS:-0}" \
		DJANGO_SESSION_COOKIE_SECURE="$${DJANGO_SESSION_COOKIE_SECURE:-0}" \
		DJANGO_CSRF_COOKIE_SECURE="$${DJANGO_CSRF_COOKIE_SECURE:-0}" && \
	$(PY) manage.py migrate --noinput && \
	$(PY) manage.py collectstatic --noinput --verbosity 0 && \
	{ $(PY) manage.py run_huey & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	  $(VENV)/bin/gunicorn -c config/gunicorn.py; }

# Lighthouse, axe-core and the Nu HTML checker against a production-like local site with the
# sample data (scratch database and media; port 8104 unless NEWSROOM_AUDIT_PORT). Needs node/npm,
# java and /usr/bin/chromium; the npm tools install into scripts/audit-tools/node_modules. docs/audit.md.
audit: install
	$(PY) scripts/audit.py

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
