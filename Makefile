# Two commands on a fresh clone: `make run` and `make test`. Both set up whatever is missing.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
RASA := $(VENV)/bin/rasa
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONHASHSEED := 0
MODEL := models/assistant.tar.gz
TRAIN_INPUTS := config.yml nlu/tfidf_intent_classifier.py assistant/spelling.py assistant/data/spelling.yml bot/policies.py bot/rule_policy.py $(shell find bot/domain bot/data nlu/data -name '*.yml' 2>/dev/null)
KNOWLEDGE_INPUTS := $(shell find knowledge/content -name '*.yml' 2>/dev/null)
QUESTIONS ?= tests/data/questions.yml

.PHONY: setup lint run test train chat eval bench browser knowledge kb-eval nlu-compare staff-user telegram-webhook purge validate

setup:
	@bash scripts/setup.sh

$(MODEL): $(TRAIN_INPUTS) | setup
	$(RASA) train --config config.yml --domain bot/domain --data nlu/data bot/data \
	  --out models --fixed-model-name assistant

train: setup $(MODEL)

var/.knowledge-loaded: $(KNOWLEDGE_INPUTS) | setup
	$(PY) -m knowledge load
	@touch $@

knowledge: setup var/.knowledge-loaded

browser:
	@bash scripts/ensure-browser.sh

validate: train
	$(RASA) data validate --config config.yml --domain bot/domain --data nlu/data bot/data --fail-on-warnings

run: train knowledge
	@bash scripts/run.sh

chat: train knowledge
	@bash scripts/chat.sh

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

test: train knowledge browser validate lint
	$(PY) -m pytest
	bash scripts/test-stories.sh

eval: train knowledge
	$(PY) -m evaluation.evaluate $(QUESTIONS)

kb-eval: knowledge
	$(PY) -m knowledge eval-retrieval

nlu-compare: setup
	$(PY) -m nlu.compare

bench: train knowledge
	$(PY) -m bench

staff-user: setup knowledge
	$(PY) -m kcc.staff create

telegram-webhook: setup
	$(PY) -m channels.telegram.webhook

purge: setup
	$(PY) -m kcc.retention purge

# Gated retraining (evaluation/retrain.py): candidate with the reviewed examples, evaluated against the
# live model on the frozen sets; switched (PUT /model) only when not worse.
.PHONY: retrain
retrain: train knowledge
	$(PY) -m evaluation.retrain

# -- a region: one stack for many municipalities, scaled out (README "Running for a region") --
.PHONY: cluster test-cluster
cluster: train knowledge
	@bash scripts/cluster.sh

# The region, PostgreSQL and cluster tests alone (all of them are in `make test` too).
test-cluster: train
	$(PY) -m pytest tests/integration/test_region_stack.py tests/integration/test_postgres_stack.py \
	  tests/integration/test_cluster_stack.py tests/unit/test_tenant.py tests/unit/test_tenant_console.py
