# Two commands matter: `make run` (set up and serve with demo data) and `make test` (the whole suite).
VENV    := .venv
PYTHON  ?= python3
BIN     := $(VENV)/bin
FLASK   := $(BIN)/flask --app app
SUDO    := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
HOST    ?= 127.0.0.1
PORT    ?= 5000

.PHONY: run setup test install messages translations browser peers lint mutation clean

# Plain http:// on this machine: INSECURE_HTTP lets the session cookie travel without TLS.
# Links in emails and exported statements name the server being run, unless PLATFORM_HOMEPAGE is set.
run: export PLATFORM_HOMEPAGE ?= http://$(HOST):$(PORT)
run: setup
	INSECURE_HTTP=1 $(FLASK) run --host $(HOST) --port $(PORT)

# The virtual environment is rebuilt when requirements.txt changes.
$(BIN)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

install: $(BIN)/.installed

# After changing interface strings: refresh the catalogue, then translate the new entries.
messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -o app/translations/messages.pot --project "Comprendre l'IA au travail" .
	$(BIN)/pybabel update -i app/translations/messages.pot -d app/translations --no-fuzzy-matching

translations: install
	$(BIN)/pybabel compile -d app/translations --statistics

# A random secret key for this machine, kept out of git under instance/.
instance/config.py:
	mkdir -p instance
	$(PYTHON) -c 'import secrets; print(f"SECRET_KEY = {secrets.token_hex(32)!r}")' > $@

setup: install translations instance/config.py
	$(FLASK) db upgrade
	$(FLASK) demo

# The browser tests drive Debian's Chromium; install it when missing (unless they are opted out).
browser:
	@[ -n "$$SKIP_BROWSER_TESTS" ] || command -v chromium >/dev/null 2>&1 || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium; }

# The test peers that ship on the npm registry: a real OpenID provider for the SSO tests.
peers: tests/oidc/node_modules/.package-lock.json
tests/oidc/node_modules/.package-lock.json: tests/oidc/package-lock.json
	npm ci --prefix tests/oidc --no-audit --no-fund --silent

lint: install
	$(BIN)/ruff check app tests bench

test: install translations browser peers lint
	$(BIN)/pytest

# Mutation testing of the core modules (slow, not part of `make test`): a score per module.
mutation: install
	$(BIN)/python -m bench.mutation

clean:
	rm -rf $(VENV) instance .pytest_cache tests/oidc/node_modules
