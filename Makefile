# `make report` and `make test` set everything up on a fresh Debian machine with Python 3.11.
# A second run with nothing changed skips the installs (stamp files in .venv/).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
BASE_STAMP := $(VENV)/.installed-base
TEST_STAMP := $(VENV)/.installed-test
LAB_STAMP := $(VENV)/.installed-lab
SAMPLE := data/sample
export MPLBACKEND := Agg

.PHONY: report test validate chromium lint clean sample bench bench-commands lab

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# the [pdf] extra: Playwright, only to find a Chromium it installed (python -m playwright
# install chromium) on a machine without a system one; the PDF is printed over Chromium's
# DevTools pipe (kpilib/report/cdp.py)
$(BASE_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[pdf]"
	touch $@

# the suite runs the Spark engine tests too: the kit claims Spark support, and those tests
# are the only check that its KPI code runs there (PySpark ~500 MB, Java 17 on the machine)
$(TEST_STAMP): pyproject.toml $(BASE_STAMP)
	$(BIN)/python -m pip install -q -e ".[pdf,test,spark]"
	touch $@

# JupyterLab for analysts (not needed to build a report)
$(LAB_STAMP): pyproject.toml $(BASE_STAMP)
	$(BIN)/python -m pip install -q -e ".[pdf,lab]"
	touch $@

lab: $(LAB_STAMP)
	$(BIN)/jupyter lab notebooks

# PDF export drives a system Chromium, preferably its headless shell (lighter to start);
# install it when running as root and it is not there (the whole browser if the
# distribution has no headless shell).
chromium:
	@if command -v chromium-headless-shell >/dev/null 2>&1 || [ -x /usr/lib/chromium/chromium-headless-shell ]; then \
		:; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
		echo "installing Chromium's headless shell and poppler-utils (PDF export and its checks)"; \
		apt-get update -q && { DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium-headless-shell poppler-utils \
			|| DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends chromium poppler-utils; }; \
	elif command -v chromium >/dev/null 2>&1 || [ -x /usr/lib/chromium/chromium ]; then \
		:; \
	else \
		echo "no Chromium found: reports will be HTML only (install the chromium-headless-shell package for the PDF)"; \
	fi

validate: $(BASE_STAMP)
	$(BIN)/kpi validate $(SAMPLE)

report: $(BASE_STAMP) chromium
	$(BIN)/kpi report --period latest --data $(SAMPLE)

lint: $(TEST_STAMP)
	$(BIN)/ruff check kpilib tests

test: $(TEST_STAMP) chromium lint
	$(BIN)/pytest -q

sample: $(BASE_STAMP)
	$(BIN)/kpi sample --out $(SAMPLE)

clean:
	rm -rf $(VENV) reports

# --- benchmarks ---------------------------------------------------------------------------
# `make bench` times the five KPI tables through kpilib on pandas, polars and DuckDB input
# against hand-written pandas, polars and DuckDB SQL, checks the tables are equal, and prints
# the ratios and peak memory. Datasets are generated on first use into benchmarks/data/.
# Larger runs: make bench BENCH_SIZES=10m BENCH_REPEAT=3   (10M leads: ~3 GB on disk+RAM)
BENCH_SIZES ?= 100k,1m
BENCH_REPEAT ?= 5
# whole processes (`kpi kpis` per engine, `kpi validate`, `kpi --help`) against hand-written
# whole DuckDB and polars scripts: time, peak memory, equal CSV tables (docs/performance.md)
BENCH_COMMAND_SIZES ?= 1m,10m
BENCH_COMMAND_REPEAT ?= 3

bench: $(TEST_STAMP) bench-commands
	$(BIN)/python -m benchmarks.run --sizes $(BENCH_SIZES) --repeat $(BENCH_REPEAT) \
		--markdown benchmarks/results.md

bench-commands: $(TEST_STAMP)
	$(BIN)/python -m benchmarks.commands --sizes $(BENCH_COMMAND_SIZES) \
		--repeat $(BENCH_COMMAND_REPEAT) --markdown benchmarks/commands.md
