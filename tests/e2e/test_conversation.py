"""A conversation that understands people and never contradicts itself (issue 14), end to end
through the Bot API stand-in: natural answers, times that make sense, closed keyboards, one
truth across the commands, and records that say what happened."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

import rehab
from bot import texts
from bot.app import BotRunner
from bot.notifier import TelegramNotifier
from scheduler.delivery import Outcome
from scheduler.service import fire
from service_layer import onboarding as ob
from service_layer.planner import SLOT_CHECKIN, Kind
from service_layer.programme import load_state, save_state
from standin.driver import UserDriver
from standin.server import FakeBotApi
from storage.models import Decision, MorningCheckin, TrainingSession
from tests.e2e.test_onboarding import answer_until_weight, send_and_wait, tap_and_wait
from tests.e2e.test_session import (
    UID,
    ZONE,
    do_set,
    local_today,
    seed_user,
    set_logs,
    start_session,
)
from tests.fakes import FakeClock

pytestmark = pytest.mark.e2e


def live_buttons(standin: FakeBotApi, user: UserDriver, message_id: int) -> list[str]:
    """The labels of the buttons a message has now (after any edits)."""
    return [label for label, _ in standin.message(user.chat_id, message_id).buttons]


# -- natural answers -------------------------------------------------------------------------


async def test_onboarding_takes_answers_the_way_people_type_them(
    standin: FakeBotApi, bot: BotRunner
) -> None:
    """ "start", "none of them", "right one", "about 2/10", "about 78kg", "a backpack with about
    10 kg" (asked back), "nope", "half past six pm" (shown back in the zone): all taken."""
    eve = standin.user(4401, first_name="Eve")
    await send_and_wait(eve, "/start", "can't diagnose")
    await send_and_wait(eve, "start", "safety check")
    await send_and_wait(eve, "none of them", "Which Achilles")
    await send_and_wait(eve, "right one", "Where exactly")
    await tap_and_wait(eve, "Mid-portion", "at rest")
    await send_and_wait(eve, "about 2/10", "first steps")
    guess = await send_and_wait(eve, "hmm maybe 3?", "Did you mean 3/10?")
    assert guess.content == texts.DID_YOU_MEAN.format(answer="3/10")  # one short question
    await tap_and_wait(eve, "Yes, 3/10", "stiff")
    await tap_and_wait(eve, "Under 10 min", "heel raises")
    await tap_and_wait(eve, "10–24", "weigh")
    await send_and_wait(eve, "about 78kg", "stair")
    await send_and_wait(eve, "yes", "weights")
    await send_and_wait(eve, "a backpack with about 10 kg", "Did you mean 10 kg?")
    await tap_and_wait(eve, "Yes, 10 kg", "gym")
    await send_and_wait(eve, "nope", "Which time zone")
    await send_and_wait(eve, "berlin", "where you are")
    await tap_and_wait(eve, "Yes, that's right", "first session")
    shown = await send_and_wait(eve, "half past six", "Did you mean")
    assert "06:30 (Berlin time)" in shown.content  # a guess: morning, in the user's zone
    await tap_and_wait(eve, texts.GUESS_NO, "type it again")
    await send_and_wait(eve, "half past six pm", "Did you mean 18:30 (Berlin time)?")
    await tap_and_wait(eve, "Yes, 18:30 (Berlin time)", "second session")

    async with bot.runtime.uow() as uow:
        flow = await uow.flows.get(4401)
    assert flow is not None
    answers = flow.data["a"]
    assert (answers[ob.SIDE], answers[ob.REST_PAIN], answers[ob.MORNING_PAIN]) == ("right", 2, 3)
    assert (answers[ob.WEIGHT], answers[ob.LOAD], answers[ob.GYM]) == (78.0, 10.0, False)
    assert answers[ob.TIME1] == "18:30"


async def test_nonsense_gets_one_short_line_not_the_whole_prompt(
    standin: FakeBotApi, bot: BotRunner
) -> None:
    """At the nine-item safety checklist, a word that answers nothing gets one short line; the
    checklist is not sent again and its buttons stay live."""
    ned = standin.user(4402, first_name="Ned")
    await send_and_wait(ned, "/start", "can't diagnose")
    checklist = await tap_and_wait(ned, texts.OB_BEGIN, "safety check")
    await send_and_wait(ned, "purple", texts.OB_USE_BUTTONS)
    await ned.wait_idle()
    sent_after = [m for m in ned.history if m.message_id > checklist.message_id]
    assert [m.content for m in sent_after] == [texts.OB_USE_BUTTONS]
    assert texts.OB_FLAGS_NONE in live_buttons(standin, ned, checklist.message_id)


