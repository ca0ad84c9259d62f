"""A long HTML message is shortened to Telegram's limit with its markup intact."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.html_fit import MAX_MESSAGE, fit_html, split_html
from standin.telegram_html import HtmlError, parse_html, utf16_len

pytestmark = pytest.mark.unit

FRAGMENTS = st.sampled_from(
    ["<b>Set 1</b> ", "<i>slow</i>, ", "Tom &amp; Jerry ", "🦵 ", "plain words ", "<b>a&lt;b</b>"]
)


def test_a_cut_in_the_middle_of_a_tag_is_avoided() -> None:
    text = "x" * (MAX_MESSAGE - 3) + "<b>bold</b> and more"
    with pytest.raises(HtmlError):
        parse_html(text[:MAX_MESSAGE])  # "<b>bo" left open: Telegram refuses the message
    fitted = fit_html(text)
    rendered, _ = parse_html(fitted)
    assert utf16_len(rendered) <= MAX_MESSAGE
    assert rendered.endswith("…")


def test_a_short_message_is_left_alone() -> None:
    assert fit_html("<b>Hi</b> &amp; bye") == "<b>Hi</b> &amp; bye"


@settings(max_examples=60, deadline=None)
@given(st.lists(FRAGMENTS, min_size=600, max_size=1200), st.integers(0, 40))
def test_any_long_message_fits_and_parses(fragments: list[str], prefix: int) -> None:
    text = "y" * prefix + "".join(fragments)
    fitted = fit_html(text)
    rendered, _ = parse_html(fitted)  # raises on a broken tag or entity
    assert utf16_len(rendered) <= MAX_MESSAGE
    if utf16_len(text) <= MAX_MESSAGE:
        assert fitted == text


LINES = st.lists(
    st.lists(FRAGMENTS, min_size=1, max_size=12).map("".join), min_size=200, max_size=600
)


@settings(max_examples=60, deadline=None)
@given(LINES)
def test_a_long_message_is_split_at_line_boundaries_into_parts_that_each_parse(
    lines: list[str],
) -> None:
    text = "\n".join(lines)
    parts = split_html(text)
    for part in parts:
        rendered, _ = parse_html(part)  # raises on a broken tag or entity
        assert utf16_len(rendered) <= MAX_MESSAGE
    # Nothing lost, nothing cut: the parts' lines are the message's lines, in order.
    assert [parse_html(line)[0] for line in lines] == [
        line for part in parts for line in parse_html(part)[0].split("\n")
    ]
    if utf16_len(text) <= MAX_MESSAGE:
        assert parts == [text]


def test_a_tag_open_across_the_split_is_closed_and_opened_again() -> None:
    text = '<b><a href="https://example.org/x">' + "\n".join(["word " * 60] * 40) + "</a></b>"
    parts = split_html(text)
    assert len(parts) > 1
    for part in parts:
        parse_html(part)
    assert parts[0].endswith("</a></b>")
    assert parts[1].startswith('<b><a href="https://example.org/x">')


def test_one_line_longer_than_a_message_is_cut_between_words() -> None:
    text = "<i>" + "long " * 2000 + "</i>"
    parts = split_html(text)
    assert len(parts) == 3
    rendered = [parse_html(p)[0] for p in parts]
    assert all(r.endswith(" ") or r.endswith("long") for r in rendered)
    assert "".join(rendered) == parse_html(text)[0]
