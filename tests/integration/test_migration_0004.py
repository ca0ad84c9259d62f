"""Migration 0004: a record a group /start overwrote (before the fix) goes back to the
person's private chat, whose id is their user id."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import text

from storage.db import make_engine
from storage.migrate import alembic_config, upgrade_to_head

pytestmark = pytest.mark.integration


async def test_chat_ids_of_groups_are_put_back_on_the_private_chat(database_url: str) -> None:
    await asyncio.to_thread(command.upgrade, alembic_config(database_url), "0003")
    engine = make_engine(database_url)
    try:
        async with engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO users (id, chat_id, first_name, active, created_at, updated_at) "
                    "VALUES (1, -100200300, 'A', true, :now, :now), "
                    "(2, 2, 'B', true, :now, :now)"
                ),
                {"now": datetime(2026, 11, 30, 20, tzinfo=UTC)},
            )
        await asyncio.to_thread(upgrade_to_head, database_url)
        async with engine.begin() as conn:
            rows = (await conn.execute(text("SELECT id, chat_id FROM users ORDER BY id"))).all()
    finally:
        await engine.dispose()
    assert [tuple(r) for r in rows] == [(1, 1), (2, 2)]
