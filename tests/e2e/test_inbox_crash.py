"""The inbox: kill -9 with 100 updates queued and the bot half way through them; after a
restart every update has had its effect exactly once (none lost, none applied twice)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.runtime import Runtime
from storage.models import Flow, InboxUpdate, User
from tests.conftest import make_settings
from tests.e2e.conftest import running_bot
from tests.fakes import FakeClock
from tests.standin.process import BotProcess
from tests.standin.server import FakeBotApi

pytestmark = pytest.mark.e2e

PEOPLE = range(9001, 9101)  # 100 people, one /start each
WELCOME = "can't diagnose"


def _welcomes(standin: FakeBotApi, user_id: int) -> int:
    return sum(WELCOME in m.content for m in standin.history(user_id))


async def _state(url: str) -> tuple[int, list[tuple[int, str, int]], int]:
    """(users, [(user, flow, version)], unfinished inbox rows) in the database."""
    runtime = Runtime.create(make_settings(url))
    try:
        async with runtime.uow() as uow:
            users = int(await uow.session.scalar(select(func.count()).select_from(User)) or 0)
            flows = [
                (f.user_id, f.name, f.version)
                for f in await uow.session.scalars(select(Flow).order_by(Flow.user_id))
            ]
            open_rows = await uow.session.scalar(
                select(func.count()).select_from(InboxUpdate).where(InboxUpdate.done_at.is_(None))
            )
            return users, flows, int(open_rows or 0)
    finally:
        await runtime.close()


async def test_kill_9_mid_batch_loses_nothing_and_repeats_nothing(
    standin: FakeBotApi, e2e_database_url: str, tmp_path: Path
) -> None:
    drivers = [standin.user(uid, first_name=f"P{uid}") for uid in PEOPLE]
    for driver in drivers:
        await driver.send("/start")
    process = BotProcess(standin, e2e_database_url, log_dir=tmp_path)
    await process.start()

    def some_answered() -> bool | None:
        return sum(_welcomes(standin, uid) > 0 for uid in PEOPLE) >= 20 or None

    await standin.wait_until(some_answered, timeout=30, what="the first 20 answers")
    process.kill9()
    assert await process.wait() < 0
    answered_before = sum(_welcomes(standin, uid) > 0 for uid in PEOPLE)
    assert answered_before < len(PEOPLE), "the whole batch was done before the kill"
    # Every update was stored before it was confirmed: Telegram has none left to give.
    assert standin.pending_updates == []
    _, _, unfinished = await _state(e2e_database_url)
    assert unfinished >= len(PEOPLE) - answered_before - 1

    await process.start()

    def all_answered() -> bool | None:
        return all(_welcomes(standin, uid) > 0 for uid in PEOPLE) or None

    await standin.wait_until(all_answered, timeout=60, what="an answer for everyone")
    await drivers[0].wait_idle(quiet=0.5)
    await process.stop()

    users, flows, unfinished = await _state(e2e_database_url)
    assert users == len(PEOPLE)  # 0 lost
    assert flows == [(uid, "onboarding", 1) for uid in PEOPLE]  # each begun once, never again
    assert unfinished == 0
    # Only the one /start in flight at the kill may have been answered before the kill and
    # again after it (its reply was sent, its "done" not yet stored); none more.
    repeated = [uid for uid in PEOPLE if _welcomes(standin, uid) > 1]
    assert len(repeated) <= 1, repeated
    assert "Traceback" not in process.stderr, process.stderr


async def test_an_update_stored_before_a_crash_is_handled_once_even_if_telegram_sends_it_again(
    standin: FakeBotApi, e2e_database_url: str, clock: FakeClock
) -> None:
    """Stored but not handled (the process died), and not confirmed either, so Telegram sends
    it again: it is handled once, first thing after the start."""
    user = standin.user(4501, first_name="Noa")
    await user.send("/help")
    (raw,) = standin.pending_updates  # Telegram still holds it ...
    runtime = Runtime.create(make_settings(e2e_database_url))
    async with runtime.uow() as uow:  # ... and the inbox has it, not done
        await uow.inbox.store_new([(raw["update_id"], 4501, raw)], clock())
        await uow.commit()
    await runtime.close()

    async with running_bot(e2e_database_url, standin, clock) as runner:
        await user.wait_for(contains="What I can do")
        await user.wait_idle(quiet=0.5)
        assert sum("What I can do" in m.content for m in user.messages) == 1
        async with runner.runtime.uow() as uow:
            assert await uow.inbox.unfinished() == []
