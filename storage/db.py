"""Engine and session factory, made on request (never at import time)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, event
from sqlalchemy.engine import Dialect, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.types import TypeDecorator

SQLITE_BUSY_TIMEOUT_MS = 5000
# PostgreSQL connections a process keeps open once it has needed them, and how many more it may
# open for a moment beyond those.
PG_POOL_SIZE = 20
PG_POOL_OVERFLOW = 5


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp that must be tz-aware going in and is always UTC coming out.

    PostgreSQL stores it as `timestamptz`; SQLite stores the UTC value as text and gets the
    zone re-attached when it is read back.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r} cannot be stored; attach a time zone")
        utc = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return utc.replace(tzinfo=None)
        return utc

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def _ensure_sqlite_directory(url: str) -> None:
    parsed = make_url(url)
    database = parsed.database
    if parsed.get_backend_name() == "sqlite" and database and database != ":memory:":
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    # FULL: a commit is on the disk before it returns, so a power cut loses no answer that was
    # confirmed (NORMAL in WAL mode can lose the last commits). Health records are worth it.
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


def make_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    """Create the async engine for `url`; SQLite gets WAL, a busy timeout and foreign keys."""
    is_sqlite = make_url(url).get_backend_name() == "sqlite"
    if is_sqlite:
        _ensure_sqlite_directory(url)
    if is_sqlite:
        engine = create_async_engine(url, echo=echo)
    else:
        # Connections kept open for the reminder workers and the handlers at their busiest: with
        # SQLAlchemy's default 5 every checkout past the fifth opened a new connection (TLS
        # attempt, a server process) and closed it again when returned.
        engine = create_async_engine(
            url,
            echo=echo,
            pool_pre_ping=True,
            pool_size=PG_POOL_SIZE,
            max_overflow=PG_POOL_OVERFLOW,
        )
    if is_sqlite:
        event.listen(engine.sync_engine, "connect", _configure_sqlite)
    return engine


def make_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded objects usable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False)