async def test_a_session_takes_go_done_and_a_hedged_pain(
    standin: FakeBotApi, bot: BotRunner, clock: FakeClock
) -> None:
    await seed_user(bot.runtime)
    user = standin.user(UID)
    await start_session(user)
    await send_and_wait(user, "go", "Hold for")
    clock.advance(seconds=30)  # the whole hold, on the bot's clock
    await send_and_wait(user, "done", "Pain during that set?")
    await send_and_wait(user, "hmm maybe 3?", "Did you mean 3/10?")
    assert await set_logs(bot.runtime) == []  # a guess is not stored before it is confirmed
    await tap_and_wait(user, "Yes, 3/10", "Noted: 3/10")
    assert await set_logs(bot.runtime) == [(0, 1, 3)]
    await tap_and_wait(user, texts.SESSION_SKIP_REST, "Set 2 of")
    await send_and_wait(user, "start", "Hold for")
    await user.wait_for(contains="Time's up")
    await send_and_wait(user, "about 2/10", "Noted: 2/10")
    assert await set_logs(bot.runtime) == [(0, 1, 3), (0, 2, 2)]


async def test_a_typed_morning_score_that_is_a_guess_is_asked_back(
    standin: FakeBotApi, bot: BotRunner, clock: FakeClock
) -> None:
    await seed_user(bot.runtime)
    user = standin.user(UID)
    await start_session(user)  # a session yesterday: the morning question is due
    await user.tap(text=texts.SESSION_ABANDON)
    await user.wait_for(contains="Session ended")
    clock.advance(days=1)
    due = clock().astimezone(ZoneInfo(ZONE)).replace(hour=7, minute=30).astimezone(UTC)
    clock.set(due)
    notifier = TelegramNotifier(bot.application.bot)
    assert await fire(bot.runtime, notifier, UID, Kind.CHECKIN, SLOT_CHECKIN, due) == Outcome.SENT
    await user.wait_for(contains="first steps")
    await send_and_wait(user, "maybe 4?", "Did you mean 4/10?")
    async with bot.runtime.uow() as uow:
        assert list(await uow.checkins.all_for(UID)) == []  # not before it is confirmed
    await tap_and_wait(user, "Yes, 4/10", "Morning pain 4/10 noted")
    async with bot.runtime.uow() as uow:
        assert [c.pain for c in await uow.checkins.all_for(UID)] == [4]


# -- times that make sense -------------------------------------------------------------------


async def test_session_times_in_order_and_six_hours_apart_with_the_reason_and_a_fix(
    standin: FakeBotApi, bot: BotRunner
) -> None:
    """ "18.30" then "18:00": refused, with why and later times to tap; the check-in after the
    first session: refused the same way. Nothing contradictory is stored."""
    ivy = standin.user(4403, first_name="Ivy")
    await answer_until_weight(ivy)
    await send_and_wait(ivy, "70", "stair")
    await tap_and_wait(ivy, "No", "weights")
    await tap_and_wait(ivy, "None", "gym")
    await tap_and_wait(ivy, "No", "Which time zone")
    await tap_and_wait(ivy, "Berlin / Paris", "where you are")
    await tap_and_wait(ivy, "Yes, that's right", "first session")
    await send_and_wait(ivy, "18.30", "Did you mean 18:30 (Berlin time)?")
    second = await tap_and_wait(ivy, "Yes, 18:30 (Berlin time)", "second session")
    # No second-session button would break the rule: only "once a day" is left after 18:30.
    assert live_buttons(standin, ivy, second.message_id)[:1] == [texts.OB_TIME2_ONCE]
    refused = await send_and_wait(ivy, "18:00", "6 hours")
    assert "18:30 then 18:00" in refused.content
    assert texts.OB_TIME2_ONCE in [label for label, _ in refused.buttons]
    await tap_and_wait(ivy, texts.OB_TIME2_ONCE, "three times a week")
    await tap_and_wait(ivy, "Mon · Wed · Fri", "what time on those days")
    await tap_and_wait(ivy, "18:00", "When should I ask")
    late = await send_and_wait(ivy, "19:00", "is not before 18:30")
    fixes = [label for label, _ in late.buttons]
    assert fixes
    assert all(fix < "18:30" for fix in fixes)
    await tap_and_wait(ivy, fixes[0], "You're all set")
    async with bot.runtime.uow() as uow:
        profile = await uow.profiles.get(4403)
    assert profile is not None
    assert profile.session_times == ["18:30"]
    assert profile.checkin_time is not None
    assert profile.checkin_time < "18:30"


# -- closed keyboards ------------------------------------------------------------------------


