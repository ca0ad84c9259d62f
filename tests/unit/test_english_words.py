"""The English-word detector of the language acceptance tests (tests/e2e/english_words.py)."""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po

from bot.i18n import LOCALES_DIR
from tests.e2e.english_words import english_words, leaks, mostly_cyrillic, words

pytestmark = pytest.mark.unit


def test_an_english_sentence_is_flagged_word_by_word() -> None:
    found = english_words("Tap Done when you've finished the set. Next session: tomorrow.")
    expected = [
        "Tap",
        "Done",
        "when",
        "you've",
        "finished",
        "the",
        "set",
        "Next",
        "session",
        "tomorrow",
    ]
    assert found == expected


def test_one_english_word_in_a_spanish_sentence_is_caught() -> None:
    assert english_words("Dolor durante la serie? Tap un número.") == ["Tap"]
    assert english_words("Serie 1 de 4 · 4 × 20 s hold") == ["hold"]
    assert english_words("I'll te lo recuerdo") == ["I'll"]
    assert english_words("08 abr · 15 Apr · 1 dic · 8 Dec") == ["Apr", "Dec"]  # a chart's ticks


def test_a_spanish_sentence_with_a_command_a_name_and_units_is_clean() -> None:
    text = (
        "¡Hola Ana! Soy Achilles Coach. Toca «Empezar» o envía /today en Telegram. "
        "Mantén 30 s con 12,5 kg; la sesión de mañana es a las 07:30. ✅ <b>Hecho</b> 💪 "
        "Zona: Europe/Berlin · mar, 1 dic · no, me duele un poco · plan · once series · "
        "hasta que uses /resume"
    )
    assert english_words(text) == []
    assert leaks("es", text) == []


def test_a_russian_sentence_with_a_command_and_telegram_is_clean() -> None:
    text = "Привет, Ана! Отправьте /today в Telegram: 5 подходов по 30 с, 12,5 кг. ⏱ 07:30"
    assert english_words(text) == []
    assert mostly_cyrillic(text)
    assert leaks("ru", text) == []


def test_a_russian_reader_is_told_of_latin_text_even_without_a_listed_word() -> None:
    assert not mostly_cyrillic("Isometric calf hold (straight knee): 4 × 20 s")
    assert leaks("ru", "Isometric: 3 × 15") == ["(not Cyrillic)"]
    assert mostly_cyrillic("✓ 2")  # no letters: nothing to read in the wrong alphabet
    assert leaks("ru", "Серия 1 из 4 · Isometric hold") == ["hold", "(not Cyrillic)"]


def test_what_is_not_wording_is_left_out() -> None:
    assert words("/progress <b>x</b> https://example.org/a a@b.c 12.5 kg 30 s 5 min") == ["x"]
    assert words("3 x 15 · `make demo` · export TELEGRAM_BOT_TOKEN=… · /learn_7") == []


@pytest.mark.parametrize("language", ["es", "ru"])
def test_no_translation_in_the_catalogue_has_an_english_word(language: str) -> None:
    """What the translators wrote, read as the e2e tests read the bot (its placeholders filled
    with a number). An untranslated message is test_translations.py's to report."""
    path = LOCALES_DIR / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as po:
        catalogue = read_po(po, locale=language)
    found = {}
    for message in catalogue:
        if not message.id:
            continue  # the header
        raw = message.string
        strings = [raw] if isinstance(raw, str) else list(raw or [])
        for string in strings:
            text = re.sub(r"\{[^{}]*\}", "7", string)
            wrong = leaks(language, text)
            if wrong:
                found[string[:80]] = wrong
    assert not found, "\n".join(f"{text!r}: {words}" for text, words in found.items())
