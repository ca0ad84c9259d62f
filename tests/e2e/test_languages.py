"""In the person's own language (issue 16, acceptance 2 and 3), through the Bot API stand-in.

A person whose Telegram app is set to Spanish (or Russian) sets up their programme, trains, answers
the morning question, is told why their dose changes, and asks for their chart: every text the
bot sends them (messages as sent and as edited, captions, button labels, the toasts of taps, the
words on the chart, the command menu) is in their language. Checked two ways: where a particular
text is expected, it is the catalogue's (`with i18n.using(language)`); and everything is read by
an English-word detector (tests/e2e/english_words.py), in Russian also for its alphabet.
Russian proves the plural forms: the session summary counts 1, 2 and 5 sets, three forms.

The same person, living twelve weeks with the bot (tests/e2e/twelve_weeks.py), hears no English
word in all that time either.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from matplotlib.text import Text

from bot import i18n, texts, views
from bot.charts import build_progress_figure, render_progress_chart
from demo.server import Demo
from rehab.protocol import STAGE1_LADDERS
from service_layer import records
from service_layer.chart_data import ChartData
from service_layer.programme import load_state, save_state
from standin.driver import UserDriver
from standin.models import SentMessage
from tests.e2e.english_words import leaks, mostly_cyrillic
from tests.e2e.twelve_weeks import (
    ANSWER_TIMEOUT_S,
    live,
    live_buttons,
    onboard_in_own_words,
    rendered,
)

pytestmark = pytest.mark.e2e

PERSON = 1001  # a person of the demo, in Berlin
NAMES = {"es": "Lucía", "ru": "Ольга"}
START = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)  # a Monday, 08:00 in Berlin
TIMER_SCALE = 0.01
# Weeks of the no-English run: two in `make test` (a full run takes 20 minutes or more a
# language on a 2-core machine, most of it waiting for the bot to go quiet);
# LANGUAGE_RUN_WEEKS=12 runs the full twelve (the closing note of issue 16 quotes one).
RUN_WEEKS = float(os.environ.get("LANGUAGE_RUN_WEEKS", "2"))


def shows(content: str, template: str, **values: str) -> bool:
    """Whether `content` shows the catalogue text `template` (worded in the language in force),
    with `values` in its placeholders and anything in the others."""
    text = rendered(template)
    for name, value in values.items():
        text = text.replace("{" + name + "}", value)
    parts = re.split(r"\{[a-z_]+(?::[^}]*)?\}", text)
    pattern = "(?s:.*?)".join(re.escape(part) for part in parts)
    return re.search(pattern, content) is not None


def expect(message: SentMessage, language: str, name: str, **values: str) -> None:
    """`message` shows the catalogue's text `texts.<name>` in `language`."""
    with i18n.using(language):
        template = getattr(texts, name)  # read here: a catalogue text is worded when read
    assert isinstance(template, str)
    assert shows(message.content, template, **values), (
        f"expected the {language} catalogue's {name} ({rendered(template)[:60]!r}), "
        f"got {message.content[:200]!r}"
    )


class Heard:
    """Everything the bot said to one person that a detector should read, with where it came
    from, and what of it is not in their language."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.items: list[tuple[str, str]] = []  # (where, text)

    def add(self, where: str, text: str | None) -> None:
        if text:
            self.items.append((where, text))

    def messages(self, history: Iterable[SentMessage]) -> None:
        for message in history:
            what = "caption" if message.caption is not None else "message"
            self.add(what, message.content)
            for label, _ in message.buttons:
                self.add("button", label)
            for row in message.keyboard or []:  # a reply keyboard ("share my location")
                for key in row:
                    self.add("key", key)

    def leaks(self) -> dict[str, list[str]]:
        """text → what is wrong in it, each text once."""
        found: dict[str, list[str]] = {}
        for where, text in self.items:
            wrong = leaks(self.language, text)
            if wrong:
                found.setdefault(f"{where}: {text[:120]!r}", wrong)
        return found


def report(found: dict[str, list[str]]) -> str:
    lines = [f"{len(found)} texts with English in them:"]
    lines += [f"  {text} -> {words}" for text, words in list(found.items())[:80]]
    return "\n".join(lines)


async def settle(user: UserDriver) -> None:
    await user.wait_idle(quiet=0.15, timeout=ANSWER_TIMEOUT_S)


def since(user: UserDriver, first_id: int) -> list[SentMessage]:
    return [m for m in user.messages if m.message_id > first_id and not m.deleted]


def newest_id(user: UserDriver) -> int:
    return max((m.message_id for m in user.messages), default=0)


async def train(
    user: UserDriver, language: str, after: int, pains: list[int], pain_after: int
) -> SentMessage:
    """Do the session that has just started (its messages come after message `after`): Go,
    each hold timed by the bot, the pain of each set from `pains` (in order), the effort "just
    right", `pain_after` at the end; every tap by its callback data. The session's summary."""
    with i18n.using(language):
        titles = [
            rendered(texts.SESSION_SUMMARY_TITLE),
            rendered(texts.SESSION_SUMMARY_ENDED_TITLE),
        ]
        tap_done = rendered(texts.reps_cue(15, None).split(". ", 1)[-1]).strip()
    queue = list(pains)
    answered: set[tuple[int, str]] = set()
    for _ in range(400):
        await settle(user)
        summary = [m for m in since(user, after) if any(t in m.content for t in titles)]
        if summary:
            return summary[-1]
        last = user.last_message
        chosen = None
        for _, data in live_buttons(last):
            action = (data or "").split(":", 3)[-1] if (data or "").startswith("f:") else ""
            wanted = {"go", "e:right", f"a:{pain_after}"} | ({f"p:{queue[0]}"} if queue else set())
            if action == "done" and tap_done in last.content:
                wanted.add("done")  # a set of reps: done when the person says so
            if action in wanted:
                chosen = data
            if chosen is not None:
                break
        if chosen is None or (last.message_id, chosen) in answered:
            await user.wait_for(timeout=ANSWER_TIMEOUT_S)  # a hold or a rest, timed by the bot
            continue
        answered.add((last.message_id, chosen))
        if ":p:" in chosen:
            queue.pop(0)
        await user.tap(data=chosen, message=last)
    raise AssertionError(f"the session did not end: {user.last_message.content!r}")


