PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: run test lint clean serve load

$(INSTALLED): requirements.txt lambda/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

## Try the skill in a text console (what you type is what you would say to Alexa).
run: $(INSTALLED)
	$(BIN)/python -m skill.console

## Lint and run the whole test suite.
test: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest

## Serve the skill as an HTTPS endpoint's back end on 127.0.0.1:5000 (waitress; verification on).
## Options: make serve ARGS="--port 8080 --skill-id amzn1.ask.skill.…"  (python -m webserver -h)
serve: $(INSTALLED)
	$(BIN)/python -m webserver $(ARGS)

## Bounded load test on 127.0.0.1 (50 clients, 30 s, every request verified); not part of test.
load: $(INSTALLED)
	PYTHONPATH=. $(BIN)/python tests/webserver/loadtest.py $(ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache tests/e2e/node_modules
