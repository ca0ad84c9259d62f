"""Every counted text (`ngettext`) in the source: both forms name the same placeholders (Russian
uses the singular's form for 21, 31, ...: it needs the number too), and each is Telegram HTML
short enough for a phone."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg

from standin.telegram_html import parse_html

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[3]
MAX_CHARS = 600


def _counted() -> list[tuple[str, str]]:
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)  # type: ignore[no-untyped-call]
    return sorted(
        {
            (message[0], message[1])
            for _f, _l, message, _c, _x in extract_from_dir(ROOT, method_map, options_map)
            if isinstance(message, tuple)
        }
    )


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_there_are_counted_texts() -> None:
    assert tuple(
        singular for singular, _ in _counted() if singular.startswith("{drills} jumping")
    ) == ("{drills} jumping drill, {contacts} ground contacts",)


@pytest.mark.parametrize(("singular", "plural"), _counted(), ids=lambda v: v[:30])
def test_both_forms_name_the_count_and_read_well(singular: str, plural: str) -> None:
    assert _fields(singular) == _fields(plural)
    assert _fields(plural), "a counted text shows its count"
    for form in (singular, plural):
        rendered, _ = parse_html(form.format(**dict.fromkeys(_fields(form), "7")))
        assert 0 < len(rendered) <= MAX_CHARS
