# Two commands matter: `make serve` and `make test`. Everything installs into .venv.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip
HOST   ?= 127.0.0.1
PORT   ?= 8000
STAMP  := $(VENV)/.installed
EVAL_STAMP := $(VENV)/.installed-eval
TEST_STAMP := $(VENV)/.installed-test

.PHONY: serve test index eval eval-gate tune bench lint format browser axe clean help

help:
	@echo "make serve   build the index if missing or stale, serve http://$(HOST):$(PORT)"
	@echo "make test    lint, unit/integration/browser tests, eval gate"
	@echo "make index | eval | tune | bench | lint | format | clean"

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e .
	touch $@

# eval, tune and bench: ranx, matplotlib, psutil, httpx (no torch, no browser)
$(EVAL_STAMP): $(STAMP)
	$(PIP) install --quiet -e '.[eval]'
	touch $@

# torch first, pinned: the local CPU wheel; unpinned, pip would pull several GB of CUDA.
$(TEST_STAMP): $(STAMP)
	$(PIP) install --quiet torch==2.13.0
	$(PIP) install --quiet -e '.[test,st]'
	touch $(EVAL_STAMP) $@

index: $(STAMP)
	$(PY) -m indexer ensure

serve: index
	TRAITE_HOST=$(HOST) TRAITE_PORT=$(PORT) $(PY) -m service --host $(HOST) --port $(PORT)

browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || echo "warning: could not install chromium; browser tests will be skipped"; \
	  else echo "note: Chromium missing; browser tests skipped (install: apt-get install -y chromium)"; fi; \
	fi

# axe-core for the accessibility tests: an npm package in .cache/npm (nothing committed).
AXE := .cache/npm/node_modules/axe-core/axe.min.js
axe: $(AXE)
$(AXE):
	@if command -v npm >/dev/null; then \
	  npm install --prefix .cache/npm --no-audit --no-fund --silent axe-core@4; \
	else echo "note: npm missing; accessibility tests skipped (install: apt-get install -y npm)"; fi

lint: $(TEST_STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(TEST_STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

test: $(TEST_STAMP) browser axe lint
	$(VENV)/bin/pytest -q
	$(MAKE) --no-print-directory eval-gate

# CI gates on the dev split; the held-out test split is reported by `make eval` only.
eval-gate: $(EVAL_STAMP) index
	$(PY) -m eval --split dev --systems full --gate

eval: $(EVAL_STAMP) index
	$(PY) -m eval --split all --report eval/report.md --json eval/out/results.json \
	  --chart eval/results.png --risk-chart eval/risk_coverage.png

# re-runs every search over settings on the dev split and rewrites indexer/data/tuned.json
tune: $(EVAL_STAMP) index
	$(PY) -m eval.tune

bench: $(EVAL_STAMP) index
	$(PY) -m bench --out bench/results.md

clean:
	rm -rf $(VENV) index .index-builds .cache .pytest_cache .ruff_cache eval/out bench/out *.egg-info
