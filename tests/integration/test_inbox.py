"""The inbox on each backend: stored once, handled once, forgotten when handled."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot import inbox
from service_layer.runtime import Runtime
from storage import handling
from tests.fakes import FakeClock

pytestmark = pytest.mark.integration

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


def _update(update_id: int, user_id: int, text: str) -> dict[str, object]:
    return {
        "update_id": update_id,
        "message": {"message_id": 1, "date": 0, "text": text, "from": {"id": user_id}},
    }


async def test_stored_once_handled_once_and_forgotten(runtime: Runtime) -> None:
    clock = FakeClock(NOW)
    runtime.clock = clock
    first = await inbox.store(runtime, [_update(11, 5, "80"), _update(10, 5, "/start")])
    assert [u["update_id"] for u in first] == [10, 11]  # oldest first
    # Telegram sends 11 again (not yet confirmed) with 12: only 12 is new.
    again = await inbox.store(runtime, [_update(11, 5, "80"), _update(12, 6, "hi"), {"x": 1}])
    assert [u["update_id"] for u in again] == [12]
    assert [u["update_id"] for u in await inbox.unfinished(runtime)] == [10, 11, 12]

    # A commit made while handling 11 marks it done in the same transaction.
    with handling.handling(11) as scope:
        async with runtime.uow() as uow:
            await uow.users.upsert(user_id=5, chat_id=5, first_name="A", language=None, now=NOW)
            await uow.commit()
    assert scope.commits == 1
    # A rolled-back one does not.
    with handling.handling(12):
        async with runtime.uow() as uow:
            await uow.users.upsert(user_id=6, chat_id=6, first_name="B", language=None, now=NOW)
    assert [u["update_id"] for u in await inbox.unfinished(runtime)] == [10, 12]
    async with runtime.uow() as uow:
        assert await uow.users.get(6) is None
        done = await uow.inbox.is_done(11)
    assert done

    # Handled rows keep no sender and no words; they are purged a day later.
    await inbox.finish(runtime, 10)
    async with runtime.uow() as uow:
        rows = {r.update_id: r for r in await uow.inbox.unfinished()}
    assert set(rows) == {12}
    clock.advance(hours=23)
    assert await inbox.purge(runtime) == 0
    clock.advance(hours=2)
    assert await inbox.purge(runtime) == 2
    assert [u["update_id"] for u in await inbox.unfinished(runtime)] == [12]
    async with runtime.uow() as uow:
        await uow.users.delete_everything(6)  # /delete: their unhandled words go too
        await uow.commit()
    assert await inbox.unfinished(runtime) == []
    assert timedelta(days=1) == inbox.KEEP_DONE
