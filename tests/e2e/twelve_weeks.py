"""Twelve weeks with the bot, through the Bot API stand-in, to read every message it sends.

The real bot (`demo.server.Demo`: the stand-in, the bot polling it on a clock that jumps from
one due reminder to the next, its own SQLite file) and one person who answers the way a steady
responder would: onboarding typed in their own words, every reminder taken, every set done,
pain 2 during and after, mornings at 2, the tests when they are due. What the bot says is
collected in order (messages as they finally stand, and the toasts of taps) so that it can be
read aloud, and checked: each message fits a phone screen, none repeats back to back.

The person may read another language (`language`: "es", "ru"; their Telegram app's
`language_code`). They then answer as such a person would: buttons chosen by what they do
(their callback data; digits for pain), never by an English label; typed answers in their
language where the bot may understand them, else plain numbers and times, which it reads in
every language; and each step waits for the bot's next message, not for an English phrase.

    python -m tests.e2e.twelve_weeks /tmp/12weeks.txt [weeks] [once] [es|ru]
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import re
import sys
import tempfile
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot import i18n, texts
from demo.clock import ClockBar
from demo.server import Demo
from service_layer.languages import SUPPORTED
from standin.driver import UserDriver
from standin.models import Button, SentMessage
from standin.telegram_html import parse_html

PERSON = 1001  # Ana, in Berlin
ZONE = ZoneInfo("Europe/Berlin")
START = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)  # a Monday, 08:00 in Berlin (DST on 29 Mar)
ANSWER_TIMEOUT_S = 30.0
SLOW_STEP_S = 5.0
# One phone screen: about 60 characters to a line and 25 lines.
PHONE_CHARS = 1100
PHONE_LINES = 25

# The answers the person gives, by the button's callback data, first match wins: take every
# session (a reminder's Start, /today's Start or Continue), go, skip the rests, "just right",
# run, "better", a few minutes of stiffness, and skip what is optional; else pain 2 (a digit in
# every language).
BEGIN, CONTINUE = "start", "continue"  # the keys of the answers that open a session
PREFERRED: tuple[tuple[str, re.Pattern[str]], ...] = (
    (BEGIN, re.compile(r"rem:\d+:[^:]+:start")),
    (CONTINUE, re.compile(r"ses:open")),  # Start or Continue: told apart by the label
    ("go", re.compile(r"f:\d+:\d+:go")),
    ("skip rest", re.compile(r"f:\d+:\d+:skip")),
    ("just right", re.compile(r"f:\d+:\d+:e:right")),
    ("run", re.compile(r"run:yes")),
    ("better", re.compile(r"rv:\d+:better")),
    ("a few minutes", re.compile(r"st:\d+:5")),
    ("skip test", re.compile(r"f:\d+:skip")),
)
PAIN = "2"
DONE = re.compile(r"f:\d+:\d+:done")
TEST_SKIP = re.compile(r"f:\d+:skip")

# What the person types in onboarding, in their language, where the bot may understand it; if
# it does not (it answers with a hint), they tap the button instead (or type the plain form).
TYPED: dict[str, dict[str, str]] = {
    "es": {
        "none": "ninguna",
        "side": "la derecha",
        "weight": "78 kg",
        "yes": "sí",
        "no": "no",
        "zone": "Berlín",
        "days": "lunes, miércoles y viernes",
    },
    "ru": {
        "none": "ничего из этого",
        "side": "правая",
        "weight": "78 кг",
        "yes": "да",
        "no": "нет",
        "zone": "Берлин",
        "days": "пн, ср, пт",
    },
}


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


def rendered(html: str) -> str:
    """A catalogue text as the person reads it (tags gone, entities decoded)."""
    return parse_html(html)[0]


def live_buttons(message: SentMessage) -> list[Button]:
    """The buttons of `message` that still act (not a closed question's ✓, not a link)."""
    if message.deleted:
        return []
    return [(label, data) for label, data in message.buttons if data not in (None, "ans")]


def choice_of(message: SentMessage, start_label: str) -> tuple[str, Button] | None:
    """The answer this person gives to `message`, and its button, if any (`PREFERRED`)."""
    buttons = live_buttons(message)
    for key, pattern in PREFERRED:
        for label, data in buttons:
            if data is not None and pattern.fullmatch(data):
                if key == CONTINUE and label == start_label:
                    key = BEGIN  # /today's Start: as a reminder's, it waits its turn
                return key, (label, data)
    pain = next(((label, data) for label, data in buttons if label == PAIN), None)
    return None if pain is None else ("pain", pain)


def flow_version(message: SentMessage) -> int | None:
    """The step version of a flow question's buttons (`f:<version>:<payload>`), if any."""
    for _, data in live_buttons(message):
        if data is not None and data.startswith("f:"):
            return int(data.split(":")[1])
    return None


async def onboard_in_own_words(
    user: UserDriver,
    language: str,
    *,
    once_a_day: bool = False,
    settle: Callable[[], Awaitable[None]] | None = None,
) -> None:
    """Setup for a person who reads `language` (not English): buttons by their data, typed
    answers in `language` where the bot may understand them (`TYPED`), else numbers and times.
    Each step waits for the bot's next message, and checks it is the next question."""
    words = TYPED[language]

    async def after() -> None:
        await user.wait_for(timeout=ANSWER_TIMEOUT_S)
        await user.wait_idle(quiet=0.15, timeout=ANSWER_TIMEOUT_S)
        if settle is not None:
            await settle()

    def question() -> tuple[SentMessage, int]:
        for message in reversed(user.messages):
            version = flow_version(message)
            if version is not None:
                return message, version
        raise AssertionError(f"no question with buttons: {user.last_message.content!r}")

    def moved_on(version: int) -> bool:
        return any((flow_version(m) or 0) > version for m in user.messages[-4:])

    async def tap(payload: str) -> None:
        asked, version = question()
        await user.tap(data=f"f:{version}:{payload}", message=asked)
        await after()

    async def answer(typed: str, payload: str | None = None, plain: str | None = None) -> None:
        """Type `typed`; a guess shown back is confirmed; not understood: tap `payload` or type
        `plain`. The next question must follow."""
        _, version = question()
        await user.send(typed)
        await after()
        guess = [
            data
            for _, data in live_buttons(user.last_message)
            if data is not None and data.startswith(f"f:{version}:ok:")
        ]
        if guess:
            await user.tap(data=guess[0], message=user.last_message)
            await after()
        if moved_on(version):
            return
        if payload is not None:
            await tap(payload)
        elif plain is not None:
            await user.send(plain)
            await after()
        assert moved_on(version), f"the bot did not take {typed!r}: {user.last_message.content!r}"

    await user.send("/start")
    await after()
    await tap("go")
    await answer(words["none"], "none")  # the safety check
    await answer(words["side"], "right")
    await tap("mid")
    await answer("2")  # at rest
    await answer("4")  # first steps in the morning
    await answer("20")  # minutes of stiffness
    await answer("5")  # heel raises
    await answer(words["weight"], plain="78")
    await answer(words["yes"], "yes")  # a step
    await answer("10")  # kg of weights
    await answer(words["no"], "no")  # no gym
    await answer(words["zone"], "Europe/Berlin")
    await answer(words["yes"], "yes")  # the time there is right
    await answer("07:30")
    if once_a_day:
        await tap("once")
    else:
        await answer("18:30")
    await answer(words["days"], "024")
    await answer("18:30")  # on those days
    await answer("07:00")  # the morning question
    await tap("wait")


class Person:
    """Answers whatever the bot asks, the way a steady responder would."""

    def __init__(
        self,
        demo: Demo,
        user: UserDriver,
        *,
        once_a_day: bool = False,
        language: str = "en",
    ) -> None:
        self.demo = demo
        self.user = user
        self.once_a_day = once_a_day
        self.language = language
        self.seen_at: dict[int, datetime] = {}
        self.handled: set[tuple[int, str]] = set()
        self.last_tapped = 0  # the newest message the person answered
        self.read_up_to = 0  # the newest message read for a test that is due
        with i18n.using(language):  # what the person reads, in their language
            self.start_label = texts.SESSION_START_BUTTON
            # What says a test (or a count) is due: "send /test ..." (the /today and /stage
            # notes, the count's reminder) and how to take one (a morning decision's).
            self.test_due = [
                rendered(t)
                for t in (
                    texts.STAGE_GATE_DUE,
                    texts.STAGE_RECHECK_DUE,
                    texts.COUNT_DUE,
                    texts.TEST_HOW,
                )
            ]
            self.tap_done = rendered(texts.reps_cue(15, None).split(". ", 1)[-1]).strip()
            self.count_asks = [rendered(texts.TEST_HEEL_RAISE)] + [
                rendered(texts.TEST_HEEL_RAISE_LEG.format(leg=leg))
                for leg in (texts.LEFT_LEG, texts.RIGHT_LEG)
            ]
            self.other_count_asks = rendered(texts.TEST_HEEL_RAISE_OTHER)

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
        if self.language != "en":
            await onboard_in_own_words(
                self.user, self.language, once_a_day=self.once_a_day, settle=self._stamped
            )
            return
        await self._onboard_in_english()

    async def _stamped(self) -> None:
        self.stamp()

    async def _onboard_in_english(self) -> None:
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
            if self._told_to_test():
                await self.user.send("/test")
                continue
            done = self._button(last, DONE)
            if done is not None and self._fresh(last, "done"):
                if self.tap_done not in last.content:
                    # A hold, a timed set or a run: the bot says when time's up.
                    with contextlib.suppress(AssertionError):
                        await self.user.wait_for(timeout=ANSWER_TIMEOUT_S)
                    continue
                self.last_tapped = max(self.last_tapped, last.message_id)
                await self.user.tap(data=done, message=last)
                continue
            for message in reversed(self.user.messages):  # newest first
                choice = choice_of(message, self.start_label)
                # Only what came after the last answer (buttons above it may not have closed
                # yet on a busy machine), except a Start, which waits its turn.
                later = message.message_id > self.last_tapped
                if choice is None or not (later or choice[0] == BEGIN):
                    continue
                if self._fresh(message, choice[0]):
                    self.last_tapped = max(self.last_tapped, message.message_id)
                    await self.user.tap(data=choice[1][1], message=message)
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
    def _button(message: SentMessage, pattern: re.Pattern[str]) -> str | None:
        """The callback data of the live button of `message` that `pattern` matches, if any."""
        found = (d for _, d in live_buttons(message) if d is not None and pattern.fullmatch(d))
        return next(found, None)

    def _fresh(self, message: SentMessage, what: str) -> bool:
        key = (message.message_id, what)
        if key in self.handled:
            return False
        self.handled.add(key)
        return True

    def _told_to_test(self) -> bool:
        """Whether a message not read yet says a test or a count is due (each says so once:
        the person sends /test when they first read it, whatever came after it)."""
        unread = [m for m in self.user.messages if m.message_id > self.read_up_to]
        if not unread:
            return False
        self.read_up_to = unread[-1].message_id
        return any(due in m.content for m in unread for due in self.test_due)

    def _asks_to_type(self, message: SentMessage) -> bool:
        """A test's question answered by typing a count (this leg's, or the other's)."""
        content = message.content
        return self.other_count_asks in content or any(a in content for a in self.count_asks)

    async def _type_answer(self, message: SentMessage) -> None:
        skip = self._button(message, TEST_SKIP)
        if not self._fresh(message, "typed"):
            if skip is not None:
                await self.user.tap(data=skip, message=message)
            return
        if self.other_count_asks in message.content and skip is not None:
            await self.user.tap(data=skip, message=message)
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


@dataclass(frozen=True)
class Lived:
    """What the bot said in a run: the transcript, its toasts, every send and edit as it was
    made (a countdown's every tick, a question before its answer closed it), and the command
    menus it published, by (scope, language_code)."""

    said: list[Said]
    taps: list[str]
    history: list[SentMessage]
    menus: dict[tuple[str, str], list[dict[str, str]]]


async def live(
    days: float = 84,
    *,
    once_a_day: bool = False,
    timer_scale: float = 0.01,
    out: Path | None = None,
    language: str = "en",
) -> Lived:
    """Onboard, then live `days` days with the bot, as a person whose Telegram app is set to
    `language`; all the bot said (written to `out` as it goes, week by week, when given)."""
    with tempfile.TemporaryDirectory() as tmp:
        demo = Demo(Path(tmp), port=0, timer_scale=timer_scale, start=START)
        await demo.start()
        try:
            name = demo.users[PERSON].name
            user = demo.api.user(PERSON, name, language_code=language)
            person = Person(demo, user, once_a_day=once_a_day, language=language)

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
                        dump(out, transcript(demo, person), toasts(demo), language)
            person.stamp()
            return Lived(
                transcript(demo, person),
                toasts(demo),
                list(demo.api.history(PERSON)),
                dict(demo.api.command_sets),
            )
        finally:
            await demo.stop()


async def run(
    days: float = 84,
    *,
    once_a_day: bool = False,
    timer_scale: float = 0.01,
    out: Path | None = None,
    language: str = "en",
) -> tuple[list[Said], list[str]]:
    """Onboard, then live `days` days with the bot; what it said, and its toasts (written to
    `out` as it goes, week by week, when given)."""
    lived = await live(
        days, once_a_day=once_a_day, timer_scale=timer_scale, out=out, language=language
    )
    return lived.said, lived.taps


def problems(said: Sequence[Said], language: str = "en") -> list[str]:
    """What would be wrong on a phone: a message longer than a screen, the same message twice
    in a row, a countdown left standing after its time was up, or (read in English only) a
    nudge about a session "still waiting" on a day the bot had already named tomorrow's as
    the next one."""
    with i18n.using(language):
        seconds_left = rendered(texts.SESSION_COUNTDOWN.split("{seconds}")[-1])
    found = []
    done_for: set[object] = set()  # local days the bot said "Next session: tomorrow" on
    for index, item in enumerate(said):
        if len(item.text) > PHONE_CHARS or item.text.count("\n") + 1 > PHONE_LINES:
            found.append(f"too long for a phone ({len(item.text)} chars): {item.text[:80]!r}")
        if item.text.endswith(seconds_left) and index < len(said) - 1:
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
    """`OUT [weeks] [once] [es|ru]`, in any order after OUT."""
    out = Path(argv[1]) if len(argv) > 1 else Path("/tmp/12weeks.txt")
    rest = list(argv[2:])
    weeks = next((float(a) for a in rest if a.replace(".", "", 1).isdigit()), 12.0)
    once_a_day = "once" in rest
    language = next((a for a in rest if a in SUPPORTED), "en")
    lived = asyncio.run(
        live(7 * weeks, once_a_day=once_a_day, timer_scale=0.004, out=out, language=language)
    )
    dump(out, lived.said, lived.taps, language)
    print(f"{len(lived.said)} messages, {len(lived.taps)} toasts -> {out}")
    return 0


def dump(out: Path, said: Sequence[Said], taps: Sequence[str], language: str = "en") -> None:
    lines = [item.line() for item in said]
    lines += ["", "=== toasts (answers to taps) ===", *sorted(set(taps))]
    lines += ["", "=== problems ===", *problems(said, language)]
    out.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
