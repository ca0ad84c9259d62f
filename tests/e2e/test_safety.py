"""Red-flag words mid-session: a confirmation first; "no" goes back to the same set, "yes"
stops the programme, the session and the reminders, with clear advice."""

from __future__ import annotations

import pytest

import rehab
from bot import texts
from bot.app import BotRunner
from service_layer.programme import load_state
from standin.server import FakeBotApi
from tests.e2e.test_session import UID, seed_user, set_logs, start_session

pytestmark = pytest.mark.e2e


async def test_snap_mid_session_confirmed_stops_the_programme(
    standin: FakeBotApi, bot: BotRunner
) -> None:
    await seed_user(bot.runtime)
    user = standin.user(UID)
    await start_session(user)
    await user.tap(text=texts.SESSION_GO)
    await user.wait_for(contains="Time's up")

    suspicion = rehab.scan_free_text("I think I heard a snap")
    assert suspicion is not None
    await user.send("I think I heard a snap")
    question = await user.wait_for(contains=suspicion.question)
    assert [label for label, _ in question.buttons] == [texts.REDFLAG_YES, texts.REDFLAG_NO]

    # "No": back exactly where the user was, the pain question of set 1.
    await user.tap(text=texts.REDFLAG_NO)
    await user.wait_for(contains=texts.REDFLAG_CLEARED)
    again = await user.wait_for(contains="Pain during that set?")
    assert [label for label, _ in again.buttons][:11] == [str(v) for v in range(11)]
    await user.tap(text="2")
    await user.wait_for(contains="2/10")
    assert await set_logs(bot.runtime) == [(0, 1, 2)]

    # Mid-set 2, the word again; this time it is confirmed.
    await user.tap(text=texts.SESSION_SKIP_REST)
    await user.wait_for(contains="Set 2 of")
    await user.send("snap")
    await user.wait_for(contains=suspicion.question)
    await user.tap(text=texts.REDFLAG_YES)
    stopped = await user.wait_for(contains="stopped your programme")
    flag = next(f for f in rehab.RED_FLAG_CHECKLIST if f.code == suspicion.code)
    assert flag.advice in stopped.content

    async with bot.runtime.uow() as uow:
        state = await load_state(uow, UID)
        answers = [(a.code, a.answer, a.source) for a in await uow.red_flags.all_for(UID)]
        decisions = [d.kind for d in await uow.decisions.all_for(UID)]
        sessions = [s.status for s in await uow.sessions.all_for(UID)]
        flow = await uow.flows.get(UID)
    assert state is not None
    assert state.status == rehab.ProgrammeStatus.STOPPED
    assert answers == [
        (suspicion.code, False, "free_text"),
        (suspicion.code, True, "free_text"),
    ]
    assert decisions[-1] == "stop"
    assert sessions == ["stopped"]
    assert flow is None
    assert await set_logs(bot.runtime) == [(0, 1, 2)]

    await user.send("/today")
    reply = await user.wait_for(contains="stopped")
    assert reply.content == texts.PROGRAMME_STOPPED


async def test_ordinary_text_mid_session_is_not_a_red_flag(
    standin: FakeBotApi, bot: BotRunner
) -> None:
    await seed_user(bot.runtime)
    user = standin.user(UID)
    await start_session(user)
    await user.send("feeling good today")
    await user.wait_for(contains=texts.SESSION_USE_BUTTONS)
    async with bot.runtime.uow() as uow:
        assert list(await uow.red_flags.all_for(UID)) == []
