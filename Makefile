# Two entry points: `make demo` (the demo class end to end) and `make test` (the test suite).
# Both create .venv and install everything on first use.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench clean

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# torch first and pinned: this resolves to the local CPU build, never the CUDA wheels
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e ".[dev]"
	@command -v bwrap >/dev/null || bash .ci/apt-install bubblewrap || \
		echo "note: bubblewrap not installed; grading falls back to rlimit isolation"
	touch $(STAMP)

# system packages the tests use: headless Chromium (dashboard tests; fonts-nanum renders its Korean)
# and PostgreSQL server binaries (the gradebook tests start their own server on 127.0.0.1)
SYSTEM := $(VENV)/.system
$(SYSTEM): $(STAMP)
	@need=""; command -v chromium >/dev/null && fc-list :lang=ko | grep -q . || need="chromium fonts-nanum"; \
	ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || need="$$need postgresql"; \
	bash .ci/apt-install $$need || echo "warning: system packages missing ($$need); the tests that need them will be skipped"
	touch $(SYSTEM)

demo: $(STAMP)
	$(BIN)/autograder demo

test: $(STAMP) $(SYSTEM)
	$(BIN)/python -m pytest -q -p no:cacheprovider -n 3 --dist worksteal

# each benchmark's output goes to build/bench/NAME.txt (its command first); docs/benchmarks.md is made from them
BENCHES := "grade_week.py all" "report_scale.py" "similarity_scale.py" "hint_cost.py week02"
bench: $(STAMP)
	@mkdir -p build/bench
	@set -o pipefail; for b in $(BENCHES); do set -- $$b; name=$${1%.py}; \
		echo "$$ .venv/bin/python bench/$$b" | tee build/bench/$$name.txt; \
		$(BIN)/python bench/$$b 2>&1 | tee -a build/bench/$$name.txt || exit 1; done
	$(BIN)/python bench/docs_page.py build/bench

clean:
	rm -rf $(VENV) build out
