"""The text catalogue as a whole: every message is valid Telegram HTML and fits a phone."""

from __future__ import annotations

import string
from collections.abc import Iterator

import pytest

from bot import texts
from standin.telegram_html import parse_html

pytestmark = pytest.mark.unit

# A phone shows about 15 lines of 40 characters without scrolling; /about is the one long read.
MAX_CHARS = 600
LONG_READS = {"ABOUT"}
MAX_BUTTON_CHARS = 32
# Templates that are not sent with parse mode HTML (printed to the terminal).
PLAIN = {"BOTFATHER_GUIDANCE"}


def _filled(template: str) -> str:
    """The template with every {placeholder} replaced by a short sample value."""
    names = [name for _, name, _, _ in string.Formatter().parse(template) if name is not None]
    return template.format(**{name: "7" for name in names}) if names else template


def _messages() -> Iterator[tuple[str, str]]:
    for name, value in vars(texts).items():
        if name.isupper() and isinstance(value, str) and name not in PLAIN:
            yield name, value


def _button_labels() -> Iterator[tuple[str, str]]:
    for name, value in vars(texts).items():
        if not name.isupper() or not isinstance(value, tuple):
            continue
        for item in value:
            if isinstance(item, tuple) and len(item) == 2 and all(isinstance(p, str) for p in item):
                yield name, item[1]  # the label (for COMMANDS: the menu description)


@pytest.mark.parametrize(("name", "template"), list(_messages()), ids=lambda v: str(v)[:30])
def test_every_message_is_valid_html_and_fits_a_phone(name: str, template: str) -> None:
    try:
        filled = _filled(template)
    except (KeyError, IndexError, ValueError):  # a template with positional or nested fields
        filled = template
    rendered, _ = parse_html(filled)
    assert rendered.strip(), name
    limit = 4096 if name in LONG_READS else MAX_CHARS
    assert len(rendered) <= limit, f"{name} is {len(rendered)} characters"


def test_button_labels_are_short() -> None:
    labels = list(_button_labels())
    assert labels  # the catalogue's button tuples were found
    long = [(name, label) for name, label in labels if len(label) > MAX_BUTTON_CHARS]
    assert not long
