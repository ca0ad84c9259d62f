"""Telegram's HTML parse mode, as the stand-in validates and renders it."""

from __future__ import annotations

import pytest

from standin.telegram_html import HtmlError, parse_html

pytestmark = pytest.mark.integration


@pytest.mark.parametrize(
    ("source", "text", "entities"),
    [
        ("plain", "plain", []),
        ("<b>a</b> &amp; <i>b</i>", "a & b", [("bold", 0, 1), ("italic", 4, 1)]),
        ("&lt;tag&gt; &quot;q&quot; &#65;&#x42;", '<tag> "q" AB', []),
        ("😀<u>x</u>", "😀x", [("underline", 2, 1)]),
        ("<B><s>x</s></B>", "x", [("bold", 0, 1), ("strikethrough", 0, 1)]),
        (
            '<span class="tg-spoiler">s</span><tg-spoiler>t</tg-spoiler>',
            "st",
            [
                ("spoiler", 0, 1),
                ("spoiler", 1, 1),
            ],
        ),
        ("<blockquote expandable>q</blockquote>", "q", [("expandable_blockquote", 0, 1)]),
        ("<code>c</code>", "c", [("code", 0, 1)]),
    ],
)
def test_valid_html_renders_to_text_and_entities(
    source: str, text: str, entities: list[tuple[str, int, int]]
) -> None:
    rendered, parsed = parse_html(source)
    assert rendered == text
    assert [(e["type"], e["offset"], e["length"]) for e in parsed] == entities


def test_links_and_pre_languages_are_kept() -> None:
    text, entities = parse_html(
        '<a href="https://x.org/?a=1&amp;b=2">x</a><pre><code class="language-py">1</code></pre>'
    )
    assert text == "x1"
    assert entities[0]["url"] == "https://x.org/?a=1&b=2"
    assert entities[1] == {"type": "pre", "language": "py", "offset": 1, "length": 1}


@pytest.mark.parametrize(
    ("source", "error"),
    [
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("1<2", "Unclosed start tag at byte offset 1"),
        ("<br/>", 'Unsupported start tag "br/" at byte offset 0'),
        ("é <p>x</p>", 'Unsupported start tag "p" at byte offset 3'),
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("Q&A", 'Bare "&" at byte offset 1'),
        ("a &nbsp; b", 'Unsupported HTML entity "&nbsp;" at byte offset 2'),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler"'),
        ("<tg-emoji>x</tg-emoji>", 'Tag "tg-emoji" must have attribute "emoji-id"'),
        ("<!-- c -->", "Unsupported start tag"),
    ],
)
def test_malformed_html_is_rejected(source: str, error: str) -> None:
    with pytest.raises(HtmlError, match=error.replace("(", r"\(")):
        parse_html(source)
