"""Log lines: JSON that parses, no secret, no person's id in clear, no message text."""

from __future__ import annotations

import ast
import json
import logging
import sys
from pathlib import Path

import pytest
from telegram import Update

from bot.handlers.errors import describe
from bot.logs import OWN_LOGGERS, JsonFormatter, LogFormat, RedactingFormatter, configure_logging
from tests.conftest import TEST_TOKEN

pytestmark = pytest.mark.unit

REPO = Path(__file__).resolve().parents[2]
PASSWORD = "pa55-w0rd-xyz"


def _record(msg: str, *args: object, exc: bool = False) -> logging.LogRecord:
    exc_info = None
    if exc:
        try:
            raise RuntimeError(f"POST /bot{TEST_TOKEN}/sendMessage to user 555000111 failed")
        except RuntimeError:
            exc_info = sys.exc_info()
    return logging.LogRecord("scheduler", logging.ERROR, __file__, 1, msg, args, exc_info)


def test_json_lines_parse_and_hide_secrets_and_ids() -> None:
    formatter = JsonFormatter([TEST_TOKEN, PASSWORD], pseudonym_key=TEST_TOKEN)
    line = formatter.format(
        _record("could not send %s to user %s (db %s)", "reminder", 555000111, PASSWORD, exc=True)
    )
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "ERROR"
    assert entry["logger"] == "scheduler"
    assert entry["ts"].endswith("+00:00")
    text = entry["msg"] + entry["exc"]
    for secret in (TEST_TOKEN, PASSWORD, "555000111"):
        assert secret not in text
    pseudonym = formatter.pseudonym("555000111")
    assert f"user {pseudonym}" in entry["msg"]
    assert f"user {pseudonym}" in entry["exc"]
    assert "<redacted>" in entry["msg"]


def test_pseudonyms_follow_a_person_and_depend_on_the_key() -> None:
    one = JsonFormatter([], pseudonym_key="key-one")
    two = JsonFormatter([], pseudonym_key="key-two")
    assert one.pseudonym("42") == one.pseudonym("42")
    assert one.pseudonym("42") != one.pseudonym("43")
    assert one.pseudonym("42") != two.pseudonym("42")
    entry = json.loads(one.format(_record("update user=42 chat -100777 chat_id=42")))
    assert "42" not in entry["msg"].replace(one.pseudonym("42"), "")
    assert "100777" not in entry["msg"]


def test_text_lines_keep_their_shape_and_redact() -> None:
    line = RedactingFormatter([PASSWORD]).format(_record("db %s", PASSWORD))
    assert line.endswith("ERROR scheduler: db <redacted>")


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_the_queue_tick_is_not_logged_but_its_warnings_are(fmt: LogFormat) -> None:
    names = ("", "httpx", "httpcore", "apscheduler.executors", *OWN_LOGGERS)
    saved = {name: logging.getLogger(name).level for name in names}
    formatters = {handler: handler.formatter for handler in logging.getLogger().handlers}
    try:
        logging.getLogger().setLevel(logging.DEBUG)  # as in a process of its own (basicConfig)
        configure_logging("DEBUG", [TEST_TOKEN], fmt)
        executor = logging.getLogger("apscheduler.executors.default")
        assert not executor.isEnabledFor(logging.INFO)  # "Running job ... _tick", every second
        assert executor.isEnabledFor(logging.WARNING)  # "Run time of job ... was missed"
    finally:
        for name, level in saved.items():
            logging.getLogger(name).setLevel(level)
        for handler in list(logging.getLogger().handlers):
            if handler in formatters:
                handler.setFormatter(formatters[handler])
            else:
                logging.getLogger().removeHandler(handler)


def test_an_update_is_described_without_what_the_person_wrote() -> None:
    update = Update.de_json(
        {
            "update_id": 7,
            "message": {
                "message_id": 1,
                "date": 0,
                "chat": {"id": 555000111, "type": "private"},
                "from": {"id": 555000111, "is_bot": False, "first_name": "A"},
                "text": "my calf is swollen and warm",
            },
        },
        None,
    )
    text = describe(update)
    assert "swollen" not in text
    assert "text_chars=27" in text
    command = Update.de_json(
        {
            "update_id": 8,
            "message": {
                "message_id": 2,
                "date": 0,
                "chat": {"id": 1, "type": "private"},
                "from": {"id": 1, "is_bot": False, "first_name": "A"},
                "text": "/today please",
            },
        },
        None,
    )
    assert "command='/today'" in describe(command)


def _log_calls(tree: ast.AST) -> list[ast.Call]:
    levels = {"debug", "info", "warning", "error", "exception", "critical"}
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in levels
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id in {"log", "logger", "_log"}
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    ]


def test_every_log_line_names_a_person_the_way_json_logs_can_hide() -> None:
    """JSON logs pseudonymise ids written as 'user %s' or 'chat %s': a log call that passes a
    person's id any other way would leak it in clear."""
    offenders = []
    for package in ("bot", "scheduler", "storage", "rehab"):
        for path in (REPO / package).rglob("*.py"):
            tree = ast.parse(path.read_text(), str(path))
            for call in _log_calls(tree):
                template = call.args[0].value  # type: ignore[attr-defined]
                pieces = template.split("%")
                for index, arg in enumerate(call.args[1:]):
                    source = ast.unparse(arg)
                    if source.startswith("len("):
                        continue  # a count of people, not a person
                    if not any(k in source for k in ("user_id", "user.id", "chat_id", "chat.id")):
                        continue
                    before = "%".join(pieces[: index + 1])
                    if not before.rstrip("= ").endswith(("user", "chat", "user_id", "chat_id")):
                        offenders.append(f"{path.relative_to(REPO)}:{call.lineno}: {template!r}")
    assert offenders == []
