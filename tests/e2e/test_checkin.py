"""The morning check-in answer: stored once, the decision stored and told with its reason."""

from __future__ import annotations

from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot import texts, views
from bot.app import BotRunner
from bot.notifier import TelegramNotifier
from scheduler.delivery import Outcome
from scheduler.service import fire
from service_layer.planner import SLOT_CHECKIN, Kind
from standin.server import FakeBotApi
from tests.e2e.test_session import (
    UID,
    ZONE,
    ask_checkin,
    do_set,
    local_today,
    seed_user,
    start_session,
)
from tests.fakes import FakeClock

pytestmark = pytest.mark.e2e


async def ask(bot: BotRunner, day: str) -> None:
    """The morning question for `day`, sent and recorded as the scheduler does."""
    await ask_checkin(bot, day)


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
    assert views.reason_words(decisions[0]) in told.content  # what the person read

    # The buttons gave way to the answer; a tap on it gets a short reply.
    closed = await user.wait_closed(question.message_id)
    assert [label for label, _ in closed] == ["✓ 2"]
    await user.tap(text="✓ 2", message=question)
    await user.wait_for(contains=texts.ALREADY_ANSWERED)
    # Taps an old phone still shows buttons for: a double tap and a different answer change
    # nothing.
    buttons = dict(question.buttons)
    await user.tap_data(buttons["2"] or "", question.message_id)
    await user.wait_for(contains=texts.ALREADY_ANSWERED)
    await user.tap_data(buttons["6"] or "", question.message_id)
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
    # Nothing else is waiting: one message says so (not "here is where you are" + "nothing").
    await user.wait_for(contains=texts.BUTTON_EXPIRED_NOTHING_PENDING)
    await user.wait_idle()
    assert user.last_message.content == texts.BUTTON_EXPIRED_NOTHING_PENDING
    assert not [m for m in user.messages if texts.NOTHING_PENDING in m.content]
    async with bot.runtime.uow() as uow:
        assert list(await uow.checkins.all_for(UID)) == []


async def test_an_answer_for_a_morning_never_asked_about_is_refused(
    standin: FakeBotApi, bot: BotRunner, clock: FakeClock
) -> None:
    """A button for yesterday (never asked) next to today's real question stores nothing:
    one check-in and one decision, for the morning that was asked about."""
    await seed_user(bot.runtime)
    user = standin.user(UID)
    today = local_today(clock())
    await ask(bot, today.strftime("%Y%m%d"))
    question = await user.wait_for(contains="first steps")
    yesterday = (today - timedelta(days=1)).strftime("%Y%m%d")
    await user.tap_data(f"mc:{yesterday}:3", question.message_id)
    await user.wait_for(contains="That button has expired")
    await user.tap(text="2", message=question)
    await user.wait_for(contains="Morning pain 2/10 noted")
    async with bot.runtime.uow() as uow:
        assert [(c.local_date, c.pain) for c in await uow.checkins.all_for(UID)] == [(today, 2)]
        assert len(list(await uow.decisions.all_for(UID))) == 1


async def test_a_typed_score_answers_the_morning_question(
    standin: FakeBotApi, bot: BotRunner, clock: FakeClock
) -> None:
    """The scheduler asks; the user types "3/10" instead of tapping: stored and decided."""
    await seed_user(bot.runtime)
    user = standin.user(UID)
    # Before any question, a lone number is not taken as a morning score.
    await user.send("3")
    assert (await user.wait_for()).content == texts.UNEXPECTED_TEXT

    await start_session(user)  # a session yesterday: the morning question is due
    await do_set(user, 1)
    await user.wait_for(contains=texts.SESSION_REST_OVER)
    await user.tap(text=texts.SESSION_ABANDON)
    await user.wait_for(contains="Session ended")
    clock.advance(days=1)
    local = clock().astimezone(ZoneInfo(ZONE))
    due = local.replace(hour=7, minute=30).astimezone(UTC)
    clock.set(due)
    notifier = TelegramNotifier(bot.application.bot)
    assert await fire(bot.runtime, notifier, UID, Kind.CHECKIN, SLOT_CHECKIN, due) == Outcome.SENT
    await user.wait_for(contains="first steps")

    await user.send("3/10")
    told = await user.wait_for(contains="Morning pain 3/10 noted")
    async with bot.runtime.uow() as uow:
        checkins = [(c.local_date, c.pain) for c in await uow.checkins.all_for(UID)]
        decisions = list(await uow.decisions.all_for(UID))
    assert checkins == [(local.date(), 3)]
    assert views.reason_words(decisions[-1]) in told.content  # what the person read

    # A second typed number is not a second answer.
    await user.send("5")
    await user.wait_for(contains=texts.UNEXPECTED_TEXT)
    async with bot.runtime.uow() as uow:
        assert [c.pain for c in await uow.checkins.all_for(UID)] == [3]


async def test_a_session_left_open_overnight_does_not_take_the_morning_answer(
    standin: FakeBotApi, bot: BotRunner, clock: FakeClock
) -> None:
    """Yesterday's session waits at "pain during that set?"; next morning "2" answers the
    morning question, not yesterday's set, and yesterday's session is closed as abandoned."""
    await seed_user(bot.runtime)
    user = standin.user(UID)
    await start_session(user)
    await do_set(user, 2)
    await user.tap(text=texts.SESSION_SKIP_REST)
    await user.wait_for(contains="Set 2 of")
    await user.tap(text=texts.SESSION_GO)
    await user.wait_for(contains="Time's up")  # set 2 now waits for its pain score

    clock.advance(days=1)
    due = clock().astimezone(ZoneInfo(ZONE)).replace(hour=7, minute=30).astimezone(UTC)
    clock.set(due)
    notifier = TelegramNotifier(bot.application.bot)
    assert await fire(bot.runtime, notifier, UID, Kind.CHECKIN, SLOT_CHECKIN, due) == Outcome.SENT
    await user.wait_for(contains="first steps")
    await user.send("2")
    await user.wait_for(contains="Morning pain 2/10 noted")
    async with bot.runtime.uow() as uow:
        (session,) = list(await uow.sessions.all_for(UID))
        sets = list(await uow.sessions.sets_of(session.id))
        checkins = [(c.local_date, c.pain) for c in await uow.checkins.all_for(UID)]
    assert session.status == "abandoned"
    assert [(s.set_no, s.pain_during) for s in sets] == [(1, 2)]
    assert checkins == [(local_today(clock()), 2)]
