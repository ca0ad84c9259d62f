"""What keeps several replicas on one database apart, on each backend: one person's lock
(service_layer/serial.py; an advisory lock on PostgreSQL, taken by two separate engines as two
replicas would) and the flow's version check done by the database."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy.orm.exc import StaleDataError

from bot import inbox
from service_layer import serial
from service_layer.runtime import Runtime
from tests.conftest import make_settings

pytestmark = pytest.mark.integration

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
UID = 8801


async def _seed_flow(runtime: Runtime) -> None:
    async with runtime.uow() as uow:
        await uow.users.upsert(user_id=UID, chat_id=UID, first_name="R", language=None, now=NOW)
        await uow.flows.start(UID, "onboarding", "consent", {}, NOW)
        await uow.commit()


async def test_one_persons_lock_keeps_two_replicas_apart(migrated_url: str) -> None:
    first = Runtime.create(make_settings(migrated_url))
    # On PostgreSQL a second engine is a second replica; SQLite is one process by definition.
    second = Runtime.create(make_settings(migrated_url)) if serial.on_postgres(first) else first
    order: list[str] = []
    inside = asyncio.Event()

    async def holder() -> None:
        async with serial.one_at_a_time(first, UID):
            order.append("first in")
            inside.set()
            await asyncio.sleep(0.3)
            order.append("first out")

    async def waiter() -> None:
        await inside.wait()
        async with serial.one_at_a_time(second, UID):
            order.append("second in")
        async with serial.one_at_a_time(second, UID + 1):  # someone else: not held up
            order.append("other")

    try:
        await asyncio.wait_for(asyncio.gather(holder(), waiter()), 10)
        assert order == ["first in", "first out", "second in", "other"]

        # Re-entrant within a task: a step inside an update's handling does not wait for it.
        async with serial.one_at_a_time(first, UID), serial.one_at_a_time(first, UID):
            order.append("nested")
        assert order[-1] == "nested"
    finally:
        await first.close()
        if second is not first:
            await second.close()


async def test_a_person_does_not_wait_for_another(migrated_url: str) -> None:
    runtime = Runtime.create(make_settings(migrated_url))
    try:
        async with serial.one_at_a_time(runtime, UID):
            other = asyncio.create_task(_enter(runtime, UID + 7))
            await asyncio.wait_for(other, 5)  # would time out if the lock were global
    finally:
        await runtime.close()


async def _enter(runtime: Runtime, user_id: int) -> None:
    async with serial.one_at_a_time(runtime, user_id):
        pass


async def test_the_database_refuses_a_second_advance_of_the_same_flow_version(
    runtime: Runtime,
) -> None:
    await _seed_flow(runtime)
    # Two replicas read the flow at version 1 ...
    async with runtime.uow() as a, runtime.uow() as b:
        flow_a = await a.flows.get(UID)
        flow_b = await b.flows.get(UID)
        assert flow_a is not None
        assert flow_b is not None
        assert flow_a.version == flow_b.version == 1
        # ... the first advances it and commits ...
        flow_a.step, flow_a.version = "age", 2
        await a.commit()
        # ... the second's advance of the same step is refused, and nothing of it is stored.
        flow_b.step, flow_b.version = "pain", 2
        with pytest.raises(StaleDataError):
            await b.commit()
    async with runtime.uow() as uow:
        stored = await uow.flows.get(UID)
        assert stored is not None
        assert (stored.step, stored.version) == ("age", 2)


async def test_earlier_unfinished_updates_of_a_person_come_oldest_first(runtime: Runtime) -> None:
    def update(update_id: int, user_id: int) -> dict[str, object]:
        message = {"message_id": 1, "date": 0, "text": "x", "from": {"id": user_id}}
        return {"update_id": update_id, "message": message}

    await inbox.store(runtime, [update(5, UID), update(3, UID), update(4, UID + 1), update(7, UID)])
    await inbox.finish(runtime, 3)
    earlier = await inbox.earlier_unfinished(runtime, UID, 7)
    assert [u["update_id"] for u in earlier] == [5]
    assert await inbox.is_unfinished(runtime, 7)
    assert not await inbox.is_unfinished(runtime, 3)
    assert not await inbox.is_unfinished(runtime, 99)  # never stored (or purged)
