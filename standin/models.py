"""Plain data the stand-in records and hands to tests."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

Button = tuple[str, str | None]
"""An inline button as (text, callback_data); callback_data is None for URL and other buttons."""


class ApiError(Exception):
    """A Bot API error response: {"ok": false, "error_code": ..., "description": ...}."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(f"{code} {description}")
        self.code = code
        self.description = description
        self.retry_after = retry_after

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def bad_request(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


@dataclass(frozen=True)
class Upload:
    """A file the bot uploaded (a multipart part)."""

    filename: str
    content_type: str
    data: bytes


@dataclass
class RecordedRequest:
    """One request the bot made; error_code is set when it was answered with an error."""

    method: str
    params: dict[str, Any]
    time: float
    error_code: int | None = None

    @property
    def chat_id(self) -> int | None:
        try:
            return int(self.params["chat_id"])
        except (KeyError, TypeError, ValueError):
            return None


@dataclass
class SentMessage:
    """A bot message as the user sees it (a snapshot: later edits make new snapshots).

    `text` and `caption` are the rendered text (HTML tags removed, entities decoded);
    `source` is the text or caption exactly as the bot sent it.
    """

    chat_id: int
    message_id: int
    text: str | None = None
    caption: str | None = None
    source: str | None = None
    parse_mode: str | None = None
    entities: list[dict[str, Any]] = field(default_factory=list)
    reply_markup: list[list[Button]] | None = None
    keyboard: list[list[str]] | None = None
    photo: bytes | None = None
    document: bytes | None = None
    animation: bytes | None = None
    filename: str | None = None
    mime_type: str | None = None
    edited: bool = False
    deleted: bool = False
    date: float = 0.0
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def content(self) -> str:
        """The text, else the caption, else ""."""
        return self.text if self.text is not None else (self.caption or "")

    @property
    def buttons(self) -> list[Button]:
        """All inline buttons, row by row."""
        return [button for row in self.reply_markup or [] for button in row]


@dataclass(frozen=True)
class CallbackAnswer:
    """An answerCallbackQuery call."""

    callback_query_id: str
    user_id: int
    text: str | None
    show_alert: bool
    url: str | None


@dataclass
class Stats:
    """Counters over everything served."""

    requests: Counter[str] = field(default_factory=Counter)
    errors: Counter[int] = field(default_factory=Counter)
    flood_rejections: int = 0

    @property
    def too_many_requests(self) -> int:
        """How many 429s were served, injected or from the flood limit."""
        return self.errors[429]
