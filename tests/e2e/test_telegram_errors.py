"""Telegram's real errors, served by the stand-in the way Telegram serves them, and what the
person sees: a late tap still does its work, an edit that can't be made is sent anew, a
flood-limited edit waits, an unreachable person is left alone, and every apology is true."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bot import texts
from bot.app import BotRunner
from standin.driver import UserDriver
from standin.server import FakeBotApi
from tests.e2e.test_onboarding import send_and_wait, tap_and_wait
from tests.e2e.test_reminders_buttons import DUE, UID, arm_reminder, onboard
from tests.fakes import FakeClock

pytestmark = pytest.mark.e2e

LATE_S = 16 * 60  # past the ~15 minutes in which Telegram takes an answer to a tap


async def _flow(bot: BotRunner, user_id: int) -> tuple[str, str, int] | None:
    async with bot.runtime.uow() as uow:
        flow = await uow.flows.get(user_id)
        return None if flow is None else (flow.name, flow.step, flow.version)


async def _weekly_summary(bot: BotRunner, user_id: int) -> bool:
    async with bot.runtime.uow() as uow:
        profile = await uow.profiles.get(user_id)
        assert profile is not None
        return bool(profile.weekly_summary)


def _apologies(user: UserDriver) -> list[str]:
    return [
        m.content for m in user.history if m.content in (texts.ERROR_SAVED, texts.ERROR_NOT_SAVED)
    ]


async def test_a_tap_answered_too_late_still_moves_the_step_on(
    standin: FakeBotApi, bot: BotRunner
) -> None:
    dan = standin.user(4301, first_name="Dan")
    await send_and_wait(dan, "/start", "can't diagnose")
    query = await dan.tap(text=texts.OB_BEGIN)
    standin.advance(LATE_S)  # the bot gets to the tap after Telegram stopped waiting for it
    await dan.wait_for(contains="safety check")
    assert await _flow(bot, 4301) == ("onboarding", "flags", 2)
    late = [r for r in standin.calls("answerCallbackQuery") if r.error_code == 400]
    assert [r.params["callback_query_id"] for r in late] == [query]
    assert _apologies(dan) == []


async def test_a_late_snooze_still_says_when_it_will_remind(
    standin: FakeBotApi, bot: BotRunner, clock: FakeClock
) -> None:
    user = standin.user(UID, "Sam")
    await arm_reminder(bot, clock, standin)
    clock.set(DUE)
    reminder = await user.wait_for(contains=texts.REMINDER_ON_TIME, timeout=5)
    await user.tap(text=texts.REMINDER_SNOOZE, message=reminder)
    standin.advance(LATE_S)
    await user.wait_for(contains="remind you once more in 30 minutes")
    assert bot.scheduler is not None
    assert "s1:snooze" in await bot.scheduler.rows_of(UID)
    assert _apologies(user) == []


async def _settings_menu(
    bot: BotRunner, standin: FakeBotApi, clock: FakeClock
) -> tuple[UserDriver, int]:
    await onboard(bot, clock, standin)
    user = standin.user(UID, "Sam")
    assert await _weekly_summary(bot, UID) is False
    menu = await send_and_wait(user, "/settings", "Your settings")
    assert "Weekly summary: off" in menu.content
    return user, menu.message_id


async def test_a_deleted_settings_menu_comes_back_as_a_new_message(
    standin: FakeBotApi, bot: BotRunner, clock: FakeClock
) -> None:
    user, menu = await _settings_menu(bot, standin, clock)
    toggle = next(
        d for label, d in standin.message(UID, menu).buttons if label == texts.SETTINGS_SUMMARY_OFF
    )
    assert toggle is not None
    standin.delete_by_user(UID, menu)
    await user.tap_data(toggle, menu)
    fresh = await user.wait_for(contains="Weekly summary: on")
    assert not fresh.edited
    assert fresh.message_id != menu
    assert texts.SETTINGS_SUMMARY_ON in [label for label, _ in fresh.buttons]
    await user.wait_for(contains="now on")
    assert await _weekly_summary(bot, UID) is True
    assert _apologies(user) == []
    # The new menu's buttons work.
    await tap_and_wait(user, texts.SETTINGS_CLOSE, texts.SETTINGS_CLOSED)


async def test_a_menu_older_than_48_hours_is_sent_anew(
    standin: FakeBotApi, bot: BotRunner, clock: FakeClock
) -> None:
    user, menu = await _settings_menu(bot, standin, clock)
    standin.advance(49 * 3600)
    await user.tap(text=texts.SETTINGS_SUMMARY_OFF)
    fresh = await user.wait_for(contains="Weekly summary: on")
    assert not fresh.edited
    assert fresh.message_id != menu
    await user.wait_for(contains="now on")
    assert await _weekly_summary(bot, UID) is True
    assert "Weekly summary: off" in standin.message(UID, menu).content  # not edited
    assert _apologies(user) == []


async def test_an_edit_telegram_calls_not_modified_is_no_error(
    standin: FakeBotApi, bot: BotRunner, clock: FakeClock
) -> None:
    user, _ = await _settings_menu(bot, standin, clock)
    standin.fail_next("editMessageText", "not_modified")
    await user.tap(text=texts.SETTINGS_SUMMARY_OFF)
    await user.wait_for(contains="now on")
    assert await _weekly_summary(bot, UID) is True
    await user.wait_idle()
    assert _apologies(user) == []


async def test_a_flood_limited_edit_waits_and_goes_through(
    standin: FakeBotApi, bot: BotRunner, clock: FakeClock
) -> None:
    user, menu = await _settings_menu(bot, standin, clock)
    standin.fail_next("editMessageText", "429", retry_after=1)
    await user.tap(text=texts.SETTINGS_SUMMARY_OFF)
    edited = await user.wait_for(lambda m: m.edited, timeout=10)
    assert edited.message_id == menu
    assert "Weekly summary: on" in edited.content
    await user.wait_for(contains="now on")
    assert [r.error_code for r in standin.calls("editMessageText")] == [429, None]
    assert _apologies(user) == []


@pytest.mark.parametrize("how", ["blocked", "account deleted"])
async def test_a_person_who_cannot_be_reached_is_left_alone(
    standin: FakeBotApi, bot: BotRunner, clock: FakeClock, how: str
) -> None:
    user = standin.user(UID, "Sam")
    await arm_reminder(bot, clock, standin)
    since = len(standin.requests)
    await user.send("/today")
    if how == "blocked":
        standin.block_user(UID)  # 403 bot was blocked by the user
    else:
        standin.delete_account(UID)  # 400 chat not found
    code = 403 if how == "blocked" else 400

    async def inactive() -> bool:
        async with bot.runtime.uow() as uow:
            row = await uow.users.get(UID)
            return row is not None and not row.active

    loop = asyncio.get_running_loop()
    deadline = loop.time() + 10
    while not await inactive():
        assert loop.time() < deadline, "the person was not marked unreachable"
        await asyncio.sleep(0.05)
    await user.wait_idle()
    sends = [r for r in standin.requests[since:] if r.method == "sendMessage"]
    assert [r.error_code for r in sends] == [code]  # no apology sent into the void
    assert bot.scheduler is not None
    assert await bot.scheduler.rows_of(UID) == {}  # no reminders until they come back


async def test_when_the_next_question_is_lost_a_second_tap_brings_it(
    standin: FakeBotApi, bot: BotRunner
) -> None:
    """The answer is saved but neither the next question nor the apology arrives: tapping
    the same button again shows the question (it used to answer only "Already noted")."""
    eve = standin.user(4302, first_name="Eve")
    welcome = await send_and_wait(eve, "/start", "can't diagnose")
    standin.fail_next("sendMessage", "500", count=2)
    first = await eve.tap(text=texts.OB_BEGIN, message=welcome)
    await eve.wait_answered(first)
    await eve.wait_idle()
    assert await _flow(bot, 4302) == ("onboarding", "flags", 2)
    assert not [m for m in eve.history if "safety check" in m.content]
    again = await eve.tap(text=texts.OB_BEGIN, message=welcome)
    assert (await eve.wait_answered(again)).text == texts.ALREADY_NOTED
    question = await eve.wait_for(contains="safety check")
    assert question.buttons
    assert await _flow(bot, 4302) == ("onboarding", "flags", 2)  # nothing stored twice


async def test_the_apology_says_saved_when_the_answer_was_saved(
    standin: FakeBotApi, bot: BotRunner
) -> None:
    eve = standin.user(4303, first_name="Eve")
    await send_and_wait(eve, "/start", "can't diagnose")
    standin.fail_next("sendMessage", "500", count=1)  # the next question only
    await eve.tap(text=texts.OB_BEGIN)
    await eve.wait_for(contains=texts.ERROR_SAVED)
    await eve.wait_for(contains="safety check")  # and where they are now
    assert await _flow(bot, 4303) == ("onboarding", "flags", 2)


async def test_the_apology_says_not_saved_when_the_change_was_rolled_back(
    standin: FakeBotApi, bot: BotRunner
) -> None:
    """The database refuses the step's write (here a trigger stands in for a lock held past
    the busy timeout): the answer is rolled back and the person is told so (it used to say
    "What you confirmed is saved")."""
    eve = standin.user(4304, first_name="Eve")
    welcome = await send_and_wait(eve, "/start", "can't diagnose")
    database = make_url(bot.runtime.settings.database_url).database
    assert database is not None
    db = sqlite3.connect(Path(database), isolation_level=None)
    try:
        db.execute(
            "CREATE TRIGGER refuse BEFORE UPDATE ON flows WHEN NEW.user_id = 4304 "
            "BEGIN SELECT RAISE(ABORT, 'database is locked'); END"
        )
        await eve.tap(text=texts.OB_BEGIN, message=welcome)
        await eve.wait_for(contains=texts.ERROR_NOT_SAVED)
        assert await _flow(bot, 4304) == ("onboarding", "welcome", 1)
        assert texts.ERROR_SAVED not in [m.content for m in eve.history]
    finally:
        db.execute("DROP TRIGGER IF EXISTS refuse")
        db.close()
    # As it says: tapping again works.
    await eve.tap(text=texts.OB_BEGIN, message=welcome)
    await eve.wait_for(contains="safety check")
    assert await _flow(bot, 4304) == ("onboarding", "flags", 2)


@pytest.mark.parametrize(("error", "reachable"), [("500", True), ("502", True), ("403", False)])
async def test_a_server_error_on_a_reminder_is_not_taken_for_a_block(
    standin: FakeBotApi, bot: BotRunner, clock: FakeClock, error: str, reachable: bool
) -> None:
    """Telegram's own trouble (5xx) fails one reminder and nothing more: the person stays
    active and keeps their reminders; only a 403 means they blocked the bot."""
    standin.user(UID, "Sam")
    await arm_reminder(bot, clock, standin)
    standin.fail_next("sendMessage", error, chat_id=UID)
    clock.set(DUE)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 10
    while not [r for r in standin.calls("sendMessage") if r.error_code]:
        assert loop.time() < deadline, "the reminder was not sent"
        await asyncio.sleep(0.05)
    await standin.wait_idle()
    async with bot.runtime.uow() as uow:
        row = await uow.users.get(UID)
        assert row is not None
        assert row.active is reachable
    assert bot.scheduler is not None
    assert bool(await bot.scheduler.rows_of(UID)) is reachable