async def test_answered_pain_scales_show_the_answer_and_a_retap_gets_a_short_reply(
    standin: FakeBotApi, bot: BotRunner
) -> None:
    await seed_user(bot.runtime)
    user = standin.user(UID)
    await start_session(user)
    await user.tap(text=texts.SESSION_GO)
    question = await user.wait_for(contains="Time's up")
    await tap_and_wait(user, "2", "Noted: 2/10")
    assert await user.wait_closed(question.message_id) == [("✓ 2", "ans")]
    tap = await user.tap(text="✓ 2", message=question)
    assert (await user.wait_answered(tap)).text == texts.ALREADY_ANSWERED
    await user.wait_for(contains=texts.ALREADY_ANSWERED)
    # Every question answered so far has no live buttons left; only the current step has.
    live = [m for m in user.messages if any((d or "").startswith("f:") for _, d in m.buttons)]
    assert len(live) == 1
    assert texts.SESSION_SKIP_REST in [label for label, _ in live[0].buttons]


# -- one truth across the commands -----------------------------------------------------------


async def test_today_during_setup_does_not_say_send_start(
    standin: FakeBotApi, bot: BotRunner
) -> None:
    ada = standin.user(4404, first_name="Ada")
    await answer_until_weight(ada)
    for command in ("/today", "/plan", "/history", "/progress"):
        reply = await send_and_wait(ada, command, "setting up")
        assert reply.content == texts.OB_IN_SETUP


async def test_resume_after_a_red_flag_stop_agrees_with_today(
    standin: FakeBotApi, bot: BotRunner
) -> None:
    state = await seed_user(bot.runtime)
    async with bot.runtime.uow() as uow:
        stopped = state.model_copy(update={"status": rehab.ProgrammeStatus.STOPPED})
        await save_state(uow, UID, stopped, bot.runtime.now())
        await uow.commit()
    user = standin.user(UID)
    today = await send_and_wait(user, "/today", "stopped")
    resumed = await send_and_wait(user, "/resume", "stopped")
    assert resumed.content == today.content == texts.PROGRAMME_STOPPED
    paused = await send_and_wait(user, "/pause", "stopped")
    assert paused.content == texts.PROGRAMME_STOPPED


async def test_history_never_calls_an_early_ended_session_done(
    standin: FakeBotApi, bot: BotRunner
) -> None:
    await seed_user(bot.runtime)
    user = standin.user(UID)
    await start_session(user)
    await user.tap(text=texts.SESSION_GO)
    await user.wait_for(contains="Time's up")
    await user.tap(text="8")
    await user.wait_for(contains="8/10")
    history = await send_and_wait(user, "/history", "Your last 14 days")
    assert "⚠️ ended early · pain 8" in history.content
    assert "✅ done" not in history.content


async def test_plan_keeps_the_past_as_it_happened_and_names_the_times(
    standin: FakeBotApi, bot: BotRunner, clock: FakeClock
) -> None:
    """Two sessions done on a day; then the programme moves to three days a week (and that day
    is not one of them): /plan still shows that day as trained, and the days ahead say when."""
    state = await seed_user(bot.runtime)
    user = standin.user(UID)
    plan = await send_and_wait(user, "/plan", "This week")
    assert "2 sessions (18:00, 21:00)" in plan.content
    today = local_today(clock())
    async with bot.runtime.uow() as uow:
        for slot in ("1", "2"):
            uow.sessions.add(
                TrainingSession(
                    user_id=UID,
                    local_date=today,
                    slot=slot,
                    stage=1,
                    status="done",
                    plan={},
                    started_at=clock(),
                    ended_at=clock(),
                )
            )
        await uow.commit()
    clock.advance(days=1)
    async with bot.runtime.uow() as uow:
        later = (await load_state(uow, UID)) or state
        moved = later.model_copy(update={"stage": 3, "rung": 0})
        await save_state(uow, UID, moved, clock())
        profile = await uow.profiles.get(UID)
        assert profile is not None
        profile.weekly_days = [0, 3, 5]  # not a Tuesday
        await uow.commit()
    assert rehab.cadence(moved) is rehab.Cadence.THREE_WEEKLY
    plan = await send_and_wait(user, "/plan", "This week")
    day = today.strftime("%a %d")
    line = next(line for line in plan.content.splitlines() if day in line)
    assert "rest" not in line.lower()
    assert "2 sessions, all done" in line


async def test_progress_says_what_it_counts(
    standin: FakeBotApi, bot: BotRunner, clock: FakeClock
) -> None:
    """Nine pain answers in one unfinished session are not nine chart points: /progress says
    what a point is and how many there are, instead of asking for "3 answers" after 9."""
    await seed_user(bot.runtime)
    user = standin.user(UID)
    await start_session(user)
    for _ in range(3):
        await user.tap(text=texts.SESSION_GO)
        await user.wait_for(contains="Time's up")
        await user.tap(text="1")
        await user.wait_for(contains="1/10")
        await user.tap(text=texts.SESSION_SKIP_REST)
        await user.wait_for(contains="Set ")
    reply = await send_and_wait(user, "/progress", "chart needs 3 points")
    assert "you have 1 so far" in reply.content  # one session so far, however many sets
    assert "%" not in reply.content


