"""Twelve weeks with the bot, through the Bot API stand-in, to read every message it sends.

The real bot (`demo.server.Demo`: the stand-in, the bot polling it on a clock that jumps from
one due reminder to the next, its own SQLite file) and one person who answers the way a steady
responder would: onboarding typed in their own words, every reminder taken, every set done,
pain 2 during and after, mornings at 2, the tests when they are due. What the bot says is
collected in order (messages as they finally stand, and the toasts of taps) so that it can be
read aloud, and checked: each message fits a phone screen, none repeats back to back.

    python -m tests.e2e.twelve_weeks /tmp/12weeks.txt [weeks] [once]
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot import texts
from demo.clock import ClockBar
from demo.server import Demo
from standin.driver import UserDriver
from standin.models import SentMessage

PERSON = 1001  # Ana, in Berlin
ZONE = ZoneInfo("Europe/Berlin")
START = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)  # a Monday, 08:00 in Berlin (DST on 29 Mar)
ANSWER_TIMEOUT_S = 30.0
SLOW_STEP_S = 5.0
# One phone screen: about 60 characters to a line and 25 lines.
PHONE_CHARS = 1100
PHONE_LINES = 25

# The answers the person gives, by the button's label, first match wins: take every session,
# go, skip the rests, "just right", low pain, "better", run, and skip what is optional.
PREFERRED = (
    texts.REMINDER_START,
    texts.SESSION_CONTINUE_BUTTON,
    texts.SESSION_GO,
    texts.SESSION_SKIP_REST,
    texts.SESSION_EFFORTS[1][1],
    texts.SESSION_EFFORTS_HOLD[1][1],
    texts.RUN_CHOICES[0][1],
    "Better",
    "A few minutes",
    texts.TEST_SKIP,
)
PAIN = "2"


@dataclass(frozen=True)
class Said:
    """One thing the bot said: a message as it finally stands, or a tap's toast."""

    at: datetime
    kind: str  # "message", "photo", "document" or "toast"
    text: str
    buttons: tuple[str, ...] = ()

    def line(self) -> str:
        local = self.at.astimezone(ZONE).strftime("%a %d %b %H:%M")
        keys = f"\n   [{' | '.join(self.buttons)}]" if self.buttons else ""
        return f"--- {local} · {self.kind}\n{self.text}{keys}"


