"""Shared fixtures: databases (SQLite always, PostgreSQL when TEST_POSTGRES_URL is set)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from service_layer.config import Settings
from service_layer.runtime import Runtime
from storage.migrate import upgrade_to_head
from tests.databases import postgres_url, sqlite_url, temporary_postgres_database

TEST_TOKEN = "123456789:TEST-token-ABCDEFGHIJKLMNOPQRSTUVWX"

_BACKENDS = [
    "sqlite",
    pytest.param(
        "postgresql",
        marks=pytest.mark.skipif(postgres_url() is None, reason="TEST_POSTGRES_URL not set"),
    ),
]


@pytest.fixture(params=_BACKENDS)
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """An empty database on each backend under test (not yet migrated)."""
    if request.param == "sqlite":
        yield sqlite_url(tmp_path)
        return
    server = postgres_url()
    assert server is not None
    async with temporary_postgres_database(server) as url:
        yield url


@pytest.fixture
async def migrated_url(database_url: str) -> str:
    """A database with every migration applied."""
    await asyncio.to_thread(upgrade_to_head, database_url)
    return database_url


@pytest.fixture
async def sqlite_migrated_url(tmp_path: Path) -> str:
    """A migrated SQLite database only (for tests that need no second backend)."""
    url = sqlite_url(tmp_path)
    await asyncio.to_thread(upgrade_to_head, url)
    return url


def make_settings(database_url: str, api_base_url: str | None = None) -> Settings:
    # HTTP_PORT=0: the HTTP listener takes any free port (tests run side by side).
    values: dict[str, object] = {
        "telegram_bot_token": TEST_TOKEN,
        "database_url": database_url,
        "http_port": 0,
    }
    if api_base_url is not None:
        values["telegram_api_base_url"] = api_base_url
    return Settings.model_validate(values)


@pytest.fixture
async def runtime(migrated_url: str) -> AsyncIterator[Runtime]:
    """A Runtime over a migrated database, on each backend."""
    rt = Runtime.create(make_settings(migrated_url))
    yield rt
    await rt.close()
