# One command runs the bot, one runs the tests.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo run test lint typecheck format migrate bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# See it work in your browser: the bot, a local Bot API and a chat page on 127.0.0.1:8080;
# no token, nothing reaches Telegram.
demo: $(STAMP)
	$(VENV)/bin/achilles-coach demo

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

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