# -- records that are true -------------------------------------------------------------------


async def test_a_hold_ended_early_is_stored_with_its_real_length(
    standin: FakeBotApi, bot: BotRunner, clock: FakeClock
) -> None:
    state = await seed_user(bot.runtime)
    first = rehab.prescribe(state, local_today(clock())).exercises[0]
    assert first.hold_s == 20
    user = standin.user(UID)
    await start_session(user)
    await user.tap(text=texts.SESSION_GO)
    await user.wait_for(contains="Hold for")
    clock.advance(seconds=1)
    await tap_and_wait(user, texts.SESSION_DONE, "Pain during that set?")
    await tap_and_wait(user, "1", "Noted: 1/10")
    async with bot.runtime.uow() as uow:
        rows = await uow.sessions.sets_for_user(UID)
    assert [(r.hold_s, r.completed) for r in rows] == [(1, False)]

    # The rest of the session in full: the engine still counts the session as not completed
    # (so a green streak does not grow on it).
    plan = rehab.prescribe(state, local_today(clock()))
    remaining = sum(ex.sets for ex in plan.exercises) - 1
    await tap_and_wait(user, texts.SESSION_SKIP_REST, "Set 2 of")
    for index, ex in enumerate(plan.exercises):
        for set_no in range(2 if index == 0 else 1, ex.sets + 1):
            await do_set(user, 1)
            if set_no < ex.sets:
                await tap_and_wait(user, texts.SESSION_SKIP_REST, f"Set {set_no + 1} of")
    await tap_and_wait(user, "1", "1/10")  # pain right now, at the end
    async with bot.runtime.uow() as uow:
        after = await load_state(uow, UID)
        rows = await uow.sessions.sets_for_user(UID)
    assert after is not None
    assert len(rows) == remaining + 1
    assert [(log.completed, log.ended_early) for log in after.sessions] == [(False, False)]
    assert after.green_streak == 0


async def test_a_hold_done_at_its_end_counts_in_full(
    standin: FakeBotApi, bot: BotRunner, clock: FakeClock
) -> None:
    await seed_user(bot.runtime)
    user = standin.user(UID)
    await start_session(user)
    await user.tap(text=texts.SESSION_GO)
    await user.wait_for(contains="Hold for")
    clock.advance(seconds=20)
    await tap_and_wait(user, texts.SESSION_DONE, "Pain during that set?")
    await tap_and_wait(user, "1", "Noted: 1/10")
    async with bot.runtime.uow() as uow:
        rows = await uow.sessions.sets_for_user(UID)
    assert [(r.hold_s, r.completed) for r in rows] == [(20, True)]


# -- words -----------------------------------------------------------------------------------


async def test_settings_and_cards_speak_plainly(standin: FakeBotApi, bot: BotRunner) -> None:
    await seed_user(bot.runtime)
    user = standin.user(UID)
    menu = await send_and_wait(user, "/settings", "Your settings")
    assert "Three-weekly" not in menu.content
    assert "Training days" in menu.content
    for exercise in rehab.EXERCISES.values():  # "the card's tempo" is jargon
        assert "tempo" not in exercise.how_to.lower()


async def test_start_during_a_session_names_the_same_next_session_as_its_end(
    standin: FakeBotApi, bot: BotRunner
) -> None:
    await seed_user(bot.runtime)  # sessions at 18:00 and 21:00; it is 09:00 in Berlin
    user = standin.user(UID)
    await start_session(user)
    during = await send_and_wait(user, "/start", "welcome back")
    assert "Next session: today at 21:00" in during.content
    await user.tap(text=texts.SESSION_ABANDON)
    await user.wait_for(contains="Session ended")
    after = await send_and_wait(user, "/start", "welcome back")
    assert "Next session: today at 21:00" in after.content


# -- one source per fact: the commands agree at every step of a day ------------------------------


async def _views(user: UserDriver, day_label: str, plan_label: str) -> dict[str, str]:
    """What /start, /today, /plan (the day's line), /history (the day's line, and all of it)
    and /progress (the chart's caption) say now."""
    views: dict[str, str] = {}
    await user.wait_idle()
    await user.send("/start")
    views["start"] = (await user.wait_for(contains="welcome back")).content
    await user.send("/today")
    views["today"] = (await user.wait_for()).content
    await user.send("/plan")
    plan = (await user.wait_for()).content
    views["plan"] = next((line for line in plan.splitlines() if plan_label in line), plan)
    await user.send("/history")
    history = (await user.wait_for(contains="Your last 14 days")).content
    views["history"] = next(line for line in history.splitlines() if line.startswith(day_label))
    views["history_all"] = history
    await user.send("/progress")
    views["progress"] = (await user.wait_for(lambda m: m.photo is not None, timeout=15)).content
    return views


