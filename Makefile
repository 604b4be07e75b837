# The two commands of the README: `make site` and `make test`. Each sets up what it needs.
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3

.PHONY: setup site serve test validate browser clean

$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[test]"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

setup: $(VENV)/.installed node_modules/.installed

site: setup
	$(VENV)/bin/ropa build

serve: setup
	$(VENV)/bin/ropa serve

validate: $(VENV)/.installed
	$(VENV)/bin/ropa validate

# Debian's chromium, which the browser tests drive with Playwright; installed when missing and
# we are root (CI is), else the browser tests say why they are skipped.
browser:
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium is not installed and we are not root: browser tests will be skipped"; fi; \
	fi

test: setup browser
	$(PY) -m pytest

clean:
	rm -rf site test-artifacts .pytest_cache
