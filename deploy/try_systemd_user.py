"""One person against the bot that systemd runs (deploy/try-systemd.sh starts this inside the
throwaway container, before the bot): the Bot API stand-in on a fixed port, onboarding by taps and
typing once a bot polls, a first session a few minutes away, and that reminder. Prints one line
a step, "WALK USER DONE" once the reminder arrived, and serves the bot until SIGTERM.

With the project's venv (it imports bot.texts and standin, which `make .venv/.installed` installs):
    .venv/bin/python deploy/try_systemd_user.py 8081
"""

from __future__ import annotations

import asyncio
import signal
import sys
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot import texts
from standin.driver import UserDriver
from standin.models import SentMessage
from standin.server import FakeBotApi

UID = 4242
ZONE = ZoneInfo("Europe/Berlin")
STEP_TIMEOUT = 30.0


def say(*parts: object) -> None:
    print(datetime.now(UTC).strftime("%H:%M:%S"), *parts, flush=True)


async def tap(user: UserDriver, label: str, contains: str) -> SentMessage:
    await user.tap(text=label)
    return await said(user, f"tap {label!r}", contains)


async def send(user: UserDriver, text: str, contains: str) -> SentMessage:
    await user.send(text)
    return await said(user, f"send {text!r}", contains)


async def said(user: UserDriver, action: str, contains: str) -> SentMessage:
    message = await user.wait_for(contains=contains, timeout=STEP_TIMEOUT)
    say(f"{action} -> {message.content.splitlines()[0][:70]!r}")
    return message


async def onboard(user: UserDriver) -> datetime:
    """/start to "You're all set"; the first daily session 2-3 minutes from now (its instant)."""
    await send(user, "/start", "can't diagnose")
    await tap(user, texts.OB_BEGIN, "safety check")
    await tap(user, texts.OB_FLAGS_NONE, "Which Achilles")
    await tap(user, "Left", "Where exactly")
    await tap(user, "Mid-portion", "at rest")
    await send(user, "3/10", "first steps")
    await tap(user, "2", "stiff")
    await tap(user, "Under 10 min", "heel raises")
    await tap(user, "10–24", "weigh")
    await send(user, "72 kg", "stair")
    await tap(user, "Yes", "weights")
    await send(user, "12.5", "gym")
    await tap(user, "No", "Which time zone")
    await send(user, "berlin", "where you are")
    await tap(user, "Yes, that's right", "first session")
    due = (datetime.now(ZONE) + timedelta(seconds=150)).replace(second=0, microsecond=0)
    await send(user, due.strftime("%H:%M"), "second session")
    await tap(user, texts.OB_TIME2_ONCE, "three times a week")
    await tap(user, "Mon · Wed · Fri", "what time on those days")
    await tap(user, "18:00", "When should I ask")
    await send(user, (due - timedelta(hours=1)).strftime("%H:%M"), "You're all set")
    await tap(user, texts.OB_WAIT, "remind you")
    return due


async def main(port: int) -> None:
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    async with FakeBotApi(port=port) as api:
        say(f"stand-in serves {api.base_url}")
        # The stand-in keeps a list of requests, no event: look at it now and then.
        while not any(r.method.lower() == "getupdates" for r in api.requests):  # noqa: ASYNC110
            await asyncio.sleep(0.2)
        say("a bot polls")
        user = api.user(UID, "Walk")
        due = await onboard(user)
        say(f"waiting for the reminder due {due:%H:%M} Berlin ({due.astimezone(UTC):%H:%M} UTC)")
        wait = (due - datetime.now(ZONE)).total_seconds() + 60
        reminder = await user.wait_for(contains=texts.REMINDER_ON_TIME, timeout=wait)
        say("reminder:", reminder.content.splitlines()[0], [label for label, _ in reminder.buttons])
        say("WALK USER DONE")
        await stop.wait()
        say(f"stand-in stops after {len(api.requests)} Bot API requests")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 8081))
