# Two commands matter: `make run` and `make test`. Everything else supports them.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_MEMBERS ?= 2000

.PHONY: run test lint worker migrate demo messages clean

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# A local .env (never committed) makes plain `manage.py …` work in a development clone.
# Its SECRET_KEY is made here, fresh for this clone: the example's is empty on purpose.
.env:
	@key=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))') && \
		sed "s/^SECRET_KEY=.*/SECRET_KEY=$$key/" .env.example > .env.tmp && mv .env.tmp .env
	@echo "Đã tạo .env với SECRET_KEY ngẫu nhiên riêng cho bản sao này."

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python .env
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

var:
	mkdir -p var

migrate: $(VENV)/.installed | var
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py seed_demo --members $(DEMO_MEMBERS) --seed 1 --if-empty

## Fresh clone → venv, install, migrate SQLite, demo data, server + worker.
## DEBUG is off (.env): errors show the site's error page, tracebacks go to this terminal.
run: demo
	HOST=$(HOST) PORT=$(PORT) bash scripts/run.sh

## The workers: the default queue, `files` (reading uploaded PDF/DOCX), and the drains
## of QR check-ins and of learning-report submissions beside it.
worker: $(VENV)/.installed
	$(PY) manage.py db_worker --queue-name files & FILES=$$!; \
	$(PY) manage.py drain_checkins & CHECKINS=$$!; \
	$(PY) manage.py drain_submissions & SUBMISSIONS=$$!; \
	trap 'kill $$FILES $$CHECKINS $$SUBMISSIONS 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py db_worker

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run --settings=nghiquyet.settings_test

## Lint, then the whole suite on SQLite, then on PostgreSQL when DATABASE_URL is set.
test: lint
	env -u DATABASE_URL $(VENV)/bin/pytest -q
	@if [ -n "$$DATABASE_URL" ]; then \
		echo "== PostgreSQL: $$DATABASE_URL"; \
		$(VENV)/bin/pytest -q; \
	else \
		echo "DATABASE_URL chưa đặt: bỏ qua lượt chạy trên PostgreSQL."; \
	fi

## Refresh the translation catalogues (needs GNU gettext).
messages: $(VENV)/.installed
	$(PY) manage.py makemessages -l en -l vi --ignore=.venv --ignore=var --ignore=bench
	$(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) var
