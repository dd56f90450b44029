# Two commands on a fresh Debian/Ubuntu machine with Python 3.11 and make:
#   make demo   — virtual environment, install, migrate, load the demo, serve on 127.0.0.1:8000
#   make test   — the whole test suite (installs Debian's chromium for the browser tests)

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
PYTEST_ARGS ?= -n 2

.PHONY: demo test venv clean

$(BIN)/python:
	@sh scripts/ensure-venv.sh "$(PYTHON)" "$(VENV)"

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip==25.3
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

venv: $(VENV)/.installed

demo: $(VENV)/.installed
	$(BIN)/zhenggai demo --port $(PORT)

test: $(VENV)/.installed-test
	@sh scripts/install-browser.sh
	@sh scripts/install-report-tools.sh
	$(BIN)/python -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) var test-artifacts
