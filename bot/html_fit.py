"""Long HTML messages within Telegram's limits, never cut inside a tag or an entity.

`send_long` is the one way the bot sends a text that may be long: it splits it at line
boundaries into messages that each fit (`split_html`), closing the tags left open at the end of
one part and opening them again at the start of the next. `fit_html` shortens a text that has to
be one piece (a photo's caption).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from telegram import Bot, Message
    from telegram._utils.types import ReplyMarkup

MAX_MESSAGE = 4096  # characters (UTF-16 code units) of text, after the markup is parsed
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)[^>]*>")
_ROOM_FOR_CLOSING = 64
ELLIPSIS = "…"


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _cut_point(text: str, budget: int) -> int:
    """The longest prefix of `text` within `budget` UTF-16 units that ends outside any tag or
    entity, preferably at a space."""
    head = text[:budget]
    while _utf16(head) > budget:
        head = head[: -max(1, (_utf16(head) - budget) // 2)]
    if head.rfind("<") > head.rfind(">"):
        head = head[: head.rfind("<")]
    if head.rfind("&") > head.rfind(";"):
        head = head[: head.rfind("&")]
    space = head.rfind(" ")
    return space + 1 if space > len(head) // 2 else len(head)


def _open_after(chunk: str) -> list[tuple[str, str]]:
    """The tags still open at the end of `chunk`: (name, the opening tag as written)."""
    open_tags: list[tuple[str, str]] = []
    for match in _TAG.finditer(chunk):
        name = match.group(2).lower()
        if match.group(1) != "/":
            open_tags.append((name, match.group(0)))
            continue
        for i in range(len(open_tags) - 1, -1, -1):
            if open_tags[i][0] == name:
                del open_tags[i]
                break
    return open_tags


def _closing(open_tags: list[tuple[str, str]]) -> str:
    return "".join(f"</{name}>" for name, _ in reversed(open_tags))


def _reopening(open_tags: list[tuple[str, str]]) -> str:
    return "".join(tag for _, tag in open_tags)


def fit_html(text: str, limit: int = MAX_MESSAGE) -> str:
    """`text` if it fits; else its start, cut outside any tag or entity, with "…" and the
    closing tags of whatever was left open (a plain `text[:4096]` can cut a tag in two)."""
    if _utf16(text) <= limit:
        return text
    head = text[: _cut_point(text, limit - _ROOM_FOR_CLOSING - 1)]
    return head + ELLIPSIS + _closing(_open_after(head))


def split_html(text: str, limit: int = MAX_MESSAGE) -> list[str]:
    """`text` as one or more messages of at most `limit` UTF-16 units, split at line boundaries
    (inside a line only when a single line is longer than a message), each valid on its own."""
    if _utf16(text) <= limit:
        return [text]
    budget = limit - _ROOM_FOR_CLOSING
    parts: list[str] = []
    current = ""
    reopen = ""  # the tags open where the previous part ended, opened again
    for line in text.split("\n"):
        candidate = f"{current}\n{line}" if current else reopen + line
        if _utf16(candidate) <= budget:
            current = candidate
            continue
        if current:  # close this part at the line boundary
            parts.append(current + _closing(_open_after(current)))
            reopen = _reopening(_open_after(current))
            candidate = reopen + line
        while _utf16(candidate) > budget:  # a single line longer than a message
            cut = max(_cut_point(candidate, budget), len(reopen) + 1)
            chunk = candidate[:cut]
            parts.append(chunk + _closing(_open_after(chunk)))
            reopen = _reopening(_open_after(chunk))
            candidate = reopen + candidate[cut:]
        current = candidate
    if current:
        parts.append(current)
    return parts


async def send_long(
    bot: Bot, chat_id: int, text: str, reply_markup: ReplyMarkup | None = None, **kwargs: Any
) -> Message:
    """Send `text` as one message, or as several split at line boundaries when it is longer
    than Telegram allows; the buttons go with the last part, which is returned."""
    parts = split_html(text)
    for part in parts[:-1]:
        await bot.send_message(chat_id, part, **kwargs)
    return await bot.send_message(chat_id, parts[-1], reply_markup=reply_markup, **kwargs)
