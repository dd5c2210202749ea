PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Each command installs only what it needs, from three requirements files, each adding to the
# one before (requirements.txt explains which package goes where): a stamp per file.
CONSOLE := $(VENV)/.installed-console
SERVER := $(VENV)/.installed-serve
DEV := $(VENV)/.installed-dev

.PHONY: run test lint clean serve load mutate models

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(CONSOLE): requirements.txt lambda/requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(SERVER): requirements-serve.txt $(CONSOLE)
	$(BIN)/pip install --quiet -r requirements-serve.txt
	touch $@

$(DEV): requirements-dev.txt $(SERVER)
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

## Try the skill in a text console (what you type is what you would say to Alexa).
run: $(CONSOLE)
	$(BIN)/python -m console $(ARGS)

## Write the regional English models (en-GB, en-CA, en-AU, en-IN) from en-US.json and
## interaction_model/regional/<locale>.yaml.
models: $(CONSOLE)
	$(BIN)/python -m deploy.regional_models

## Lint and run the whole test suite.
test: $(DEV)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

## Serve the skill as an HTTPS endpoint's back end on 127.0.0.1:5000 (waitress, a worker process
## a core; verification on). Options: make serve ARGS="--port 8080 --skill-id amzn1.ask.skill.…"
## (python -m webserver -h)
serve: $(SERVER)
	$(BIN)/python -m webserver $(ARGS)

## Load test on 127.0.0.1, every request verified, beside a flask-ask-sdk hello world: closed
## loop (50 clients, 30 s) and open loop (50, 200, 400 req/s); about 3 minutes, not part of test.
## Options: make load ARGS="--port 5900 --workers 1 --rates 100,300"  (loadtest.py -h)
load: $(SERVER)
	PYTHONPATH=. $(BIN)/python tests/webserver/loadtest.py $(ARGS)

## Mutation testing (mutmut) of skill/ and webserver/verification.py; slow, not part of test.
## One part only: make mutate MUTANTS="skill.state*"  (mutant names are module.function globs)
MUTATE_VENV := .venv-mutate
$(MUTATE_VENV)/.installed: requirements-mutate.txt requirements-serve.txt requirements.txt lambda/requirements.txt
	$(PYTHON) -m venv $(MUTATE_VENV)
	$(MUTATE_VENV)/bin/pip install --quiet --upgrade pip
	$(MUTATE_VENV)/bin/pip install --quiet -r requirements-mutate.txt
	touch $@

mutate: $(MUTATE_VENV)/.installed
	rm -rf mutants
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-30} $(MUTATE_VENV)/bin/mutmut run --max-children $${MUTATE_JOBS:-2} $(MUTANTS)
	$(MUTATE_VENV)/bin/mutmut results

clean:
	rm -rf $(VENV) $(MUTATE_VENV) mutants .pytest_cache .ruff_cache tests/e2e/node_modules tests/node/node_modules \
		tests/apl/node_modules

# --- Shipping: the Lambda artifact, the DynamoDB test server, the benchmark -----------------

# Python 3.13, the Lambda runtime's version: pyenv's 3.13.0 where pyenv is, else python3.13.
LAMBDA_PYTHON ?= $(shell PYENV_VERSION=3.13.0 pyenv which python3.13 2>/dev/null || command -v python3.13)
DYNALITE := tests/node/node_modules/.bin/dynalite
SAM := SAM_CLI_TELEMETRY=0 AWS_DEFAULT_REGION=$${AWS_DEFAULT_REGION:-us-east-1} $(BIN)/sam

.PHONY: build build-CrampCoachFunction lambda-python bench skill-endpoint

# The tests run a DynamoDB API server (dynalite, from npm) on 127.0.0.1.
test: $(DYNALITE)

$(DYNALITE): tests/node/package.json tests/node/package-lock.json
	npm ci --prefix tests/node --no-audit --no-fund --loglevel=error
	touch $@

# The tests check every screen's APL document with apl-suggester (from npm), in tests/apl.
APL_SUGGESTER := tests/apl/node_modules/apl-suggester/package.json
test: $(APL_SUGGESTER)

$(APL_SUGGESTER): tests/apl/package.json tests/apl/package-lock.json
	npm ci --prefix tests/apl --no-audit --no-fund --loglevel=error
	touch $@

## Build the Lambda artifact into .aws-sam/build (what `sam deploy` uploads).
build: $(DEV)
	$(SAM) build

## `sam build` runs this (template.yaml: BuildMethod makefile) with ARTIFACTS_DIR set.
build-CrampCoachFunction: $(CONSOLE)
	@test -n "$(LAMBDA_PYTHON)" || { echo "needs python3.13 (or pyenv with 3.13.0)"; exit 1; }
	$(BIN)/python deploy/build_artifact.py "$(ARTIFACTS_DIR)" --python "$(LAMBDA_PYTHON)"

lambda-python:
	@echo $(LAMBDA_PYTHON)

## Cold start and warm latency of the built artifact, beside a hello-world skill; sizes.
## COMPARE=DIR adds the cold start of another built artifact (an earlier commit's), interleaved.
bench: build
	$(BIN)/python bench/run.py .aws-sam/build/CrampCoachFunction --python "$(LAMBDA_PYTHON)" \
		$(if $(COMPARE),--compare "$(COMPARE)")

## Point interaction_model/skill.json at the deployed function (FUNCTION_ARN=..., SKILL_ID=...,
## PRIVACY_POLICY_URL=https://... where your filled-in deploy/privacy-policy.md is published).
skill-endpoint: $(CONSOLE)
	$(BIN)/python deploy/skill_endpoint.py "$(FUNCTION_ARN)" $(if $(SKILL_ID),--skill-id "$(SKILL_ID)") \
		$(if $(PRIVACY_POLICY_URL),--privacy-policy-url "$(PRIVACY_POLICY_URL)")
