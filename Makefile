# make run   installs what the app needs and serves it on the embedded defaults (SQLite, no Redis).
# make test  installs what the tests need, lints, and runs the whole suite.
# make fuzz  runs the property tests with many random examples (make test draws the same few every run).
# make worker runs a Celery worker with its beat (needs HSA_REDIS_URL): the app then hands it every job.
# make native installs the optional desktop window (pywebview on Qt, its system libraries); then
#             `HSA_NATIVE=1 make run` opens the app in a window (scripts/native-screenshot.sh: under Xvfb).
# make cluster starts the site past one process on this machine: PostgreSQL, a private Redis, nginx in front of
#             APPS app processes (default 2), a Celery worker and beat, all on 127.0.0.1, under var/cluster
#             (scripts/cluster.sh; README "Running past one process"). make cluster-stop stops it;
#             `bash scripts/cluster.sh status` says what runs.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
APPS ?= 2

.DEFAULT_GOAL := run
.PHONY: run worker test fuzz lint format native cluster cluster-stop css quasar

$(BIN)/python:
	bash scripts/system-packages.sh run
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-run: requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements.txt requirements-test.txt | $(BIN)/python
	bash scripts/system-packages.sh test
	$(BIN)/python -m pip install -q -r requirements-test.txt
	touch $@ $(VENV)/.installed-run

$(VENV)/.installed-native: requirements.txt requirements-native.txt | $(BIN)/python
	$(BIN)/python -m pip install -q -r requirements-native.txt
	touch $@ $(VENV)/.installed-run

run: $(VENV)/.installed-run
	HSA_ENV=development HSA_DEMO_DATA=1 $(BIN)/python app.py

worker: $(VENV)/.installed-run
	@test -n "$$HSA_REDIS_URL" || { echo 'make worker needs Redis: HSA_REDIS_URL=redis://127.0.0.1:6379/0 make worker' >&2; exit 1; }
	$(BIN)/celery -A tasks worker -B --loglevel=INFO

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	bash scripts/start-services.sh
	$(BIN)/python -m pytest -n 2 --dist loadgroup -p no:cacheprovider

# The property tests with many random examples (make test draws a fixed, smaller set): add what it finds as @example.
fuzz: $(VENV)/.installed-test
	bash scripts/start-services.sh
	$(BIN)/python -m pytest -n 2 -p no:cacheprovider -m fuzz --hypothesis-profile=fuzz

cluster: $(VENV)/.installed-run
	bash scripts/system-packages.sh cluster
	VENV=$(VENV) bash scripts/cluster.sh start $(APPS)

cluster-stop:
	VENV=$(VENV) bash scripts/cluster.sh stop

native: $(VENV)/.installed-native
	bash scripts/system-packages.sh native
	@echo 'Desktop window installed. Open it with: HSA_NATIVE=1 make run   (needs a display: DISPLAY or WAYLAND_DISPLAY)'

format: $(VENV)/.installed-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The Tailwind stylesheet from the classes pages/ and components/ use (scripts/tailwind/input.css says why). Run it
# after adding a Tailwind class; the result is committed, so `make run` needs no Node. Needs node and npm.
css:
	cd scripts/tailwind && npm ci --no-audit --no-fund && ./node_modules/.bin/tailwindcss -i input.css -o ../../pages/static/css/tailwind.css --minify

# Quasar with only the components scripts/quasar/quasar.json names (scripts/quasar/build.mjs says why). Run it after
# drawing a Quasar component the app did not use before (tests/pages/test_quasar.py names it); committed like the css.
quasar:
	cd scripts/quasar && npm ci --no-audit --no-fund && node build.mjs