class Person:
    """Answers whatever the bot asks, the way a steady responder would."""

    def __init__(self, demo: Demo, user: UserDriver, *, once_a_day: bool = False) -> None:
        self.demo = demo
        self.user = user
        self.once_a_day = once_a_day
        self.seen_at: dict[int, datetime] = {}
        self.handled: set[tuple[int, str]] = set()
        self.last_tapped = 0  # the newest message the person answered

    def stamp(self) -> None:
        """Note when each message the bot has sent so far was first seen (on the bot's clock)."""
        for message in self.user.messages:
            self.seen_at.setdefault(message.message_id, self.demo.clock())

    async def say(self, text: str, contains: str | None = None) -> SentMessage:
        await self.user.send(text)
        reply = await self.user.wait_for(contains=contains, timeout=ANSWER_TIMEOUT_S)
        self.stamp()
        return reply

    async def tap(self, label: str, contains: str | None = None) -> SentMessage:
        await self.user.tap(text=label)
        reply = await self.user.wait_for(contains=contains, timeout=ANSWER_TIMEOUT_S)
        self.stamp()
        return reply

    async def onboard(self) -> None:
        """Setup in the person's own words (the quoted answers of issue 14)."""
        await self.say("/start", "can't diagnose")
        await self.say("start", "safety check")
        await self.say("none of them", "Which Achilles")
        await self.say("right one", "Where exactly")
        await self.tap("Mid-portion", "at rest")
        await self.say("about 2/10", "first steps")
        await self.say("hmm maybe 4?", "Did you mean")
        await self.tap("Yes, 4/10", "stiff")
        await self.tap("10–30 min", "heel raises")
        await self.tap("1–9", "weigh")
        await self.say("about 78kg", "stair")
        await self.say("yes", "weights")
        await self.say("a backpack with about 10 kg", "Did you mean")
        await self.tap("Yes, 10 kg", "gym")
        await self.say("nope", "Which time zone")
        await self.say("berlin", "where you are")
        await self.tap("Yes, that's right", "first session")
        await self.say("half past seven", "Did you mean")
        await self.tap("Yes, 07:30 (Berlin time)", "second session")
        if self.once_a_day:
            await self.tap(texts.OB_TIME2_ONCE, "three times a week")
        else:
            await self.say("half past six pm", "Did you mean")
            await self.tap("Yes, 18:30 (Berlin time)", "three times a week")
        await self.tap("Mon · Wed · Fri", "what time on those days")
        await self.say("18:30", "When should I ask")
        await self.say("7", "Did you mean")
        await self.tap("Yes, 07:00 (Berlin time)", "You're all set")
        await self.tap(texts.OB_WAIT, "remind you")

    async def respond(self) -> None:
        """Answer until nothing more is asked."""
        settled, patience = False, 3
        for _ in range(400):
            await self.user.wait_idle(quiet=0.15, timeout=ANSWER_TIMEOUT_S)
            self.stamp()
            last = self.user.last_message
            if self._asks_to_type(last):
                await self._type_answer(last)
                continue
            if last.content and ("send /test" in last.content) and self._fresh(last, "test"):
                await self.user.send("/test")
                continue
            if texts.SESSION_DONE in self._labels(last) and self._fresh(last, "done"):
                if "Tap Done" not in last.content:
                    # A hold, a timed set or a run: the bot says when time's up.
                    with contextlib.suppress(AssertionError):
                        await self.user.wait_for(timeout=ANSWER_TIMEOUT_S)
                    continue
                self.last_tapped = max(self.last_tapped, last.message_id)
                await self.user.tap(text=texts.SESSION_DONE, message=last)
                continue
            for message in reversed(self.user.messages):  # newest first
                labels = self._labels(message)
                choice = next((p for p in PREFERRED if p in labels), None)
                if choice is None and PAIN in labels:
                    choice = PAIN
                # Only what came after the last answer (buttons above it may not have closed
                # yet on a busy machine), except a reminder's Start, which waits its turn.
                later = message.message_id > self.last_tapped
                if choice is None or not (later or choice == texts.REMINDER_START):
                    continue
                if self._fresh(message, choice):
                    self.last_tapped = max(self.last_tapped, message.message_id)
                    await self.user.tap(text=choice, message=message)
                    break
            else:
                if settled and (patience <= 0 or not await self._in_session()):
                    return  # nothing this person wants to answer (an offer, a menu)
                if settled:  # a slow step of a session under way: its next message will come
                    patience -= 1
                    with contextlib.suppress(AssertionError):
                        await self.user.wait_for(timeout=SLOW_STEP_S)
                    continue
                # Nothing to answer: once more after a longer quiet (a slow step may be due).
                settled = True
                await self.user.wait_idle(quiet=0.6, timeout=ANSWER_TIMEOUT_S)
                continue
            settled = False

    async def _in_session(self) -> bool:
        runner = self.demo.runner
        assert runner is not None
        async with runner.runtime.uow() as uow:
            return await uow.sessions.open_for(PERSON) is not None

    @staticmethod
    def _labels(message: SentMessage) -> list[str]:
        if message.deleted:
            return []
        return [label for label, data in message.buttons if data not in (None, "ans")]

    def _fresh(self, message: SentMessage, what: str) -> bool:
        key = (message.message_id, what)
        if key in self.handled:
            return False
        self.handled.add(key)
        return True

    @staticmethod
    def _asks_to_type(message: SentMessage) -> bool:
        return "Type the number" in message.content or "type that count" in message.content

    async def _type_answer(self, message: SentMessage) -> None:
        if not self._fresh(message, "typed"):
            if texts.TEST_SKIP in [label for label, _ in message.buttons]:
                await self.user.tap(text=texts.TEST_SKIP, message=message)
            return
        if "type that count" in message.content:
            await self.user.tap(text=texts.TEST_SKIP, message=message)
        else:
            await self.user.send("25")

    async def look(self) -> None:
        """What a person checks now and then: the commands that show where they are."""
        for command in ("/today", "/plan", "/stage", "/progress", "/history"):
            await self.user.send(command)
            await self.user.wait_idle(quiet=0.2, timeout=ANSWER_TIMEOUT_S)
            self.stamp()


