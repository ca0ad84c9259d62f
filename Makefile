# One command runs the bot, one runs the tests.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck format migrate bench pictures clean

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/achilles-coach run

migrate: $(STAMP)
	$(VENV)/bin/achilles-coach migrate

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: $(STAMP)
	$(VENV)/bin/mypy .

test: lint typecheck
	$(VENV)/bin/pytest

# Speed and memory targets (benchmarks/run.py); not part of `make test`.
bench: $(STAMP)
	$(PY) -m benchmarks.run

# Exercise pictures and tempo guides, drawn from code (bot/pictures/draw.py) into the package
# (bot/pictures/) and docs/exercises/. Commit the result; the bot only reads the files.
pictures: $(STAMP)
	$(PY) -m bot.pictures.draw --docs docs/exercises

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
