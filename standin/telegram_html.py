"""Telegram's HTML parse mode: validation and conversion to plain text plus entities.

Stricter than Telegram in one respect, on purpose: a bare "&" (one that does not start
&lt; &gt; &amp; &quot; or a numeric entity) is rejected, so unescaped user input is caught.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

ENTITY_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_TAG = re.compile(r"<[^<>]*>")
_AMPERSAND = re.compile(r"&(?:#[0-9]+;|#[xX][0-9a-fA-F]+;|([a-zA-Z][a-zA-Z0-9]*);)?")


class HtmlError(ValueError):
    """The text is not valid Telegram HTML; str() is the part after "can't parse entities: "."""


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@dataclass
class _Open:
    tag: str
    offset: int
    entity: dict[str, Any] | None
    order: int


@dataclass
class _Parser(HTMLParser):
    source: str
    parts: list[str] = field(default_factory=list)
    length: int = 0
    stack: list[_Open] = field(default_factory=list)
    entities: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    opened: int = 0

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=False)
        lines = self.source.split("\n")
        self._line_starts = [0]
        for line in lines[:-1]:
            self._line_starts.append(self._line_starts[-1] + len(line) + 1)

    def _index(self, extra: int = 0) -> int:
        line, col = self.getpos()
        return self._line_starts[line - 1] + col + extra

    def _byte_offset(self, extra: int = 0) -> int:
        return len(self.source[: self._index(extra)].encode())

    def _bad_tag(self, extra: int = 0) -> HtmlError:
        """The error Telegram gives for a "<" that does not open a supported tag."""
        start = self._index(extra)
        name = re.split(r"[\s>]", self.source[start + 1 :], maxsplit=1)
        if len(name) == 1:
            return HtmlError(f"Unclosed start tag at byte offset {self._byte_offset(extra)}")
        return HtmlError(
            f'Unsupported start tag "{name[0]}" at byte offset {self._byte_offset(extra)}'
        )

    def _emit(self, text: str) -> None:
        self.parts.append(text)
        self.length += utf16_len(text)

    def handle_data(self, data: str) -> None:
        if "<" in data:
            raise self._bad_tag(data.index("<"))
        self._emit(data)

    def handle_entityref(self, name: str) -> None:
        self._emit(NAMED_ENTITIES[name])  # validated before parsing

    def handle_charref(self, name: str) -> None:
        code = int(name[1:], 16) if name[:1] in "xX" else int(name)
        try:
            self._emit(chr(code))
        except (ValueError, OverflowError) as exc:
            raise HtmlError(f"Invalid character reference &#{name};") from exc

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ENTITY_TYPES:
            raise self._bad_tag()
        self.opened += 1
        self.stack.append(_Open(tag, self.length, self._entity(tag, dict(attrs)), self.opened))

    def _entity(self, tag: str, attrs: dict[str, str | None]) -> dict[str, Any] | None:
        entity: dict[str, Any] = {"type": ENTITY_TYPES[tag]}
        where = f"at byte offset {self._byte_offset()}"
        if tag == "span" and attrs.get("class") != "tg-spoiler":
            raise HtmlError(f'Tag "span" must have class "tg-spoiler" {where}')
        if tag == "tg-emoji":
            if not attrs.get("emoji-id"):
                raise HtmlError(f'Tag "tg-emoji" must have attribute "emoji-id" {where}')
            entity["custom_emoji_id"] = attrs["emoji-id"]
        if tag == "a":
            if not attrs.get("href"):
                return None
            entity["url"] = attrs["href"]
        if tag == "blockquote" and "expandable" in attrs:
            entity["type"] = "expandable_blockquote"
        language = attrs.get("class") or ""
        if tag == "code" and language.startswith("language-") and self.stack:
            parent = self.stack[-1]
            if parent.tag == "pre" and parent.entity is not None:
                parent.entity["language"] = language.removeprefix("language-")
                return None
        return entity

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raise self._bad_tag()

    def handle_endtag(self, tag: str) -> None:
        where = f"at byte offset {self._byte_offset()}"
        if not self.stack:
            raise HtmlError(f"Unexpected end tag {where}")
        top = self.stack.pop()
        if top.tag != tag:
            raise HtmlError(f'Unmatched end tag {where}, expected "</{top.tag}>", found "</{tag}>"')
        if top.entity is not None and self.length > top.offset:
            span = {"offset": top.offset, "length": self.length - top.offset}
            self.entities.append((top.order, top.entity | span))

    def handle_comment(self, data: str) -> None:
        raise self._bad_tag()

    def handle_decl(self, decl: str) -> None:
        raise self._bad_tag()

    def handle_pi(self, data: str) -> None:
        raise self._bad_tag()

    def unknown_decl(self, data: str) -> None:
        raise self._bad_tag()


def _check_ampersands(source: str) -> None:
    """Every "&" outside a tag must start a supported entity."""
    position = 0
    for chunk in _TAG.split(source):
        for match in _AMPERSAND.finditer(chunk):
            offset = len(source[: position + match.start()].encode())
            if match.group(0) == "&":
                raise HtmlError(f'Bare "&" at byte offset {offset}; escape it as "&amp;"')
            name = match.group(1)
            if name is not None and name not in NAMED_ENTITIES:
                raise HtmlError(f'Unsupported HTML entity "&{name};" at byte offset {offset}')
        position += len(chunk)
        tag = _TAG.search(source, position)
        if tag is not None and tag.start() == position:
            position = tag.end()


def parse_html(source: str) -> tuple[str, list[dict[str, Any]]]:
    """(plain text, entities) as Telegram would store them; raises HtmlError."""
    _check_ampersands(source)
    parser = _Parser(source)
    parser.feed(source)
    parser.close()
    if parser.stack:
        raise HtmlError(f'Can\'t find end tag corresponding to start tag "{parser.stack[-1].tag}"')
    ordered = sorted(parser.entities, key=lambda e: (e[1]["offset"], -e[1]["length"], e[0]))
    return "".join(parser.parts), [entity for _, entity in ordered]
