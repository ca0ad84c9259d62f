"""LOG_FORMAT=json on the real process: every line is JSON, and none shows a secret, a person's
Telegram id or what they wrote."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot import texts
from standin.process import BotProcess
from standin.server import FakeBotApi
from tests.databases import postgres_url, temporary_postgres_database
from tests.e2e.conftest import free_port

pytestmark = pytest.mark.e2e

USER_ID = 730_044_211
PRIVATE_WORDS = "my left heel throbs at night"


async def _run_and_read_log(
    standin: FakeBotApi, url: str, tmp_path: Path, env: dict[str, str] | None = None
) -> list[str]:
    process = BotProcess(
        standin,
        url,
        {"LOG_LEVEL": "DEBUG", "LOG_FORMAT": "json", **(env or {})},
        command=[str(Path(sys.executable).parent / "achilles-coach"), "run"],
        log_dir=tmp_path,
    )
    await process.start()
    try:
        person = standin.user(USER_ID, first_name="Noa")
        await person.send("/start")
        await person.wait_for(contains="Achilles Coach", timeout=20)
        await person.send(PRIVATE_WORDS)
        await person.wait_for(timeout=20)
    finally:
        await process.stop()
    assert process.returncode == 0, process.stderr
    return [line for line in process.stderr.splitlines() if line.strip()]


def _check(lines: list[str], secrets: list[str], mode: str = "polling") -> None:
    assert lines, "the bot logged nothing"
    entries = [json.loads(line) for line in lines]  # every line parses on its own
    assert {"ts", "level", "logger", "msg"} <= set(entries[0])
    assert any(mode in entry["msg"] for entry in entries)
    whole = "\n".join(lines)
    for secret in [*secrets, str(USER_ID), PRIVATE_WORDS, "throbs"]:
        assert secret not in whole


async def test_json_logs_on_sqlite(standin: FakeBotApi, tmp_path: Path) -> None:
    lines = await _run_and_read_log(standin, f"sqlite+aiosqlite:///{tmp_path / 'j.db'}", tmp_path)
    _check(lines, [standin.token])


async def test_json_logs_in_webhook_mode_never_show_the_webhook_secret(
    standin: FakeBotApi, tmp_path: Path
) -> None:
    port = free_port()
    env = {
        "WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram/webhook",
        "WEBHOOK_SECRET": "Hook-Secret-31415",
        "HTTP_PORT": str(port),
    }
    url = f"sqlite+aiosqlite:///{tmp_path / 'w.db'}"
    lines = await _run_and_read_log(standin, url, tmp_path, env)
    _check(lines, [standin.token, "Hook-Secret-31415"], mode="webhook")
    assert not standin.calls("getUpdates")


@pytest.mark.skipif(postgres_url() is None, reason="TEST_POSTGRES_URL is not set")
async def test_json_logs_never_show_the_database_password(
    standin: FakeBotApi, tmp_path: Path
) -> None:
    server = postgres_url()
    assert server is not None
    async with temporary_postgres_database(server) as url:
        # The test server trusts local connections, so any password connects; it must still
        # never be written to the log.
        with_password = make_url(url).set(password="Db-Secret-2718").render_as_string(False)
        lines = await _run_and_read_log(standin, with_password, tmp_path)
    _check(lines, [standin.token, "Db-Secret-2718"])
    assert texts  # the catalogue is the bot's; imported to keep the e2e tier's conventions
