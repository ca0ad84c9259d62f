"""A long HTML message is shortened to Telegram's limit with its markup intact."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.html_fit import MAX_MESSAGE, fit_html
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
