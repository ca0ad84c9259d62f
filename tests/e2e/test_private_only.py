"""Health data only ever goes to the person's own private chat: commands and taps in a group or
a channel reveal nothing and change nothing, and the person's reminders keep coming to them."""

from __future__ import annotations

import logging

import pytest

from bot import texts
from bot.app import BotRunner
from standin.server import FakeBotApi
from tests.e2e.test_reminders_buttons import DUE, UID, arm_reminder
from tests.fakes import FakeClock

pytestmark = pytest.mark.e2e

GROUP = -100_200_300
CHANNEL = -100_900_800


async def _user_row(bot: BotRunner) -> tuple[int, bool, str]:
    async with bot.runtime.uow() as uow:
        user = await uow.users.get(UID)
        assert user is not None
        return user.chat_id, user.active, user.first_name


async def _flow_version(bot: BotRunner) -> int | None:
    async with bot.runtime.uow() as uow:
        flow = await uow.flows.get(UID)
        return None if flow is None else flow.version


async def test_group_and_channel_reveal_nothing_and_reminders_stay_private(
    bot: BotRunner, standin: FakeBotApi, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    user = standin.user(UID, "Sam")
    await arm_reminder(bot, clock, standin)
    standin.group(GROUP, "Running club", kind="supergroup")
    standin.group(CHANNEL, "Club news", kind="channel")
    before = (await _user_row(bot), await _flow_version(bot))

    for command in ("/start", "/today", "/history", "/export", "/progress", "/delete"):
        await user.send_in(GROUP, command)
    await user.send_in(GROUP, "/start@some_other_bot")  # not ours: not answered at all
    forged = await user.tap_data_in(GROUP, "del:1:yes", message_id=1)
    menu = await user.tap_data_in(GROUP, "home:over", message_id=1)
    standin.push_group_message(None, CHANNEL, {"text": "/start"})
    standin.push_group_message(None, CHANNEL, {"text": "Race on Sunday"})
    answer = await user.wait_answered(menu)
    assert answer.text == texts.PRIVATE_ONLY_SHORT
    assert (await user.wait_answered(forged)).text == texts.PRIVATE_ONLY_SHORT
    await user.wait_idle(quiet=0.5)

    # In the group: one general answer per command, nothing about anyone, no buttons, no files.
    group_messages = standin.messages(GROUP)
    assert [m.content for m in group_messages] == [texts.PRIVATE_ONLY] * 6
    assert all(not m.buttons and m.document is None and m.photo is None for m in group_messages)
    # In the channel: the command gets the same general answer; the plain post, nothing.
    assert [m.content for m in standin.messages(CHANNEL)] == [texts.PRIVATE_ONLY]
    # Nothing was said in the person's own chat, and their record did not change.
    assert user.messages == []
    assert (await _user_row(bot), await _flow_version(bot)) == before
    assert before[0][0] == UID

    # Their reminder still comes to their private chat, and only there.
    clock.set(DUE)
    reminder = await user.wait_for(contains=texts.REMINDER_ON_TIME, timeout=5)
    assert reminder.chat_id == UID
    assert len(standin.messages(GROUP)) == 6
    # A channel post has no sender: it is skipped without a traceback.
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_record_pointing_at_a_group_cannot_be_made(bot: BotRunner) -> None:
    """The storage refuses a chat_id that is not the person's own private chat."""
    async with bot.runtime.uow() as uow:
        with pytest.raises(ValueError, match="not their private chat"):
            await uow.users.upsert(
                user_id=UID, chat_id=GROUP, first_name="Sam", language="en", now=bot.runtime.now()
            )
