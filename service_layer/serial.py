"""One person's work one step at a time, also across replicas.

On PostgreSQL the bot may run as several processes (replicas) on one database, so an
in-process lock cannot keep one person's updates apart: `one_at_a_time` takes a
transaction-level advisory lock on the person's id, on a connection of its own whose
transaction lasts as long as the work (leaving it rolls back, which releases the lock; a
replica that dies releases it with its connection). On SQLite (one process by definition) an
in-process lock per person does the same. The lock is re-entrant within a task: a step that
runs inside an update's handling does not wait for the update's own lock.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar

from sqlalchemy import text

from service_layer.locks import KeyedLocks
from service_layer.runtime import Runtime

# Keeps the bot's keys apart from other advisory locks on a shared server ("AC" in the top
# bits; Telegram's ids are far below 2**48).
NAMESPACE = 0x4143 << 48

_held: ContextVar[frozenset[int]] = ContextVar("serial_held", default=frozenset())
_local = KeyedLocks()


def lock_key(user_id: int) -> int:
    return NAMESPACE ^ user_id


def on_postgres(runtime: Runtime) -> bool:
    return runtime.engine.dialect.name == "postgresql"


@asynccontextmanager
async def one_at_a_time(runtime: Runtime, user_id: int) -> AsyncIterator[None]:
    """Hold `user_id`'s lock (waiting for whoever holds it, in any replica) while inside."""
    held = _held.get()
    if user_id in held:
        yield
        return
    token = _held.set(held | {user_id})
    try:
        if on_postgres(runtime):
            async with runtime.engine.connect() as conn:
                await conn.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": lock_key(user_id)}
                )
                yield
                await conn.rollback()  # ends the transaction: the lock is released
        else:
            async with _local(user_id):
                yield
    finally:
        _held.reset(token)
