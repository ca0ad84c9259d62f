"""Logging: plain lines for a terminal, or one JSON object a line for a log collector.

Whatever the format, a secret (the bot token, the database password) never reaches a log line or
a traceback. In JSON, which is meant to leave the machine, a person's Telegram id is replaced by
a keyed pseudonym (the same person gets the same one, so their lines can still be followed).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import sys
from datetime import UTC, datetime
from typing import Literal

LogFormat = Literal["text", "json"]

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
REDACTED = "<redacted>"
OWN_LOGGERS = ("achilles_coach", "bot", "scheduler", "storage", "rehab")
# "user 123", "user=123", "chat -100123", "user_id=123": how log lines name a person.
_PERSON_ID = re.compile(r"\b(user|chat|user_id|chat_id)([ =:]+)(-?\d+)\b")


def _redact(text: str, secrets: list[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, REDACTED)
    return text


class RedactingFormatter(logging.Formatter):
    """Formats a record, traceback included, with every secret replaced by `<redacted>`."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__(TEXT_FORMAT)
        self.secrets = [s for s in secrets if s]

    def format(self, record: logging.LogRecord) -> str:
        return _redact(super().format(record), self.secrets)


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC), level, logger, message and traceback, with secrets
    redacted and every person's id replaced by a pseudonym keyed with `pseudonym_key`."""

    def __init__(self, secrets: list[str], pseudonym_key: str) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]
        self.key = pseudonym_key.encode()

    def pseudonym(self, person_id: str) -> str:
        return "p-" + hmac.new(self.key, person_id.encode(), hashlib.sha256).hexdigest()[:12]

    def _clean(self, text: str) -> str:
        text = _redact(text, self.secrets)
        return _PERSON_ID.sub(lambda m: f"{m[1]}{m[2]}{self.pseudonym(m[3])}", text)

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": self._clean(record.getMessage()),
        }
        if record.exc_info:
            entry["exc"] = self._clean(self.formatException(record.exc_info))
        elif record.exc_text:
            entry["exc"] = self._clean(record.exc_text)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(
    level: str,
    secrets: list[str] | None = None,
    fmt: LogFormat = "text",
    pseudonym_key: str = "",
) -> logging.Formatter:
    """Send every log record to stderr in `fmt`; returns the formatter in use.

    `pseudonym_key` should be a secret (the bot token): someone who holds only the logs then
    cannot reverse a pseudonym by hashing every possible Telegram id."""
    secrets = [s for s in secrets or [] if s]
    formatter: logging.Formatter
    if fmt == "json":
        formatter = JsonFormatter(secrets, pseudonym_key)
    else:
        formatter = RedactingFormatter(secrets)
    logging.basicConfig(level=level, stream=sys.stderr)
    for handler in logging.getLogger().handlers:
        handler.setFormatter(formatter)
    # Request URLs contain the bot token (httpx logs them at INFO, PTB at DEBUG): never log it.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    # The reminder queue ticks every second: APScheduler's two lines per run (86 400 a day each)
    # would drown the bot's own in the journal. Its warnings (a missed or skipped run) stay.
    logging.getLogger("apscheduler.executors").setLevel(logging.WARNING)
    if fmt == "json":
        # Below INFO, libraries log what passes through them: PTB every request's parameters
        # (message texts, chat ids), the database drivers every query's values. Nothing of
        # that may leave the machine: only our own packages may log below INFO.
        numeric = logging.getLevelNamesMapping()[level]
        logging.getLogger().setLevel(max(numeric, logging.INFO))
        for name in OWN_LOGGERS:
            logging.getLogger(name).setLevel(numeric)
    return formatter