def _next(start: str) -> str:
    return start.split("Next session: ", 1)[1].splitlines()[0]


def _progress_counts(views: dict[str, str]) -> tuple[int, int]:
    """/progress's "Sessions finished: N · missed or stopped: M"."""
    found = re.search(r"Sessions finished: (\d+) · missed or stopped: (\d+)", views["progress"])
    assert found is not None, views["progress"]
    return int(found[1]), int(found[2])


def _history_counts(views: dict[str, str]) -> tuple[int, int]:
    """The same two counts, read off every line of /history: sessions done in full, and
    sessions ended early or stopped plus days missed."""
    done = missed = 0
    for line in views["history_all"].splitlines():
        if "✅ done" in line:
            times = re.search(r"✅ done ×(\d+)", line)
            done += int(times[1]) if times else 1
        missed += sum(mark in line for mark in ("⚠️ ended early", "✖️ stopped", "❌ missed"))
    return done, missed


def _agree(views: dict[str, str]) -> None:
    """What holds at every step: /progress counts what /history lists, and /start's next
    session is a time the plan has."""
    assert _progress_counts(views) == _history_counts(views), views
    if "Next session: " in views["start"] and "none planned" not in views["start"]:
        assert _next(views["start"]).split(" at ")[-1] in ("18:00", "21:00")


