# govid: the only entry points people need.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PORT
export GOVID_VAR_DIR ?= $(CURDIR)/var
MANAGE := $(BIN)/python manage.py
# Debian packages the test suite runs for real.
TEST_DEBS := chromium kannel kannel-extras

.PHONY: run setup test test-deps lint bench messages clean

$(BIN)/.installed: pyproject.toml constraints.txt
	scripts/ensure-venv.sh $(PYTHON) $(VENV)
	$(BIN)/pip install -q -c constraints.txt -e .
	touch $@

$(BIN)/.installed-test: $(BIN)/.installed
	$(BIN)/pip install -q -c constraints.txt -e '.[test]'
	touch $@

# Everything `make run` needs before serving: translations, static files, database, demo data.
setup: $(BIN)/.installed
	$(BIN)/pybabel -q compile -d govid/locale -D django
	$(MANAGE) collectstatic --noinput -v0
	$(MANAGE) migrate --noinput -v0
	$(MANAGE) demo

run: setup
	@echo "govid on http://127.0.0.1:$(PORT)/  (demo SMS are printed here and kept in $(GOVID_VAR_DIR)/sms-outbox.jsonl)"
	GOVID_SMS_ECHO=1 exec $(BIN)/gunicorn -c deploy/gunicorn.conf.py govid.wsgi

test-deps: $(BIN)/.installed-test
	scripts/apt-install.sh $(TEST_DEBS)

test: test-deps setup lint
	$(BIN)/pytest -q

lint: $(BIN)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy govid tests

bench: test-deps setup
	$(BIN)/python -m bench

# After adding UI strings: refresh the English catalogue, then fill its new msgstr entries.
messages: $(BIN)/.installed
	cd govid && ../$(BIN)/python ../manage.py makemessages -l en --no-obsolete --no-location

clean:
	rm -rf $(VENV) var
