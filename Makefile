# `make run` and `make test` work on a fresh Debian/Ubuntu machine with Python 3.11+.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test bench install clean

$(STAMP): pyproject.toml scripts/install-system-deps.sh
	bash scripts/install-system-deps.sh
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $@

install: $(STAMP)

run: $(STAMP)
	$(BIN)/backpain serve

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
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