async def test_the_commands_agree_at_every_step_of_a_day(
    standin: FakeBotApi, bot: BotRunner, clock: FakeClock
) -> None:
    """A scripted day, with time passing through the reminder queue: the reminder, a session
    from it, a red set, the next morning's answer, a skipped day and a pause. At every step
    /start, /today, /plan, /history and /progress say the same about it."""
    today = local_today(clock())  # Tuesday 1 Dec, 09:00 in Berlin
    monday = today - timedelta(days=1)
    await seed_user(bot.runtime, started=monday)  # sessions at 18:00 and 21:00
    async with bot.runtime.uow() as uow:  # Monday: both sessions done, and this morning's answer
        for slot, hhmm in (("1", "18:00"), ("2", "21:00")):
            uow.sessions.add(
                TrainingSession(
                    user_id=UID,
                    local_date=monday,
                    slot=slot,
                    stage=1,
                    status="done",
                    plan={},
                    pain_after=1,
                    started_at=berlin(monday, hhmm),
                    ended_at=berlin(monday, hhmm) + timedelta(minutes=20),
                )
            )
        await uow.checkins.add_once(
            MorningCheckin(
                user_id=UID,
                local_date=today,
                pain=1,
                stiffness_minutes=5,
                answered_at=berlin(today, "07:30"),
            )
        )
        await uow.commit()
    await bot.runtime.reschedule(UID)
    user = standin.user(UID)
    day, plan_day = "Tue 1 Dec", "Tue 01"

    # Nothing done yet today.
    views = await _views(user, day, plan_day)
    _agree(views)
    assert _next(views["start"]) == "today at 18:00"
    assert "2 sessions (18:00, 21:00)" in views["plan"]
    assert "nothing yet today" in views["history"]
    assert "sessions done today" not in views["today"]
    assert _progress_counts(views) == (2, 0)

    # The reminder, fired by the queue at 18:00: still nothing done, everywhere.
    await run_queue_until(bot, clock, berlin(today, "18:00"))
    reminder = await user.wait_for(contains="Time for your Achilles session")
    views = await _views(user, day, plan_day)
    _agree(views)
    assert "2 sessions (18:00, 21:00)" in views["plan"]
    assert "nothing yet today" in views["history"]
    assert texts.REMINDER_START in [label for label, _ in reminder.buttons]
    assert "Stage 1" in views["today"]  # /today offers today's session, as the reminder does
    assert texts.TODAY_OPEN not in views["today"]
    assert _progress_counts(views) == (2, 0)

    # The session, started from the reminder: the next one is the one after it, everywhere.
    await user.tap(text=texts.REMINDER_START, message=reminder)
    await user.wait_for(contains="Set 1 of")
    await user.tap(text=texts.SESSION_GO)
    await user.wait_for(contains="Time's up")
    views = await _views(user, day, plan_day)
    _agree(views)
    assert _next(views["start"]) == "today at 21:00"
    assert texts.TODAY_OPEN in views["today"]
    assert "⏸ open" in views["history"]
    assert "done" not in views["plan"]
    assert _progress_counts(views) == (2, 0)  # not finished yet

    # A red set ends it: not "done" anywhere; the day is over for training.
    await user.send("/today")
    await user.tap(text=texts.SESSION_CONTINUE_BUTTON)
    await user.wait_for(contains="Pain during that set?")
    await user.tap(text="8")
    await user.wait_for(contains="8/10")
    views = await _views(user, day, plan_day)
    _agree(views)
    assert texts.TODAY_PAIN_STOPPED in views["today"]
    assert "⚠️ ended early" in views["history"]
    assert "✅" not in views["history"]
    assert "ended early" in views["plan"]
    assert "all done" not in views["plan"]
    assert _next(views["start"]).startswith("tomorrow")
    assert _progress_counts(views) == (2, 1)  # ended early: not one of the finished

    # The next morning's question, from the queue (no 21:00 reminder on the way: the day had
    # ended); the answer is in /history's line for the day; the day's plan unchanged.
    wednesday = today + timedelta(days=1)
    await run_queue_until(bot, clock, berlin(wednesday, "07:30"))
    await user.wait_for(contains="first steps")
    assert not [m for m in user.messages if "Time for your Achilles" in m.content][1:]
    await tap_and_wait(user, "2", "Morning pain 2/10 noted")
    views = await _views(user, "Wed 2 Dec", "Wed 02")
    _agree(views)
    assert "AM 2" in views["history"]
    assert "2 sessions (18:00, 21:00)" in views["plan"]
    assert _next(views["start"]) == "today at 18:00"

    # A skipped day: its reminders come and go unanswered; the day ends (the queue's day end);
    # /plan, /history and /progress say the same about it.
    thursday = wednesday + timedelta(days=1)
    await run_queue_until(bot, clock, berlin(thursday, "09:00"))
    views = await _views(user, "Wed 2 Dec", "Wed 02")
    _agree(views)
    assert "not done" in views["plan"]
    assert "missed" in views["history"]
    assert _progress_counts(views) == (2, 2)

    # The rest of the week goes by unanswered; Sunday evening's summary (from the queue)
    # counts the week's sessions as /progress counts them (the programme began on Monday).
    sunday = today + timedelta(days=5)
    await run_queue_until(bot, clock, berlin(sunday, "19:01"))
    summary = await user.wait_for(contains="Your week", timeout=15)
    views = await _views(user, "Sun 6 Dec", "Sun 06")
    _agree(views)
    done, missed = _progress_counts(views)
    assert (done, missed) == (2, 5)  # Tuesday ended early; Wednesday to Saturday missed
    assert f"Sessions: {done} of {done + missed} done" in summary.content

    # A pause: /start, /today and /plan agree it is paused; the counts stand.
    await send_and_wait(user, "/pause", "how long")
    await tap_and_wait(user, "Until I /resume", "Send /resume")
    views = await _views(user, "Sun 6 Dec", "Sun 06")
    _agree(views)
    assert "reminders paused" in views["start"]
    assert texts.SESSION_PROGRAMME_PAUSED in views["today"]
    assert "paused" in views["plan"]
    assert _progress_counts(views) == (done, missed)


async def test_typing_start_opens_the_session_as_the_button_does(
    standin: FakeBotApi, bot: BotRunner
) -> None:
    await seed_user(bot.runtime)
    user = standin.user(UID)
    await send_and_wait(user, "start", "Set 1 of")
    async with bot.runtime.uow() as uow:
        assert await uow.sessions.open_for(UID) is not None


# -- the rest of the quoted problems, each through the stand-in --------------------------------


async def run_queue_until(bot: BotRunner, clock: FakeClock, target: datetime) -> None:
    """Move the bot's clock to `target` the way time passes: through every instant the reminder
    queue has something due on the way (reminders, nudges, check-ins, day ends, summaries),
    each worked by the queue's own drain, then on to `target`."""
    assert bot.scheduler is not None
    while (due := await bot.scheduler.next_due()) is not None and due <= target:
        clock.set(max(due, clock()))
        await bot.scheduler.run_due()
    clock.set(target)
    await bot.scheduler.run_due()


def berlin(day: date, hhmm: str) -> datetime:
    at = datetime.combine(day, time.fromisoformat(hhmm), tzinfo=ZoneInfo(ZONE))
    return at.astimezone(UTC)


