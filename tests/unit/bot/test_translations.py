"""Every text the bot can say exists in every language it speaks, correctly.

The source is read afresh (the way `make messages` extracts it), so a new or changed text that
nobody translated fails here, as does a translation whose placeholders differ from the
English, that is not valid Telegram HTML, or that outgrows the English by far.
"""

from __future__ import annotations

import io
import string
from functools import cache
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from bot import i18n
from service_layer.languages import DEFAULT, SUPPORTED
from standin.telegram_html import parse_html

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[3]
TRANSLATED = [language for language in SUPPORTED if language != DEFAULT]
# Texts not sent with parse mode HTML (printed to the terminal).
PLAIN = {"BOTFATHER_GUIDANCE"}
# Telegram's limit for one message; and how far a translation may outgrow its English.
TELEGRAM_LIMIT = 4096
GROWTH = 2.0
SLACK = 60


@cache
def source_messages() -> dict[str | tuple[str, str], list[str]]:
    """msgid (or (singular, plural)) → the comments extracted with it, from the source now."""
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)  # type: ignore[no-untyped-call]
    found: dict[str | tuple[str, str], list[str]] = {}
    for _filename, _line, message, comments, _context in extract_from_dir(
        ROOT, method_map, options_map, comment_tags=("Translators:",)
    ):
        key = message if isinstance(message, str) else (message[0], message[1])
        found.setdefault(key, []).extend(comments)
    return found


@cache
def catalogue(language: str) -> Catalog:
    path = i18n.LOCALES_DIR / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as po:
        return read_po(po, locale=language)


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def filled(text: str) -> str:
    return text.format(**dict.fromkeys(fields(text), "7"))


def plain(key: str | tuple[str, str]) -> bool:
    comments = source_messages()[key]
    return any(f"texts.{name}" in comments for name in PLAIN)


def test_the_source_has_texts() -> None:
    messages = source_messages()
    assert len(messages) > 400
    assert "Did you mean {answer}?" in messages  # a catalogue constant, found without a marker


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_text_is_translated(language: str) -> None:
    translations = catalogue(language)
    missing = []
    for key in source_messages():
        msgid = key if isinstance(key, str) else key[0]
        message = translations.get(msgid)
        strings = [] if message is None else _strings(message)
        if message is None or message.fuzzy or not strings or not all(strings):
            missing.append(msgid)
    assert not missing, f"{len(missing)} untranslated in {language}, e.g. {missing[:5]}"


def _strings(message: Message) -> list[str]:
    if isinstance(message.string, str):
        return [message.string]
    return list(message.string or ())


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_the_placeholders_html_and_size(language: str) -> None:
    problems = []
    for message in catalogue(language):
        if not message.id or not message.string:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        expected = fields(ids[-1])
        source_html = not plain(message.id if isinstance(message.id, str) else tuple(ids))  # type: ignore[arg-type]
        source_len = max(len(parse_html(filled(i))[0]) if source_html else len(i) for i in ids)
        for text in _strings(message):
            if not text:
                continue
            if fields(text) != expected:
                got = sorted(fields(text))
                problems.append(f"placeholders {got} ≠ {sorted(expected)}: {text!r}")
                continue
            rendered = filled(text)
            if source_html:
                try:
                    rendered = parse_html(rendered)[0]
                except ValueError as exc:
                    problems.append(f"not Telegram HTML ({exc}): {text!r}")
                    continue
            limit = min(TELEGRAM_LIMIT, max(GROWTH * source_len, source_len + SLACK))
            if len(rendered) > limit:
                problems.append(f"{len(rendered)} chars for {source_len} in English: {text!r}")
    assert not problems, "\n".join(problems[:20])


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_compiled_catalogue_is_the_po_file(language: str) -> None:
    """`make messages` was run after the last edit of the .po (the bot reads the .mo)."""
    compiled = io.BytesIO()
    write_mo(compiled, catalogue(language))
    shipped = i18n.LOCALES_DIR / language / "LC_MESSAGES" / "messages.mo"
    assert shipped.read_bytes() == compiled.getvalue(), "run `make messages` and commit"


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_plural_rule_is_the_languages_own(language: str) -> None:
    """The .po's Plural-Forms is CLDR's for the language (Russian: one, few, many)."""
    rule = get_plural(language)
    assert catalogue(language).plural_expr == rule.plural_expr
    assert catalogue(language).num_plurals == rule.num_plurals
