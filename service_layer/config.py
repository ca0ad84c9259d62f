"""Configuration: one validated pydantic-settings class, read from the environment and `.env`."""

from __future__ import annotations

import logging
import re
from typing import Annotated, Literal

from pydantic import (
    AnyHttpUrl,
    BeforeValidator,
    Field,
    SecretStr,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

TOKEN_PATTERN = re.compile(r"^\d{5,16}:[A-Za-z0-9_-]{30,64}$")
SECRET_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./data/achilles-coach.db"
DEFAULT_API_BASE_URL = "https://api.telegram.org/bot"


def _blank_to_none(value: object) -> object:
    if isinstance(value, str) and not value.strip():
        return None
    return value


class Settings(BaseSettings):
    """Everything the bot needs from its environment. Secrets are never given defaults."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    telegram_bot_token: Annotated[SecretStr | None, BeforeValidator(_blank_to_none)] = None
    telegram_api_base_url: AnyHttpUrl = Field(default=AnyHttpUrl(DEFAULT_API_BASE_URL))
    database_url: str = DEFAULT_DATABASE_URL
    log_level: str = "INFO"
    # "text" for a terminal; "json" (one object a line, people's ids pseudonymised) for a collector.
    log_format: Literal["text", "json"] = "text"
    reminder_grace_minutes: int = Field(default=120, ge=0, le=24 * 60)
    nudge_after_minutes: int = Field(default=120, ge=5, le=24 * 60)
    snooze_minutes: int = Field(default=30, ge=5, le=240)
    # Webhook mode when WEBHOOK_URL is set (the public https URL Telegram posts to); long polling
    # otherwise. WEBHOOK_SECRET is the X-Telegram-Bot-Api-Secret-Token Telegram must send.
    webhook_url: Annotated[AnyHttpUrl | None, BeforeValidator(_blank_to_none)] = None
    webhook_secret: Annotated[SecretStr | None, BeforeValidator(_blank_to_none)] = None
    # The one HTTP listener (both modes): /healthz, /readyz, /metrics, and the webhook's path.
    # HTTP_PORT=0 takes any free port (tests).
    http_host: str = "127.0.0.1"
    http_port: int = Field(default=8080, ge=0, le=65535)
    # The due-queue (scheduler/queue.py): how often it looks for due rows, how many sends are in
    # flight at once, how long a claimed row stays hidden from other ticks (longer than any one
    # send can take), and the longest pause between retries of a passing failure.
    # Messages per second to all chats together, evenly spaced (bot/pacing.py): just under
    # Telegram's 30, so no one-second window ever holds a 31st.
    telegram_flood_rate: float = Field(default=29.5, gt=0, le=1000)
    reminder_tick_seconds: float = Field(default=1.0, gt=0, le=60)
    reminder_workers: int = Field(default=32, ge=1, le=512)
    reminder_lease_seconds: float = Field(default=120.0, ge=1, le=3600)
    reminder_retry_max_seconds: float = Field(default=60.0, ge=0.1, le=3600)
    # Multiplies every in-session hold/rest timer. 1.0 in real use; tests and demos shrink it.
    timer_scale: float = Field(default=1.0, gt=0, le=1)

    @field_validator("telegram_bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not TOKEN_PATTERN.match(value.get_secret_value().strip()):
            raise ValueError("does not look like a bot token (expected 123456:ABC-DEF...)")
        return SecretStr(value.get_secret_value().strip()) if value is not None else None

    @field_validator("webhook_secret")
    @classmethod
    def _secret_shape(cls, value: SecretStr | None) -> SecretStr | None:
        # Telegram's rule for secret_token: 1-256 characters, A-Z, a-z, 0-9, _ and -.
        if value is not None and not SECRET_PATTERN.match(value.get_secret_value()):
            raise ValueError("use 1-256 characters: letters, digits, _ and -")
        return value

    @model_validator(mode="after")
    def _webhook_needs_secret(self) -> Settings:
        if self.webhook_url is not None and self.webhook_secret is None:
            raise ValueError("WEBHOOK_SECRET is required when WEBHOOK_URL is set")
        return self

    @property
    def webhook_path(self) -> str:
        """The path the listener answers Telegram's POSTs on (the path of WEBHOOK_URL)."""
        return (self.webhook_url.path if self.webhook_url is not None else None) or "/"

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in logging.getLevelNamesMapping():
            raise ValueError(f"unknown log level {value!r}")
        return level

    @field_validator("database_url")
    @classmethod
    def _supported_database(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("use a sqlite+aiosqlite:// or postgresql+asyncpg:// URL")
        return value

    @property
    def api_base_url(self) -> str:
        """The Bot API base URL the way python-telegram-bot wants it (token appended)."""
        return str(self.telegram_api_base_url)

    @property
    def api_file_base_url(self) -> str:
        """The file download base URL matching `api_base_url`."""
        base = self.api_base_url
        if base.endswith("/bot"):
            return base[: -len("/bot")] + "/file/bot"
        return base.rstrip("/") + "/file/bot"
