# `make run` and `make test` work on a fresh Debian/Ubuntu machine with Python 3.11+.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# `make run` installs what running needs; `make test` (and bench) add the test tools
TEST_STAMP := $(VENV)/.installed-test

.PHONY: run test bench install clean

$(STAMP): pyproject.toml scripts/install-system-deps.sh
	@echo "==> [1/2] system packages the skill needs (only those missing)"
	bash scripts/install-system-deps.sh
	@echo "==> [2/2] Python packages into $(VENV)/ (the first time takes a few minutes)"
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install --progress-bar on -e .
	touch $@

$(TEST_STAMP): $(STAMP)
	@echo "==> test tools: system packages (chromium, chromium-driver, flite, sox, redis-server)"
	bash scripts/install-system-deps.sh --test
	@echo "==> test tools: Python packages (pytest, selenium, ...)"
	$(BIN)/python -m pip install --progress-bar on -e '.[test]'
	touch $@

install: $(STAMP)

run: $(STAMP)
	@echo "==> starting the service (Ctrl-C stops it)"
	$(BIN)/backpain serve

test: $(TEST_STAMP)
	$(BIN)/python -m pytest

bench: $(TEST_STAMP)
	bash scripts/install-system-deps.sh --bench
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) *.egg-info

# Context-rules benchmark against medspaCy's ConText (issue: evaluate a maintained
# clinical-context library). medspaCy pins numpy<2 and an older spaCy, so it lives in its
# own venv, never in $(VENV). Writes its section of BENCHMARKS.md between markers.
EVAL_VENV  := .venv-eval
EVAL_STAMP := $(EVAL_VENV)/.installed
MEDSPACY   ?= medspacy==1.3.1

.PHONY: bench-context

$(EVAL_STAMP): pyproject.toml
	test -x $(EVAL_VENV)/bin/python || $(PYTHON) -m venv $(EVAL_VENV)
	$(EVAL_VENV)/bin/python -m pip install -q --upgrade pip
	$(EVAL_VENV)/bin/python -m pip install -q -e . '$(MEDSPACY)'
	touch $@

bench-context: $(EVAL_STAMP)
	$(EVAL_VENV)/bin/python -m benchmarks.context_eval --write BENCHMARKS.md
