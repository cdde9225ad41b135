# govid: the only entry points people need.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PORT
export GOVID_VAR_DIR ?= $(CURDIR)/var
MANAGE := $(BIN)/python manage.py
# Debian packages that python-ldap (the `ldap` extra) is compiled against (the same list as
# govid/directory/conf.py's LIBRARIES, which the start's error message quotes).
LDAP_BUILD_DEBS := gcc libc6-dev python3-dev libldap2-dev libsasl2-dev
# What the directory named by GOVID_DIRECTORY needs beyond the embedded default, installed by
# `make setup`/`make run` before anything starts (`make run GOVID_DIRECTORY=ldap`): the default
# (sql) needs nothing more. Active Directory (`ad`) is reached through the same python-ldap.
LDAP_BACKENDS := ldap govid.directory.backends.ldap.LdapDirectory \
	ad govid.directory.backends.ad.AdDirectory
DIRECTORY_INSTALL := $(if $(filter $(LDAP_BACKENDS),$(GOVID_DIRECTORY)),$(BIN)/.installed-ldap)
# Debian packages govid itself needs: the request letters' fonts (Liberation Serif, Vietnamese);
# xmlsec1, which signs and checks the SAML identity provider's messages.
RUN_DEBS := fonts-liberation2 xmlsec1
# Debian packages the test suite runs for real: Chromium, PostgreSQL, Redis, OpenLDAP, an IMAP
# server on LDAP, pdftotext (reads the letters back), Kannel and its test SMSC, nginx (the
# shipped site in front of gunicorn), a Samba AD domain controller (Active Directory; its distro
# services are kept from starting by scripts/apt-install.sh), Apache with mod_auth_cas (a CAS
# client).
TEST_DEBS := chromium postgresql redis-server slapd ldap-utils openssl dovecot-imapd dovecot-ldap \
	poppler-utils kannel kannel-extras nginx systemd $(LDAP_BUILD_DEBS) \
	samba samba-ad-dc samba-ad-provision samba-dsdb-modules \
	apache2 libapache2-mod-auth-mellon libapache2-mod-auth-cas
# The benchmarks' load generator.
BENCH_DEBS := wrk

.PHONY: run setup test test-deps lint bench fuzz messages clean

$(BIN)/.installed: pyproject.toml constraints.txt
	scripts/ensure-venv.sh $(PYTHON) $(VENV)
	$(BIN)/pip install -q -c constraints.txt -e .
	touch $@

$(BIN)/.installed-ldap: $(BIN)/.installed
	scripts/apt-install.sh $(LDAP_BUILD_DEBS)
	$(BIN)/pip install -q -c constraints.txt -e '.[ldap]'
	touch $@

$(BIN)/.installed-test: $(BIN)/.installed
	scripts/apt-install.sh $(LDAP_BUILD_DEBS)
	$(BIN)/pip install -q -c constraints.txt -e '.[test,ldap]'
	touch $@

# Everything `make run` needs before serving: the directory's library, translations, static
# files, database, cache table, demo data (and the demo relying party at /demo/).
setup: $(BIN)/.installed $(DIRECTORY_INSTALL)
	scripts/apt-install.sh $(RUN_DEBS)
	$(BIN)/pybabel -q compile -d govid/locale -D django
	$(MANAGE) collectstatic --noinput -v0
	$(MANAGE) migrate --noinput -v0
	$(MANAGE) createcachetable
	$(MANAGE) demo

run: setup
	@echo "govid on http://127.0.0.1:$(PORT)/  (demo SMS are printed here and kept in $(GOVID_VAR_DIR)/sms-outbox.jsonl)"
	GOVID_SMS_ECHO=1 exec $(BIN)/python deploy/serve.py

test-deps: $(BIN)/.installed-test
	scripts/apt-install.sh $(TEST_DEBS)

# The whole suite twice: on the embedded default, then on PostgreSQL + Redis (throwaway servers
# started on loopback and stopped by PID).
test: test-deps setup lint
	$(BIN)/pytest -q --durations=15
	$(BIN)/python -m tests.servers postgres redis -- $(BIN)/pytest -q --durations=15

lint: $(BIN)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy govid tests
	$(BIN)/lint-imports

# Every line of the speed issue, each with its ratio to a baseline measured in the same run and
# its target; the table and bench/results/run-<time>.json at the end. `make bench
# GOVID_BENCH_QUICK=1` runs each line briefly (checks the benchmarks; the numbers mean nothing).
bench: test-deps setup
	scripts/apt-install.sh $(BENCH_DEBS)
	$(BIN)/python -m bench

# The attacker suite's long run, numbers printed: 100,000 code guesses against one account,
# 100,000 malformed requests to every URL, 2,000 examples per property test.
fuzz: test-deps setup
	GOVID_FUZZ=long $(BIN)/pytest -q -s tests/abuse tests/fuzz tests/recovery/test_properties.py \
		tests/backoffice/test_properties.py

# After adding UI strings: refresh the English catalogue, then fill its new msgstr entries.
messages: $(BIN)/.installed
	cd govid && ../$(BIN)/python ../manage.py makemessages -l en --no-obsolete --no-location

clean:
	rm -rf $(VENV) var