async def test_the_weekly_summary_never_announces_the_stage_the_person_is_already_in(
    standin: FakeBotApi, bot: BotRunner, clock: FakeClock
) -> None:
    """Moved up to Stage 3 on Thursday: Sunday's summary (fired by the reminder queue) says the
    move happened this week and that next week goes on in Stage 3, not "Next week: Stage 3 🎉"."""
    today = local_today(clock())  # Tuesday 1 Dec
    sunday = today + timedelta(days=5)
    await seed_user(bot.runtime, update={"stage": 3, "rung": 0})
    async with bot.runtime.uow() as uow:
        uow.decisions.add(
            Decision(
                user_id=UID,
                local_date=today + timedelta(days=2),
                kind="stage_up",
                reason="You passed the Stage 3 test: heavy slow work starts now.",
                stage_from=2,
                stage_to=3,
                made_at=berlin(today + timedelta(days=2), "09:00"),
            )
        )
        await uow.commit()
    clock.set(berlin(sunday, "18:59"))
    await bot.runtime.reschedule(UID)  # the queue's rows from Sunday evening on
    user = standin.user(UID)
    await run_queue_until(bot, clock, berlin(sunday, "19:01"))
    summary = await user.wait_for(contains="Your week", timeout=15)
    assert "Next week: Stage 3. 🎉" not in summary.content
    assert "This week: on to Stage 3. 🎉" in summary.content
    assert "Next week: Stage 3, keep going." in summary.content


async def test_a_morning_checkin_after_the_first_session_is_refused_at_setup(
    standin: FakeBotApi, bot: BotRunner
) -> None:
    """The quoted case: the first session at 06:45 and the check-in at 07:00 would ask about the
    morning after its session was already done at the old dose. 07:00 is refused with why,
    and the times offered are all before 06:45."""
    una = standin.user(4405, first_name="Una")
    await answer_until_weight(una)
    await send_and_wait(una, "70", "stair")
    await tap_and_wait(una, "No", "weights")
    await tap_and_wait(una, "None", "gym")
    await tap_and_wait(una, "No", "Which time zone")
    await tap_and_wait(una, "Berlin / Paris", "where you are")
    await tap_and_wait(una, "Yes, that's right", "first session")
    await send_and_wait(una, "06:45", "second session")
    await send_and_wait(una, "18:00", "three times a week")
    await tap_and_wait(una, "Mon · Wed · Fri", "what time on those days")
    await tap_and_wait(una, "18:00", "When should I ask")
    late = await send_and_wait(una, "07:00", "is not before 06:45")
    assert "before the first session" in late.content
    fixes = [label for label, _ in late.buttons]
    assert fixes
    assert all(fix < "06:45" for fix in fixes)
    await send_and_wait(una, "06:15", "You're all set")
    async with bot.runtime.uow() as uow:
        profile = await uow.profiles.get(4405)
    assert profile is not None
    assert (profile.session_times, profile.checkin_time) == (["06:45", "18:00"], "06:15")


async def test_the_strength_cards_say_the_tempo_in_seconds_not_the_cards_tempo(
    standin: FakeBotApi, bot: BotRunner
) -> None:
    """A Stage 2 session through the bot: every card and cue says how slow in seconds; none
    points at "the card's tempo"."""
    await seed_user(bot.runtime, update={"stage": 2, "rung": 0})
    user = standin.user(UID)
    await user.send("/today")
    await user.wait_for(contains="Stage 2")
    await tap_and_wait(user, texts.SESSION_START_BUTTON, "Set 1 of")
    await tap_and_wait(user, texts.SESSION_GO, "slow reps")
    await user.wait_idle()
    said = "\n".join(m.content for m in user.messages)
    assert "card's" not in said
    assert "up for 3 s" in said
    assert "Tempo: up 3 s · down 3 s" in said


async def test_settings_days_speak_of_training_days_not_three_weekly(
    standin: FakeBotApi, bot: BotRunner
) -> None:
    """ "Three-weekly days" reads as "every three weeks": /settings and its Days step say
    "three times a week" and "training days" instead."""
    await seed_user(bot.runtime)
    user = standin.user(UID)
    await send_and_wait(user, "/settings", "Your settings")
    days = await tap_and_wait(user, "Days", "three times a week")
    said = "\n".join(m.content for m in user.messages)
    assert "three-weekly" not in said.lower()
    assert "Training days" in said
    assert days.buttons


