"""Throw-away databases for tests: a SQLite file, and a fresh PostgreSQL database per test."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

POSTGRES_ENV = "TEST_POSTGRES_URL"


def postgres_url() -> str | None:
    """The PostgreSQL server the tests may use, if `TEST_POSTGRES_URL` is set."""
    return os.environ.get(POSTGRES_ENV) or None


def sqlite_url(directory: Path) -> str:
    return f"sqlite+aiosqlite:///{directory / 'coach.db'}"


@asynccontextmanager
async def temporary_postgres_database(server_url: str) -> AsyncIterator[str]:
    """Create an empty database on `server_url`'s server; drop it afterwards."""
    url = make_url(server_url)
    name = f"coach_test_{uuid.uuid4().hex[:12]}"
    admin_dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
    conn = await asyncpg.connect(admin_dsn)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        conn = await asyncpg.connect(admin_dsn)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()