async def morning(demo: Demo, user: UserDriver, language: str, pain: int) -> SentMessage:
    """The morning question, sent by the scheduler at its time; `pain` tapped. The reply."""
    before = newest_id(user)
    await demo.advance(PERSON, "morning")
    await settle(user)
    asked = [
        m
        for m in since(user, before)
        if any((d or "").startswith("mc:") for _, d in live_buttons(m))
    ]
    assert asked, f"no morning question: {[m.content for m in since(user, before)]}"
    question = asked[-1]
    expect(question, language, "CHECKIN_QUESTION")
    await user.tap(text=str(pain), message=question)
    return await user.wait_for(timeout=ANSWER_TIMEOUT_S)


async def latest_reason(demo: Demo, language: str) -> tuple[str, str]:
    """The newest decision's kind, and its reason in `language`'s words."""
    assert demo.runner is not None
    async with demo.runner.runtime.uow() as uow:
        decisions = list(await uow.decisions.all_for(PERSON))
    assert decisions, "no decision was made"
    with i18n.using(language):
        return decisions[-1].kind, views.reason_words(decisions[-1])


async def set_counts(demo: Demo) -> list[tuple[int, int]]:
    """(session id, sets stored) for each session, in order."""
    assert demo.runner is not None
    async with demo.runner.runtime.uow() as uow:
        rows = await uow.sessions.sets_for_user(PERSON)
    counts: dict[int, int] = defaultdict(int)
    for row in rows:
        counts[row.session_id] += 1
    return sorted(counts.items())


async def five_sets_a_hold(demo: Demo) -> None:
    """Move the person up their Stage 1 ladder to its first rung of 5 holds (as a week of
    good sessions would): the summary of the next session then counts 5 sets."""
    assert demo.runner is not None
    runtime = demo.runner.runtime
    async with runtime.uow() as uow:
        state = await load_state(uow, PERSON)
        assert state is not None
        assert state.stage == 1
        ladder = STAGE1_LADDERS[state.irritability]
        rung = next(i for i, step in enumerate(ladder) if step.sets == 5)
        await save_state(uow, PERSON, state.model_copy(update={"rung": rung}), runtime.now())
        await uow.commit()


def chart_words(chart: ChartData, language: str) -> list[str]:
    """Every text drawn on the chart (title, axes, ticks, legend, bands) in `language`."""
    with i18n.using(language):
        figure = build_progress_figure(chart)
    figure.canvas.draw()  # the ticks are laid out when drawn
    return [t.get_text() for t in figure.findobj(Text) if t.get_text().strip()]


def plural_forms(summary: str) -> dict[int, str]:
    """count → the word after it, in each line of a session summary ("• name: 2 подхода, ...")."""
    forms = {}
    for line in summary.splitlines():
        found = re.search(r":\s*(\d+)\s+([^\W\d_]+)", line)
        if line.startswith("•") and found:
            forms[int(found.group(1))] = found.group(2)
    return forms