async def test_a_retap_of_an_answered_onboarding_question_always_gets_a_reply(
    standin: FakeBotApi, bot: BotRunner
) -> None:
    """Re-tapping an answered onboarding button (its ✓, or the old button an old phone still
    shows) gets a short reply every time, never silence."""
    ray = standin.user(4406, first_name="Ray")
    await send_and_wait(ray, "/start", "can't diagnose")
    await tap_and_wait(ray, texts.OB_BEGIN, "safety check")
    question = await tap_and_wait(ray, texts.OB_FLAGS_NONE, "Which Achilles")
    await tap_and_wait(ray, "Left", "Where exactly")
    assert await ray.wait_closed(question.message_id) == [("✓ Left", "ans")]
    for _ in range(2):  # the ✓ of the answer, twice: a toast and a line each time
        tap = await ray.tap(text="✓ Left", message=question.message_id)
        assert (await ray.wait_answered(tap)).text == texts.ALREADY_ANSWERED
        await ray.wait_for(contains=texts.ALREADY_ANSWERED)
    # The buttons that were there before the answer closed them, tapped from an old screen:
    # each gets a reply too (the question moved on, so it says where the person is now).
    for label, data in question.buttons:
        if label in ("Left", "Right"):
            stale = await ray.tap_data(data or "", question.message_id)
            toast = (await ray.wait_answered(stale)).text or ""
            reply = await ray.wait_for()  # and a line in the chat: never silence
            assert toast in (texts.ALREADY_NOTED, texts.ALREADY_ANSWERED) or "expired" in toast
            assert reply.content
    async with bot.runtime.uow() as uow:
        flow = await uow.flows.get(4406)
    assert flow is not None
    assert flow.data["a"][ob.SIDE] == "left"  # the first answer stands


async def test_no_nudge_for_a_session_the_reminder_already_led_to(
    standin: FakeBotApi, bot: BotRunner, clock: FakeClock
) -> None:
    """Found reading twelve weeks of messages: someone who joins after the day's first session
    time gets the 21:00 reminder, has their session from it, and is told "Next session:
    tomorrow"; two hours later a nudge said "today's session is still waiting". No more."""
    today = local_today(clock())
    clock.set(berlin(today, "19:00"))  # joined after the 18:00 session time
    await seed_user(bot.runtime)
    await bot.runtime.reschedule(UID)
    user = standin.user(UID)
    await run_queue_until(bot, clock, berlin(today, "21:00"))
    reminder = await user.wait_for(contains="Time for your Achilles session")
    await user.tap(text=texts.REMINDER_START, message=reminder)
    await user.wait_for(contains="Set 1 of")
    await tap_and_wait(user, texts.SESSION_ABANDON, "Session ended")
    status = await send_and_wait(user, "/start", "welcome back")
    assert _next(status.content).startswith("tomorrow")
    await run_queue_until(bot, clock, berlin(today, "23:30"))
    await user.wait_idle()
    assert not [m for m in user.messages if "nudge" in m.content or "still waiting" in m.content]


async def test_progress_counts_the_sessions_plan_shows_never_a_percentage(
    standin: FakeBotApi, bot: BotRunner, clock: FakeClock
) -> None:
    """One of today's two sessions done: /plan says "1 of 2 done"; /progress counts the same
    sessions (never "Sessions done: 100 %")."""
    today = local_today(clock())
    monday = today - timedelta(days=1)
    await seed_user(bot.runtime, started=monday)
    async with bot.runtime.uow() as uow:
        for day, slot in ((monday, "1"), (monday, "2"), (today, "1")):
            uow.sessions.add(
                TrainingSession(
                    user_id=UID,
                    local_date=day,
                    slot=slot,
                    stage=1,
                    status="done",
                    plan={},
                    pain_after=1,
                    started_at=berlin(day, "08:00"),
                    ended_at=berlin(day, "08:20"),
                )
            )
        await uow.commit()
    user = standin.user(UID)
    plan = await send_and_wait(user, "/plan", "This week")
    line = next(line for line in plan.content.splitlines() if "Tue 01" in line)
    assert "1 of 2 done" in line
    await user.send("/progress")
    chart = await user.wait_for(lambda m: m.photo is not None, timeout=15)
    assert "Sessions finished: 3 · missed or stopped: 0" in chart.content
    assert "%" not in chart.content


async def test_the_day_of_setup_is_not_missed_when_its_sessions_were_before_it(
    standin: FakeBotApi, bot: BotRunner, clock: FakeClock
) -> None:
    """Found reading twelve weeks of messages: set up at 22:00, after both of the day's session
    times, the next week's /history called that day "❌ missed" while /progress counted nothing
    missed. The day of setup is missed only when a session of it was still to come."""
    today = local_today(clock())
    clock.set(berlin(today, "22:00"))
    await seed_user(bot.runtime)
    await bot.runtime.reschedule(UID)
    user = standin.user(UID)
    await run_queue_until(bot, clock, berlin(today + timedelta(days=1), "10:00"))
    history = await send_and_wait(user, "/history", "Your last 14 days")
    line = next(line for line in history.content.splitlines() if line.startswith("Tue 1 Dec"))
    assert "missed" not in line
    async with bot.runtime.uow() as uow:
        assert await uow.sent_log.count(UID, "missed") == 0  # what /progress counts
