"""Configuration is validated and secrets never leak into reprs."""

from __future__ import annotations

import logging
import sys

import pytest
from pydantic import ValidationError

from bot.cli import _secrets
from bot.logs import RedactingFormatter
from service_layer.config import DEFAULT_DATABASE_URL, Settings
from tests.conftest import TEST_TOKEN

pytestmark = pytest.mark.unit


def test_defaults_need_no_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    settings = Settings(_env_file=None)
    assert settings.telegram_bot_token is None
    assert settings.database_url == DEFAULT_DATABASE_URL
    assert settings.api_base_url == "https://api.telegram.org/bot"


def test_reads_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TEST_TOKEN)
    monkeypatch.setenv("TELEGRAM_API_BASE_URL", "http://127.0.0.1:8081/bot")
    monkeypatch.setenv("LOG_LEVEL", "debug")
    settings = Settings(_env_file=None)
    assert settings.telegram_bot_token is not None
    assert settings.telegram_bot_token.get_secret_value() == TEST_TOKEN
    assert settings.api_base_url == "http://127.0.0.1:8081/bot"
    assert settings.api_file_base_url == "http://127.0.0.1:8081/file/bot"
    assert settings.log_level == "DEBUG"
    assert TEST_TOKEN not in repr(settings)


@pytest.mark.parametrize(
    "token", ["abc", "123:short", "12345678:has spaces in it xxxxxxxxxxxxxxxx"]
)
def test_malformed_token_rejected(monkeypatch: pytest.MonkeyPatch, token: str) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", token)
    with pytest.raises(ValidationError, match="bot token"):
        Settings(_env_file=None)


def test_unsupported_database_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "mysql://localhost/db")
    with pytest.raises(ValidationError, match="sqlite"):
        Settings(_env_file=None)


def test_dotenv_file_is_read(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    env = tmp_path / ".env"
    env.write_text(f"TELEGRAM_BOT_TOKEN={TEST_TOKEN}\nLOG_LEVEL=WARNING\n")
    settings = Settings(_env_file=env)
    assert settings.telegram_bot_token is not None
    assert settings.log_level == "WARNING"


def test_log_lines_and_tracebacks_never_show_the_token() -> None:
    formatter = RedactingFormatter([TEST_TOKEN])
    try:
        raise RuntimeError(f"POST https://api.telegram.org/bot{TEST_TOKEN}/getMe failed")
    except RuntimeError:
        record = logging.LogRecord(
            "telegram",
            logging.ERROR,
            __file__,
            1,
            "calling %s",
            (f"bot{TEST_TOKEN}",),
            sys.exc_info(),
        )
    text = formatter.format(record)
    assert TEST_TOKEN not in text
    assert "calling bot<redacted>" in text
    assert "https://api.telegram.org/bot<redacted>/getMe failed" in text


def test_the_token_and_the_database_password_are_the_secrets_to_redact(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TEST_TOKEN)
    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://coach:s3cret@db:5432/coach")
    assert sorted(_secrets(Settings(_env_file=None))) == sorted([TEST_TOKEN, "s3cret"])
    monkeypatch.setenv("DATABASE_URL", "sqlite+aiosqlite:///./data/x.db")
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN")
    assert _secrets(Settings(_env_file=None)) == []


def test_webhook_mode_needs_a_secret_of_telegrams_shape(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEBHOOK_URL", "https://coach.example.org/telegram/hook")
    with pytest.raises(ValidationError, match="WEBHOOK_SECRET is required"):
        Settings(_env_file=None)
    monkeypatch.setenv("WEBHOOK_SECRET", "has spaces and ü")
    with pytest.raises(ValidationError, match="letters, digits"):
        Settings(_env_file=None)
    monkeypatch.setenv("WEBHOOK_SECRET", "s3cret_hook-value")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TEST_TOKEN)
    settings = Settings(_env_file=None)
    assert settings.webhook_path == "/telegram/hook"
    assert "s3cret_hook-value" not in repr(settings)
    assert "s3cret_hook-value" in _secrets(settings)  # redacted from every log line


def test_polling_is_the_default_and_a_blank_webhook_url_means_polling(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WEBHOOK_URL", "  ")
    settings = Settings(_env_file=None)
    assert settings.webhook_url is None
    assert (settings.http_host, settings.http_port) == ("127.0.0.1", 8080)
