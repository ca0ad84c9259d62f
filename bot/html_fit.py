"""Shortening an HTML message to Telegram's limit without breaking its markup."""

from __future__ import annotations

import re

MAX_MESSAGE = 4096  # characters (UTF-16 code units) of text, after the markup is parsed
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)[^>]*>")
_ROOM_FOR_CLOSING = 64
ELLIPSIS = "…"


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def fit_html(text: str, limit: int = MAX_MESSAGE) -> str:
    """`text` if it fits; else its start, cut outside any tag or entity, with "…" and the
    closing tags of whatever was left open (a plain `text[:4096]` can cut a tag in two)."""
    if _utf16(text) <= limit:
        return text
    budget = limit - _ROOM_FOR_CLOSING - 1
    head = text[:budget]
    while _utf16(head) > budget:
        head = head[: -max(1, (_utf16(head) - budget) // 2)]
    if head.rfind("<") > head.rfind(">"):
        head = head[: head.rfind("<")]
    if head.rfind("&") > head.rfind(";"):
        head = head[: head.rfind("&")]
    open_tags: list[str] = []
    for match in _TAG.finditer(head):
        closing, name = match.group(1) == "/", match.group(2).lower()
        if not closing:
            open_tags.append(name)
        elif name in open_tags:
            del open_tags[len(open_tags) - 1 - open_tags[::-1].index(name)]
    return head + ELLIPSIS + "".join(f"</{name}>" for name in reversed(open_tags))
