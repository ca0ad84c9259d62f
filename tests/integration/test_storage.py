"""The migrations build the same schema on SQLite and PostgreSQL; times round-trip as UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import inspect, text

from service_layer.runtime import Runtime
from storage.db import make_engine
from storage.models import Base, SentLog

pytestmark = pytest.mark.integration

EXPECTED_TABLES = {
    "inbox",
    "users",
    "media_files",
    "profiles",
    "programmes",
    "flows",
    "sessions",
    "set_logs",
    "morning_checkins",
    "decisions",
    "red_flag_answers",
    "gate_tests",
    "sent_log",
    "due_queue",
}


async def test_migrations_match_models(migrated_url: str) -> None:
    engine = make_engine(migrated_url)
    try:
        async with engine.connect() as conn:
            tables = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
            columns = await conn.run_sync(
                lambda c: {t: {col["name"] for col in inspect(c).get_columns(t)} for t in tables}
            )
    finally:
        await engine.dispose()
    assert tables - {"alembic_version"} == EXPECTED_TABLES
    for table in Base.metadata.sorted_tables:
        assert columns[table.name] == {c.name for c in table.columns}, table.name


async def test_user_times_round_trip_as_utc(runtime: Runtime) -> None:
    berlin_evening = datetime(2026, 3, 29, 23, 30, tzinfo=timezone(timedelta(hours=2)))
    async with runtime.uow() as uow:
        await uow.users.upsert(
            user_id=42, chat_id=42, first_name="Ana", language="en", now=berlin_evening
        )
        await uow.commit()
    async with runtime.uow() as uow:
        user = await uow.users.get(42)
        assert user is not None
        assert user.created_at.tzinfo is not None
        assert user.created_at.utcoffset() == timedelta(0)
        assert user.created_at == datetime(2026, 3, 29, 21, 30, tzinfo=UTC)


async def test_naive_datetime_is_refused(runtime: Runtime) -> None:
    async with runtime.uow() as uow:
        with pytest.raises(Exception, match="naive datetime"):
            await uow.users.upsert(
                user_id=1, chat_id=1, first_name="N", language=None, now=datetime(2026, 1, 1)
            )


async def test_upsert_refreshes_and_reactivates(runtime: Runtime) -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    async with runtime.uow() as uow:
        _, created = await uow.users.upsert(
            user_id=7, chat_id=7, first_name="Old", language=None, now=now
        )
        assert created
        user = await uow.users.get(7)
        assert user is not None
        user.active = False
        await uow.commit()
    async with runtime.uow() as uow:
        user, created = await uow.users.upsert(
            user_id=7, chat_id=7, first_name="New", language="de", now=now + timedelta(days=1)
        )
        await uow.commit()
    assert not created
    assert (user.first_name, user.language, user.active) == ("New", "de", True)


async def test_sent_log_claims_exactly_once(runtime: Runtime) -> None:
    now = datetime(2026, 5, 1, 6, 0, tzinfo=UTC)
    async with runtime.uow() as uow:
        await uow.users.upsert(user_id=5, chat_id=5, first_name="S", language=None, now=now)
        await uow.commit()

    def row() -> SentLog:
        return SentLog(
            user_id=5,
            kind="reminder",
            local_date=now.date(),
            slot="07:30",
            status="sent",
            due_at=now,
            created_at=now,
        )

    async with runtime.uow() as uow:
        assert await uow.sent_log.claim(row())
        assert not await uow.sent_log.claim(row())
        await uow.commit()
    async with runtime.uow() as uow:
        assert not await uow.sent_log.claim(row())
        assert await uow.sent_log.count(5) == 1


async def test_sqlite_pragmas(sqlite_migrated_url: str) -> None:
    engine = make_engine(sqlite_migrated_url)
    try:
        async with engine.connect() as conn:
            journal = (await conn.execute(text("PRAGMA journal_mode"))).scalar()
            fks = (await conn.execute(text("PRAGMA foreign_keys"))).scalar()
            busy = (await conn.execute(text("PRAGMA busy_timeout"))).scalar()
    finally:
        await engine.dispose()
    assert (journal, fks) == ("wal", 1)
    assert busy is not None
    assert int(busy) >= 1000


async def test_sqlite_flushes_every_commit_to_disk(sqlite_migrated_url: str) -> None:
    """synchronous=FULL (2): a power cut loses no commit the bot has confirmed."""
    engine = make_engine(sqlite_migrated_url)
    try:
        async with engine.connect() as conn:
            assert (await conn.exec_driver_sql("PRAGMA synchronous")).scalar() == 2
            assert (await conn.exec_driver_sql("PRAGMA journal_mode")).scalar() == "wal"
    finally:
        await engine.dispose()
