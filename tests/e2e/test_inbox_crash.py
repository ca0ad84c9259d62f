"""The inbox: kill -9 with 100 updates queued and the bot half way through them; after a
restart every update has had its effect exactly once (none lost, none applied twice)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import func, select

import rehab
from service_layer.runtime import Runtime
from standin.process import BotProcess
from standin.server import FakeBotApi
from storage.models import Flow, InboxUpdate, User
from tests.conftest import make_settings
from tests.e2e.conftest import running_bot
from tests.fakes import FakeClock

pytestmark = pytest.mark.e2e

PEOPLE = range(9001, 9101)  # 100 people, one /start each
WELCOME = "can't diagnose"


def _welcomes(standin: FakeBotApi, user_id: int) -> int:
    return sum(WELCOME in m.content for m in standin.history(user_id))


async def _state(url: str) -> tuple[int, list[tuple[int, str, int]], set[int]]:
    """(users, [(user, flow, version)], senders of unfinished inbox rows) in the database."""
    runtime = Runtime.create(make_settings(url))
    try:
        async with runtime.uow() as uow:
            users = int(await uow.session.scalar(select(func.count()).select_from(User)) or 0)
            flows = [
                (f.user_id, f.name, f.version)
                for f in await uow.session.scalars(select(Flow).order_by(Flow.user_id))
            ]
            open_rows = await uow.session.scalars(
                select(InboxUpdate.user_id).where(InboxUpdate.done_at.is_(None))
            )
            return users, flows, {int(uid) for uid in open_rows if uid is not None}
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
    answered = {uid for uid in PEOPLE if _welcomes(standin, uid) > 0}
    assert len(answered) < len(PEOPLE), "the whole batch was done before the kill"
    # Every update was stored before it was confirmed: Telegram has none left to give.
    assert standin.pending_updates == []
    _, _, unfinished = await _state(e2e_database_url)
    assert unfinished >= set(PEOPLE) - answered  # nobody unanswered is forgotten
    # Updates run in parallel for different people: those answered in the instant before the
    # kill, whose "done" was not stored yet, are the only ones that may be answered again.
    in_flight = unfinished & answered

    await process.start()

    def all_answered() -> bool | None:
        return all(_welcomes(standin, uid) > 0 for uid in PEOPLE) or None

    await standin.wait_until(all_answered, timeout=60, what="an answer for everyone")
    await drivers[0].wait_idle(quiet=0.5)
    await process.stop()

    users, flows, unfinished = await _state(e2e_database_url)
    assert users == len(PEOPLE)  # 0 lost
    assert flows == [(uid, "onboarding", 1) for uid in PEOPLE]  # each begun once, never again
    assert unfinished == set()
    # A reply is repeated only for a /start whose reply went out but whose "done" did not get
    # stored before the kill (its database change is never made twice: flows above).
    repeated = {uid for uid in PEOPLE if _welcomes(standin, uid) > 1}
    assert repeated <= in_flight, repeated - in_flight
    assert all(_welcomes(standin, uid) <= 2 for uid in PEOPLE)
    assert "Traceback" not in process.stderr, process.stderr


STEPPERS = range(9201, 9217)  # 16 people, six updates each: taps and a typed answer
STARTERS = range(9301, 9305)  # 4 people, one /start each: 100 updates in all
# (data or text, what the flow's version is after it): each tap names the step it answers.
STEPS = (
    ("/start", 1),
    ("f:1:go", 2),
    ("f:2:none", 3),
    ("f:3:left", 4),
    ("f:4:mid", 5),
    ("3/10", 6),  # typed: taken again after a crash, it would answer the next question too
)


async def _onboarding(url: str, user_id: int) -> tuple[str, int, dict[str, object]] | None:
    runtime = Runtime.create(make_settings(url))
    try:
        async with runtime.uow() as uow:
            flow = await uow.flows.get(user_id)
            flags = len(await uow.red_flags.all_for(user_id))
            if flow is None:
                return None
            return flow.step, flow.version, {**flow.data.get("a", {}), "flags": flags}
    finally:
        await runtime.close()


async def test_kill_9_mid_batch_of_taps_and_typed_answers_applies_each_once(
    standin: FakeBotApi, e2e_database_url: str, tmp_path: Path
) -> None:
    """Six steps each for 16 people (taps and a typed score, all queued before the bot
    starts), four /starts: killed half way, restarted: everyone ends exactly six steps on."""
    steppers = [standin.user(uid, first_name=f"S{uid}") for uid in STEPPERS]
    starters = [standin.user(uid, first_name=f"T{uid}") for uid in STARTERS]
    for text_or_data, _ in STEPS:
        for driver in steppers:
            if text_or_data.startswith("f:"):
                await driver.tap_data(text_or_data, message_id=1)
            else:
                await driver.send(text_or_data)
    for driver in starters:
        await driver.send("/start")
    assert len(standin.pending_updates) == 100
    process = BotProcess(standin, e2e_database_url, log_dir=tmp_path)
    await process.start()

    def replies() -> int:
        return sum(len(standin.history(uid)) for uid in (*STEPPERS, *STARTERS))

    await standin.wait_until(lambda: replies() >= 40 or None, timeout=30, what="40 replies")
    process.kill9()
    assert await process.wait() < 0
    before = [await _onboarding(e2e_database_url, uid) for uid in STEPPERS]
    assert any(b is None or b[1] < len(STEPS) for b in before), "all done before the kill"

    await process.start()

    async def all_done() -> bool:
        states = [await _onboarding(e2e_database_url, uid) for uid in STEPPERS]
        return all(s is not None and s[1] >= len(STEPS) for s in states)

    loop = asyncio.get_running_loop()
    deadline = loop.time() + 60
    while not await all_done():
        assert loop.time() < deadline, "not every step was applied after the restart"
        await asyncio.sleep(0.2)
    await steppers[0].wait_idle(quiet=0.5)
    await process.stop()

    steps = set()
    for uid in STEPPERS:
        state = await _onboarding(e2e_database_url, uid)
        assert state is not None
        step, version, answers = state
        steps.add(step)
        assert version == len(STEPS), (uid, state)  # 0 lost, 0 applied twice
        assert answers["flags"] == len(rehab.RED_FLAG_CHECKLIST), (uid, state)
        assert (answers["side"], answers["rest_pain"]) == ("left", 3), (uid, state)
    assert len(steps) == 1  # everyone at the same question: the one after the typed score
    for uid in STARTERS:
        assert await _onboarding(e2e_database_url, uid) == ("welcome", 1, {"flags": 0})
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
