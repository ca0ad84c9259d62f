"""The morning check-in answer: stored once, the decision stored and told with its reason."""

from __future__ import annotations

import pytest

from bot import texts
from bot.app import BotRunner
from bot.callbacks import pack
from bot.keyboards import pain_keyboard
from tests.e2e.test_session import UID, local_today, seed_user
from tests.fakes import FakeClock
from tests.standin.server import FakeBotApi

pytestmark = pytest.mark.e2e


async def ask(bot: BotRunner, day: str) -> None:
    """Send the morning question exactly as the scheduler does (its buttons: mc:<day>:<pain>)."""
    await bot.application.bot.send_message(
        UID,
        texts.CHECKIN_QUESTION,
        reply_markup=pain_keyboard(lambda v: pack("mc", day, v)),
    )


async def test_the_answer_is_stored_once_and_the_decision_told(
    standin: FakeBotApi, bot: BotRunner, clock: FakeClock
) -> None:
    await seed_user(bot.runtime)
    user = standin.user(UID)
    day = local_today(clock()).strftime("%Y%m%d")
    await ask(bot, day)
    question = await user.wait_for(contains="first steps")

    await user.tap(text="2", message=question)
    told = await user.wait_for(contains="Morning pain 2/10 noted")
    async with bot.runtime.uow() as uow:
        checkins = [(c.local_date, c.pain) for c in await uow.checkins.all_for(UID)]
        decisions = list(await uow.decisions.all_for(UID))
    assert checkins == [(local_today(clock()), 2)]
    assert len(decisions) == 1
    assert decisions[0].reason in told.content

    # A double tap and a later different tap change nothing.
    await user.tap(text="2", message=question)
    await user.tap(text="6", message=question)
    await user.wait_for(contains="You already told me 2/10")
    await user.wait_idle()
    async with bot.runtime.uow() as uow:
        assert [c.pain for c in await uow.checkins.all_for(UID)] == [2]
        assert len(list(await uow.decisions.all_for(UID))) == 1
    assert texts.ALREADY_NOTED in [a.text for a in user.callback_answers]


async def test_a_user_who_has_not_onboarded_is_pointed_to_start(
    standin: FakeBotApi, bot: BotRunner, clock: FakeClock
) -> None:
    user = standin.user(UID)
    await user.send("/help")
    await user.wait_for(contains="/today")
    await ask(bot, local_today(clock()).strftime("%Y%m%d"))
    await user.wait_for(contains="first steps")
    await user.tap(text="3")
    reply = await user.wait_for(contains="/start")
    assert reply.content == texts.NOT_ONBOARDED


async def test_forged_checkin_data_gets_the_expiry_reply(
    standin: FakeBotApi, bot: BotRunner, clock: FakeClock
) -> None:
    await seed_user(bot.runtime)
    user = standin.user(UID)
    await ask(bot, local_today(clock()).strftime("%Y%m%d"))
    question = await user.wait_for(contains="first steps")
    await user.tap_data("mc:2026-13-45:3", question.message_id)
    await user.wait_for(contains=texts.BUTTON_EXPIRED)
    async with bot.runtime.uow() as uow:
        assert list(await uow.checkins.all_for(UID)) == []