async def from_setup_to_chart(language: str, tmp_path: Path) -> None:
    demo = Demo(tmp_path, port=0, timer_scale=TIMER_SCALE, start=START)
    await demo.start()
    heard = Heard(language)
    try:
        name = NAMES[language]
        user = demo.api.user(PERSON, name, language_code=language)

        # Setup, in their words where the bot understands them.
        await onboard_in_own_words(user, language, once_a_day=True)
        said = [m for m in user.messages if not m.deleted]
        with i18n.using(language):
            assert shows(said[0].content, texts.greeting(name))
        expect(said[0], language, "OB_WELCOME")
        expect(said[-2], language, "OB_SUMMARY")
        expect(said[-1], language, "OB_WAITING")

        # A session, set by set: 5 holds of each exercise.
        await five_sets_a_hold(demo)
        await user.send("/today")
        today = await user.wait_for(timeout=ANSWER_TIMEOUT_S)
        expect(today, language, "TODAY_TITLE")
        with i18n.using(language):
            assert [label for label, _ in today.buttons] == [texts.SESSION_START_BUTTON]
        before = newest_id(user)
        await user.tap(data="ses:open", message=today)
        first = await train(user, language, before, pains=[2] * 10, pain_after=1)
        expect(first, language, "SESSION_SUMMARY_TITLE")
        assert [n for _, n in await set_counts(demo)] == [10]

        # The morning question from the scheduler, and its decision with the reason.
        told = await morning(demo, user, language, 2)
        _, reason = await latest_reason(demo, language)
        expect(told, language, "CHECKIN_DECISION", pain="2", reason=reason)

        # The reminder, then a session that hurts: the exercise is stopped after two painful
        # sets, the session ended at 7/10 in the next one's first set (2 sets and 1 set).
        before = newest_id(user)
        await demo.advance(PERSON, "reminder")
        await settle(user)
        reminder = next(
            m
            for m in since(user, before)
            if any(re.fullmatch(r"rem:\d+:[^:]+:start", d or "") for _, d in live_buttons(m))
        )
        start_data = next(d for _, d in live_buttons(reminder) if (d or "").endswith(":start"))
        before = newest_id(user)
        await user.tap(data=start_data, message=reminder)
        second = await train(user, language, before, pains=[5, 5, 7], pain_after=0)
        expect(second, language, "SESSION_SUMMARY_ENDED_TITLE")
        assert [n for _, n in await set_counts(demo)] == [10, 3]

        # The next morning: the dose changes after that session, and the person is told why.
        told = await morning(demo, user, language, 3)
        kind, reason = await latest_reason(demo, language)
        assert kind != "keep", "the session that hurt changed nothing"
        expect(told, language, "CHECKIN_DECISION", pain="3", reason=reason)

        # The chart, its caption and every word drawn on it.
        await user.send("/progress")
        chart = await user.wait_for(lambda m: m.photo is not None, timeout=ANSWER_TIMEOUT_S)
        assert demo.runner is not None
        progress = await records.progress(demo.runner.runtime, PERSON)
        assert progress.chart is not None
        assert progress.facts is not None
        with i18n.using(language):
            assert chart.caption == rendered(views.progress_caption(progress.facts))
        assert chart.photo == render_progress_chart(progress.chart, language)
        for word in chart_words(progress.chart, language):
            heard.add("chart", word)

        # The command menu in their language (and the commands themselves unchanged).
        english = demo.api.command_sets[('{"type": "default"}', "")]
        menu = demo.api.command_sets[('{"type": "default"}', language)]
        with i18n.using(language):
            worded = [{"command": c, "description": d} for c, d in texts.commands()]
        assert menu == worded
        assert [c["command"] for c in menu] == [c["command"] for c in english]
        for command in menu:
            heard.add("menu", command["description"])

        plurals = ""
        if language == "ru":  # three plural forms: 1 подход, 2 подхода, 5 подходов
            forms = plural_forms(first.content) | plural_forms(second.content)
            assert set(forms) >= {1, 2, 5}, f"counts shown: {forms}"
            if len({forms[1], forms[2], forms[5]}) != 3 or not all(
                mostly_cyrillic(forms[n]) for n in (1, 2, 5)
            ):
                plurals = f"\nnot three Russian plural forms for 1, 2 and 5 sets: {forms}"

        heard.messages(user.history)
        for answer in user.callback_answers:
            heard.add("toast", answer.text)
    finally:
        await demo.stop()
    found = heard.leaks()
    wrong = (report(found) if found else "") + plurals
    assert not wrong, wrong


async def test_a_spanish_speaker_hears_spanish_from_setup_to_chart(tmp_path: Path) -> None:
    await from_setup_to_chart("es", tmp_path)


async def test_a_russian_speaker_hears_russian_with_its_three_plural_forms(
    tmp_path: Path,
) -> None:
    await from_setup_to_chart("ru", tmp_path)


@pytest.mark.parametrize("language", ["es", "ru"])
async def test_twelve_weeks_without_an_english_word(language: str) -> None:
    """Issue 16, acceptance 3: a run through the bot, once a day, every text the bot sent (as
    sent and as edited), its buttons, toasts and command menu, read for English. Two weeks by
    default; LANGUAGE_RUN_WEEKS=12 for the full twelve."""
    days = 7 * RUN_WEEKS
    lived = await live(days, once_a_day=True, timer_scale=0.004, language=language)
    heard = Heard(language)
    heard.messages(lived.history)
    for toast in lived.taps:
        heard.add("toast", toast)
    for (_, code), commands in lived.menus.items():
        if code == language:
            for command in commands:
                heard.add("menu", command["description"])
    assert len(lived.said) > 10 * days  # the weeks really ran
    found = heard.leaks()
    assert not found, report(found)
