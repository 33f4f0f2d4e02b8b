# LSIP front door: `make run` sets everything up and serves; `make test` runs the suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

PIP_INSTALL := $(PY) -m pip install --quiet --disable-pip-version-check --require-hashes

.PHONY: run test coverage bench-suite bench-imports bench lint lock setup clean

# What the portal runs on (requirements.txt), and on top of it the test and lint tools
# (requirements-dev.txt); both pinned with hashes by `make lock`.
$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP_INSTALL) -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(PIP_INSTALL) -r requirements-dev.txt
	touch $@

# A local .env with a fresh random key; never committed.
.env:
	sed -e "s/^SECRET_KEY=.*/SECRET_KEY=$$($(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')/" \
	    -e "s/^DEBUG=.*/DEBUG=true/" .env.example > $@

setup: $(VENV)/.runtime .env
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable
	$(PY) manage.py load_lang_son
	$(PY) manage.py generate_demo
	$(PY) manage.py ensure_admin

run: setup
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# In parallel, one worker a core, in random order (pytest-randomly prints the seed to replay one).
test: $(VENV)/.dev
	$(PY) -m pytest -n auto

# The same suite, then the lines and branches that no test reaches.
coverage: $(VENV)/.dev
	$(PY) -m pytest -n auto --cov --cov-report=term-missing:skip-covered

# What a test pays for the province and the demo: building them against replaying the snapshot.
bench-suite: $(VENV)/.dev
	$(PY) -m tests.bench_snapshot

# What upload, preview and confirm of 1k, 5k and 20k-row lists cost, against the reader alone (docs/BENCHMARKS.md).
bench-imports: $(VENV)/.dev
	$(PY) -m tests.bench_imports

# National scale on PostgreSQL (docs/BENCHMARKS.md): pages against their raw SQL aggregates, exports,
# import, gunicorn load. DATABASE_URL defaults to lsip_bench on 127.0.0.1, created when missing.
CASES ?= 50000
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/lsip_bench
bench: $(VENV)/.runtime
	@url="$${DATABASE_URL:-$(BENCH_DATABASE_URL)}"; \
	case "$$url" in postgres*) ;; *) echo "make bench needs DATABASE_URL on PostgreSQL, not $$url" >&2; exit 1;; esac; \
	if [ -z "$$DATABASE_URL" ]; then createdb -h 127.0.0.1 -U postgres lsip_bench 2>/dev/null || true; fi; \
	export DATABASE_URL="$$url"; \
	$(PY) manage.py migrate --noinput && $(PY) manage.py createcachetable && \
	$(PY) manage.py bench --cases $(CASES)

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Re-pin both requirement files from the .in files, keeping today's versions where they still fit;
# `make lock UPGRADE=--upgrade` takes the newest releases.
lock: $(VENV)/.dev
	$(VENV)/bin/uv pip compile --quiet --generate-hashes --python-version 3.11 $(UPGRADE) requirements.in -o requirements.txt
	$(VENV)/bin/uv pip compile --quiet --generate-hashes --python-version 3.11 $(UPGRADE) requirements-dev.in -o requirements-dev.txt

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache .coverage htmlcov