def transcript(demo: Demo, person: Person) -> list[Said]:
    """Everything the bot said to the person, in order: messages as they finally stand (a
    countdown's last edit, a question with its answer) and the toasts of taps."""
    said: list[Said] = []
    for message in demo.api.messages(PERSON):
        if message.deleted:
            continue
        kind = "photo" if message.photo else "document" if message.document else "message"
        text = message.content or (message.filename or "")
        at = person.seen_at.get(message.message_id, demo.clock())
        said.append(Said(at, kind, text, tuple(label for label, _ in message.buttons)))
    return said


def toasts(demo: Demo) -> list[str]:
    return [a.text for a in demo.api.callback_answers if a.user_id == PERSON and a.text]


async def run(
    days: float = 84,
    *,
    once_a_day: bool = False,
    timer_scale: float = 0.01,
    out: Path | None = None,
) -> tuple[list[Said], list[str]]:
    """Onboard, then live `days` days with the bot; what it said, and its toasts (written to
    `out` as it goes, week by week, when given)."""
    with tempfile.TemporaryDirectory() as tmp:
        demo = Demo(Path(tmp), port=0, timer_scale=timer_scale, start=START)
        await demo.start()
        try:
            person = Person(demo, demo.drivers[PERSON], once_a_day=once_a_day)

            async def settle_and_stamp() -> None:  # each message is dated when it came
                await demo._settle()
                person.stamp()

            demo.bar = ClockBar(demo.clock, demo._scheduler, settle_and_stamp)
            await person.onboard()
            end = START + timedelta(days=days)
            week = 0
            while demo.clock() < end:
                await demo.advance(PERSON, "reminder")
                await person.respond()
                now_week = (demo.clock() - START).days // 7
                if now_week != week:
                    week = now_week
                    await person.look()
                    await person.respond()
                    if out is not None:
                        dump(out, transcript(demo, person), toasts(demo))
            person.stamp()
            return transcript(demo, person), toasts(demo)
        finally:
            await demo.stop()


def problems(said: Sequence[Said]) -> list[str]:
    """What would be wrong on a phone: a message longer than a screen, the same message twice
    in a row, a countdown left standing after its time was up, or a nudge about a session
    "still waiting" on a day the bot had already named tomorrow's as the next one."""
    found = []
    done_for: set[object] = set()  # local days the bot said "Next session: tomorrow" on
    for index, item in enumerate(said):
        if len(item.text) > PHONE_CHARS or item.text.count("\n") + 1 > PHONE_LINES:
            found.append(f"too long for a phone ({len(item.text)} chars): {item.text[:80]!r}")
        if item.text.endswith(" s left") and index < len(said) - 1:
            found.append(f"a countdown left standing: {item.text[:80]!r}")
        day = item.at.astimezone(ZONE).date()
        if "Next session: tomorrow" in item.text:
            done_for.add(day)
        if "still waiting" in item.text and day in done_for:
            found.append(f"a nudge after the day's last session was done: {item.line()!r}")
    for before, after in itertools.pairwise(said):
        if before.text and before.text == after.text and before.kind == after.kind == "message":
            found.append(f"sent twice in a row: {before.line()!r} {after.line()!r}")
    return found


def main(argv: Sequence[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else Path("/tmp/12weeks.txt")
    weeks = float(argv[2]) if len(argv) > 2 else 12
    once_a_day = len(argv) > 3 and argv[3] == "once"
    said, taps = asyncio.run(run(7 * weeks, once_a_day=once_a_day, timer_scale=0.004, out=out))
    dump(out, said, taps)
    print(f"{len(said)} messages, {len(taps)} toasts -> {out}")
    return 0


def dump(out: Path, said: Sequence[Said], taps: Sequence[str]) -> None:
    lines = [item.line() for item in said]
    lines += ["", "=== toasts (answers to taps) ===", *sorted(set(taps))]
    lines += ["", "=== problems ===", *problems(said)]
    out.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
