# One command runs the bot, one runs the tests.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo run test lint typecheck format migrate bench pictures clean lock lock-upgrade messages

# Installs exactly what requirements.lock pins (hashes checked), then the project itself
# without resolving anything again: a new release of a dependency never reaches us unannounced.
$(STAMP): pyproject.toml requirements.lock
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

# See it work in your browser: the bot, a local Bot API and a chat page on 127.0.0.1:8080;
# no token, nothing reaches Telegram.
demo: $(STAMP)
	$(VENV)/bin/achilles-coach demo

# `make lock` adds what pyproject.toml newly asks for and keeps every other pin;
# `make lock-upgrade` moves every pin to the newest release pyproject.toml allows.
UV_COMPILE = printf 'setuptools>=77\n' | $(VENV)/bin/uv pip compile --quiet pyproject.toml - \
	--extra dev --universal --python-version 3.11 --generate-hashes -o requirements.lock
lock lock-upgrade:
	test -x $(PY) || python3 -m venv $(VENV)
	test -x $(VENV)/bin/uv || $(PY) -m pip install --quiet uv
	$(UV_COMPILE) $(if $(filter lock-upgrade,$@),--upgrade)

run: $(STAMP)
	$(VENV)/bin/achilles-coach run

migrate: $(STAMP)
	$(VENV)/bin/achilles-coach migrate

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

typecheck: $(STAMP)
	$(VENV)/bin/mypy .

test: lint typecheck
	$(VENV)/bin/pytest

# Speed and memory targets (benchmarks/run.py); not part of `make test`.
bench: $(STAMP)
	$(PY) -m benchmarks.run

# Exercise pictures and tempo guides, drawn from code (bot/pictures/draw.py) into the package
# (bot/pictures/) and docs/exercises/, once per language (the words come from bot/locales: run
# it again after `make messages` and the translations). Commit the result; the bot only reads
# the files.
pictures: $(STAMP)
	$(PY) -m bot.pictures.draw --docs docs/exercises

# The message catalogues (bot/i18n.py): extract every text of the bot into messages.pot, bring
# each language's .po up to date with it (new texts arrive untranslated, changed ones lose
# their old translation: tests/unit/bot/test_translations.py then fails until they are
# translated), and compile the .mo files the bot reads. Commit the .po and .mo files.
LANGUAGES := es ru
LOCALES := bot/locales
messages: $(STAMP)
	$(VENV)/bin/pybabel -q extract -F babel.cfg --no-location --sort-output \
		--add-comments=Translators: --project="Achilles Coach" -o $(LOCALES)/messages.pot .
	for lang in $(LANGUAGES); do \
		$(VENV)/bin/pybabel -q update --init-missing --no-fuzzy-matching --ignore-obsolete \
			-i $(LOCALES)/messages.pot -d $(LOCALES) -l $$lang || exit 1; \
	done
	$(VENV)/bin/pybabel -q compile -d $(LOCALES)

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache
