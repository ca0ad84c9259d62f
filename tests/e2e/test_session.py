"""The guided session end to end: the real bot polls the Bot API stand-in over HTTP.

An onboarded user is seeded straight into the database (onboarding has its own tests); everything
after that is what a user would do on the phone: /today, Start, Go, the pain buttons, typing.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

import rehab
from bot import texts, views
from bot.app import BotRunner
from bot.callbacks import pack
from bot.keyboards import pain_keyboard
from service_layer.planner import SLOT_CHECKIN, Kind
from service_layer.programme import load_state, save_state
from service_layer.runtime import Runtime
from standin.driver import UserDriver
from standin.server import FakeBotApi
from storage.models import Profile, SentLog
from tests.e2e.conftest import running_bot
from tests.fakes import FakeClock

pytestmark = pytest.mark.e2e

UID = 5101
ZONE = "Europe/Berlin"
CHECKIN_TIME = "07:30"


def moderate_profile() -> rehab.Profile:
    """Moderate irritability: Stage 1, 4 × 20 s holds with 45 s rest."""
    return rehab.Profile(
        presentation=rehab.Presentation.MID_PORTION,
        side=rehab.Side.RIGHT,
        bodyweight_kg=70,
        max_added_load_kg=10,
        gym=False,
        has_step=True,
        rest_pain=2,
        morning_pain=4,
        stiffness_minutes=10,
        single_leg_heel_raises=5,
    )


def local_today(now: datetime) -> date:
    return now.astimezone(ZoneInfo(ZONE)).date()


async def seed_user(
    runtime: Runtime,
    user_id: int = UID,
    *,
    profile: rehab.Profile | None = None,
    started: date | None = None,
    update: dict[str, object] | None = None,
) -> rehab.ProgrammeState:
    """A user who has finished onboarding (user, profile and programme rows)."""
    now = runtime.now()
    profile = profile or moderate_profile()
    async with runtime.uow() as uow:
        user, _ = await uow.users.upsert(
            user_id=user_id, chat_id=user_id, first_name="Ana", language="en", now=now
        )
        user.timezone = ZONE
        uow.profiles.add(
            Profile(
                user_id=user_id,
                answers=profile.model_dump(mode="json"),
                session_times=["18:00", "21:00"],
                weekly_days=[0, 2, 4],
                weekly_time="18:00",
                checkin_time=CHECKIN_TIME,
                updated_at=now,
            )
        )
        state = rehab.start_programme(profile, started or local_today(now))
        if update:
            state = state.model_copy(update=update)
        await save_state(uow, user_id, state, now)
        await uow.commit()
    return state


async def ask_checkin(bot: BotRunner, day: str, user_id: int = UID) -> None:
    """Send the morning question exactly as the scheduler does (its buttons: mc:<day>:<pain>),
    recording it in the ledger as sent first, as the scheduler does (an answer is taken only
    for a morning that was asked about)."""
    now = bot.runtime.now()
    local_date = datetime.strptime(day, "%Y%m%d").date()
    async with bot.runtime.uow() as uow:
        if await uow.users.get(user_id) is not None:
            await uow.sent_log.claim(
                SentLog(
                    user_id=user_id,
                    kind=Kind.CHECKIN,
                    local_date=local_date,
                    slot=SLOT_CHECKIN,
                    status="sent",
                    due_at=now,
                    created_at=now,
                )
            )
            await uow.commit()
    await bot.application.bot.send_message(
        user_id, texts.CHECKIN_QUESTION, reply_markup=pain_keyboard(lambda v: pack("mc", day, v))
    )


async def set_logs(runtime: Runtime, user_id: int = UID) -> list[tuple[int, int, int | None]]:
    """(exercise_index, set_no, pain) of every stored set, in order."""
    async with runtime.uow() as uow:
        rows = await uow.sessions.sets_for_user(user_id)
        return [(r.exercise_index, r.set_no, r.pain_during) for r in rows]


async def start_session(user: UserDriver) -> None:
    await user.send("/today")
    await user.wait_for(contains="Stage 1")
    await user.tap(text=texts.SESSION_START_BUTTON)
    await user.wait_for(contains="Set 1 of")


async def do_set(user: UserDriver, pain: int, *, typed: str | None = None) -> str:
    """Go, wait for the job queue's "Time's up", answer the pain; the bot's next message."""
    await user.tap(text=texts.SESSION_GO)
    await user.wait_for(contains="Time's up")
    if typed is not None:
        await user.send(typed)
    else:
        await user.tap(text=str(pain))
    reply = await user.wait_for(contains=f"{pain}/10")
    return reply.content


async def test_full_stage1_session_set_by_set(
    standin: FakeBotApi, bot: BotRunner, clock: FakeClock
) -> None:
    state = await seed_user(bot.runtime)
    plan = rehab.prescribe(state, local_today(clock()))
    assert plan.stage == 1
    assert plan.exercises
    user = standin.user(UID, first_name="Ana")

    await user.send("/today")
    today = await user.wait_for(contains="Stage 1")
    first = plan.exercises[0]
    assert first.name in today.content
    assert f"{first.sets} × {first.hold_s} s hold" in today.content

    await user.tap(text=texts.SESSION_START_BUTTON)
    card = await user.wait_for(contains="Set 1 of")
    assert first.name in card.content
    assert first.how_to.split()[0] in card.content

    expected: list[tuple[int, int, int | None]] = []
    times: list[datetime] = []
    pains = [1, 2, 0, 3]
    for index, ex in enumerate(plan.exercises):
        for set_no in range(1, ex.sets + 1):
            pain = pains[(set_no - 1) % len(pains)]
            clock.advance(minutes=1)
            times.append(clock())
            # The first set answers by typing, the others by the buttons.
            typed = f" {pain}/10 " if (index, set_no) == (0, 1) else None
            reply = await do_set(user, pain, typed=typed)
            expected.append((index, set_no, pain))
            assert await set_logs(bot.runtime) == expected  # stored as soon as answered
            if set_no < ex.sets:
                assert f"Rest {ex.rest_s} s" in reply
                if (index, set_no) == (0, 1):
                    # The first rest runs its (scaled) timer to the end.
                    await user.wait_for(contains=texts.SESSION_REST_OVER)
                else:
                    await user.tap(text=texts.SESSION_SKIP_REST)
                    await user.wait_for(contains=f"Set {set_no + 1} of")
            elif index + 1 < len(plan.exercises):
                assert "Set 1 of" in reply
                assert plan.exercises[index + 1].name in reply
            else:
                assert "Pain right now?" in reply

    await user.tap(text="1")
    summary = await user.wait_for(contains="Session done")
    for ex in plan.exercises:
        assert f"{ex.name}: {ex.sets} sets, top pain 3/10" in summary.content
    assert "Pain now: 1/10" in summary.content
    assert CHECKIN_TIME in summary.content
    # Done at about 09:00: the 18:00 reminder is covered, the next one comes at 21:00.
    assert "Next session: today at 21:00.\nI'll ask about your first steps" in summary.content
    # /today: one of today's two sessions is done, the second can start.
    await user.send("/today")
    today = await user.wait_for(contains="1 of 2 sessions done today")
    assert [label for label, _ in today.buttons] == [texts.SESSION_START_BUTTON]

    async with bot.runtime.uow() as uow:
        rows = list(await uow.sessions.sets_for_user(UID))
        assert [r.logged_at for r in rows] == times
        sessions = list(await uow.sessions.all_for(UID))
        assert [(s.status, s.pain_after) for s in sessions] == [("done", 1)]
        stored = await load_state(uow, UID)
    assert stored is not None
    assert stored.sessions
    assert stored.sessions[-1].completed

    await user.send("/today")
    again = await user.wait_for(contains="Stage 1")
    assert texts.SESSION_START_BUTTON in [label for label, _ in again.buttons]  # 2nd of the day


async def test_red_set_makes_the_next_set_lighter_and_says_why(
    standin: FakeBotApi, bot: BotRunner
) -> None:
    state = await seed_user(bot.runtime)
    first = rehab.prescribe(state, local_today(bot.runtime.now())).exercises[0]
    assert first.hold_s is not None
    user = standin.user(UID)
    await start_session(user)

    await do_set(user, 2)
    await user.tap(text=texts.SESSION_SKIP_REST)
    await user.wait_for(contains="Set 2 of")
    told = await do_set(user, 6)
    lighter = first.hold_s - 5
    assert "That set hurt 6/10" in told
    assert "one step lighter" in told
    assert f"{lighter} s" in told

    await user.tap(text=texts.SESSION_SKIP_REST)
    set3 = await user.wait_for(contains="Set 3 of")
    assert f"{lighter} s hold" in set3.content
    await user.tap(text=texts.SESSION_GO)
    cue = await user.wait_for(contains="Hold for")
    assert f"Hold for {lighter} s" in cue.content
    await user.wait_for(contains="Time's up")
    await user.tap(text="2")
    await user.wait_for(contains="2/10")
    async with bot.runtime.uow() as uow:
        rows = list(await uow.sessions.sets_for_user(UID))
    assert [(r.set_no, r.pain_during, r.hold_s) for r in rows] == [
        (1, 2, first.hold_s),
        (2, 6, first.hold_s),
        (3, 2, lighter),
    ]


async def test_a_red_last_set_promises_no_lighter_set_and_says_what_comes_next(
    standin: FakeBotApi, bot: BotRunner
) -> None:
    """Issue 11, point 7: "the next set is one step lighter" only when a set of that exercise
    follows; after the last set the message says what happens next, and the next exercise
    comes at its own dose."""
    state = await seed_user(bot.runtime)
    plan = rehab.prescribe(state, local_today(bot.runtime.now()))
    first, second = plan.exercises[0], plan.exercises[1]
    user = standin.user(UID)
    await start_session(user)
    for set_no in range(1, first.sets):
        await do_set(user, 2)
        await user.tap(text=texts.SESSION_SKIP_REST)
        await user.wait_for(contains=f"Set {set_no + 1} of")
    told = await do_set(user, 6)
    assert "That last set hurt 6/10" in told
    assert "next set" not in told
    assert "done for today" in told
    assert "next session will be a step lighter" in told
    assert second.name in told
    assert f"{second.sets} × {second.hold_s} s hold" in told or f"{second.hold_s} s" in told


async def test_bad_pain_input_gets_one_short_hint_and_the_buttons_stay(
    standin: FakeBotApi, bot: BotRunner
) -> None:
    await seed_user(bot.runtime)
    user = standin.user(UID)
    await start_session(user)
    await user.tap(text=texts.SESSION_GO)
    question = await user.wait_for(contains="Time's up")
    for bad in ("ouch", "11", "-1", "2 or 3"):
        await user.send(bad)
        hint = await user.wait_for(contains="number from 0 to 10")
        assert hint.content == texts.SESSION_PAIN_HINT  # not the whole question again
        live = standin.message(user.chat_id, question.message_id)
        assert [label for label, _ in live.buttons][:11] == [str(v) for v in range(11)]
    assert await set_logs(bot.runtime) == []
    await user.send("4")
    await user.wait_for(contains="4/10")
    assert await set_logs(bot.runtime) == [(0, 1, 4)]


async def test_a_double_tap_logs_once(standin: FakeBotApi, bot: BotRunner) -> None:
    await seed_user(bot.runtime)
    user = standin.user(UID)
    await start_session(user)
    await user.tap(text=texts.SESSION_GO)
    question = await user.wait_for(contains="Time's up")
    data = next(d for label, d in question.buttons if label == "3")
    assert data is not None
    await user.tap_data(data, question.message_id)
    second = await user.tap_data(data, question.message_id)
    await user.wait_answered(second)  # so the first tap was handled in full too
    assert await set_logs(bot.runtime) == [(0, 1, 3)]
    assert texts.ALREADY_NOTED in [a.text for a in user.callback_answers]
    assert not [m for m in user.messages if texts.BUTTON_EXPIRED in m.content]


async def test_forged_data_naming_another_users_session_changes_nothing(
    standin: FakeBotApi, bot: BotRunner
) -> None:
    victim_id, mallory_id = UID, UID + 1
    await seed_user(bot.runtime, victim_id)
    await seed_user(bot.runtime, mallory_id)
    victim = standin.user(victim_id, first_name="Ana")
    mallory = standin.user(mallory_id, first_name="Mallory")
    await start_session(victim)
    await victim.tap(text=texts.SESSION_GO)
    victim_question = await victim.wait_for(contains="Time's up")
    victim_data = next(d for label, d in victim_question.buttons if label == "9")
    assert victim_data is not None

    await start_session(mallory)
    mine = mallory.last_message
    my_data = next(d for _, d in mine.buttons if d is not None)
    my_version, my_session = my_data.split(":")[1:3]
    victim_session = victim_data.split(":")[2]
    assert my_session != victim_session
    # Mallory's own current version, the victim's session id, and the victim's exact button.
    forged = [f"f:{my_version}:{victim_session}:p:9", f"f:{my_version}:{victim_session}:go"]
    for data in [*forged, victim_data]:
        await mallory.tap_data(data, mine.message_id)
        await mallory.wait_for(contains=texts.BUTTON_EXPIRED)
        current = await mallory.wait_for(contains="Set 1 of")
        assert any(label == texts.SESSION_GO for label, _ in current.buttons)

    assert await set_logs(bot.runtime, victim_id) == []
    assert await set_logs(bot.runtime, mallory_id) == []
    async with bot.runtime.uow() as uow:
        victim_row = await uow.sessions.get(int(victim_session))
        assert victim_row is not None
        assert (victim_row.step, victim_row.set_no, victim_row.status) == ("pain", 1, "in_progress")
    # The victim's own button still works.
    await victim.tap(text="2")
    await victim.wait_for(contains="2/10")
    assert await set_logs(bot.runtime, victim_id) == [(0, 1, 2)]


async def test_pause_then_today_offers_continue_at_the_same_set(
    standin: FakeBotApi, bot: BotRunner
) -> None:
    await seed_user(bot.runtime)
    user = standin.user(UID)
    await start_session(user)
    await do_set(user, 1)
    await user.tap(text=texts.SESSION_PAUSE)
    await user.wait_for(contains="Paused")
    await user.send("/today")
    today = await user.wait_for(contains="in progress")
    await user.tap(text=texts.SESSION_CONTINUE_BUTTON)
    resumed = await user.wait_for(contains=texts.SESSION_CONTINUED)
    assert "Set 2 of" in resumed.content
    await do_set(user, 2)
    assert await set_logs(bot.runtime) == [(0, 1, 1), (0, 2, 2)]
    assert today.buttons


async def test_abandon_is_logged(standin: FakeBotApi, bot: BotRunner) -> None:
    await seed_user(bot.runtime)
    user = standin.user(UID)
    await start_session(user)
    await do_set(user, 1)
    await user.tap(text=texts.SESSION_SKIP_REST)
    await user.wait_for(contains="Set 2 of")
    await user.tap(text=texts.SESSION_ABANDON)
    await user.wait_for(contains="Session ended")
    async with bot.runtime.uow() as uow:
        rows = list(await uow.sessions.all_for(UID))
        assert [r.status for r in rows] == ["abandoned"]
        assert rows[0].ended_at == bot.runtime.now()
    assert await set_logs(bot.runtime) == [(0, 1, 1)]


async def test_pain_seven_ends_the_session_with_rest_advice(
    standin: FakeBotApi, bot: BotRunner, clock: FakeClock
) -> None:
    await seed_user(bot.runtime)
    user = standin.user(UID)
    await start_session(user)
    told = await do_set(user, 7)
    assert "too high to carry on" in told
    assert told.count("clinician") + told.count("physio or doctor") == 1  # advice given once
    await user.wait_for(contains="Session ended early")
    async with bot.runtime.uow() as uow:
        rows = list(await uow.sessions.all_for(UID))
    assert [r.status for r in rows] == ["ended_early"]

    # "Stop for today" holds: /today offers no second session, and Start opens none.
    await user.send("/today")
    today = await user.wait_for(contains=texts.TODAY_PAIN_STOPPED)
    assert today.buttons == []
    await user.tap_data("ses:open", today.message_id)
    await user.wait_for(contains=texts.SESSION_PAIN_STOPPED_TODAY)
    async with bot.runtime.uow() as uow:
        assert len(list(await uow.sessions.all_for(UID))) == 1

    # The next morning's answer: a red session (not "missing answers"), so no dose is kept.
    clock.advance(days=1)
    day = local_today(clock()).strftime("%Y%m%d")
    await ask_checkin(bot, day)
    question = await user.wait_for(contains="first steps")
    await user.tap(text="2", message=question)
    decided = await user.wait_for(contains="Morning pain 2/10 noted")
    assert "hurt more than 4/10" in decided.content
    assert "missing" not in decided.content


@pytest.mark.parametrize("command", ["/today", "/plan", "/stage", "/test"])
async def test_commands_point_a_new_user_to_start(
    standin: FakeBotApi, bot: BotRunner, command: str
) -> None:
    user = standin.user(UID + 7)
    await user.send(command)
    reply = await user.wait_for(contains="/start")
    assert reply.content == texts.NOT_ONBOARDED


async def test_plan_and_stage_describe_the_week_and_the_gate(
    standin: FakeBotApi, bot: BotRunner, clock: FakeClock
) -> None:
    state = await seed_user(bot.runtime)
    user = standin.user(UID)
    await user.send("/plan")
    plan = await user.wait_for(contains="This week")
    assert "Stage 1" in plan.content
    # Twice daily, every day from the start (a Tuesday); Monday came before the programme.
    assert plan.content.count(": 2 sessions") == 6
    assert "Mon 30: –" in plan.content
    assert "🔹 Tue 01 (today): 2 sessions (18:00, 21:00)\n" in plan.content
    first = rehab.prescribe(state, local_today(clock())).exercises[0]
    assert first.name in plan.content

    await user.send("/stage")
    stage = await user.wait_for(contains="Stage 1")
    gate = rehab.gate_status(state, local_today(clock()))
    for req in gate.requirements:
        label, detail = texts.requirement_words(req)
        assert f"{label} ({detail})" in stage.content
    assert "To move on" in stage.content

    await user.send("/test")
    await user.wait_for(contains="No test is due")


async def test_today_on_the_next_day_after_a_paused_session_starts_fresh(
    standin: FakeBotApi, bot: BotRunner, clock: FakeClock
) -> None:
    await seed_user(bot.runtime)
    user = standin.user(UID)
    await start_session(user)
    await user.tap(text=texts.SESSION_PAUSE)
    await user.wait_for(contains="Paused")
    clock.advance(days=1)
    await user.send("/today")
    today = await user.wait_for(contains="Stage 1")
    assert texts.SESSION_START_BUTTON in [label for label, _ in today.buttons]
    await user.tap(text=texts.SESSION_START_BUTTON)
    await user.wait_for(contains="Set 1 of")
    async with bot.runtime.uow() as uow:
        rows = list(await uow.sessions.all_for(UID))
    assert [r.status for r in rows] == ["abandoned", "in_progress"]
    assert rows[1].local_date == rows[0].local_date + timedelta(days=1)


async def test_stage3_asks_easy_right_hard_after_each_exercise(
    standin: FakeBotApi, bot: BotRunner, clock: FakeClock
) -> None:
    clock.set(datetime(2026, 12, 2, 8, 0, tzinfo=ZoneInfo("UTC")))  # a Wednesday: a training day
    state = await seed_user(bot.runtime, update={"stage": 3, "rung": 0})
    plan = rehab.prescribe(state, local_today(clock()))
    assert plan.stage == 3
    user = standin.user(UID)
    await user.send("/today")
    today = await user.wait_for(contains="Stage 3")
    assert "3 × 15 reps" in today.content
    await user.tap(text=texts.SESSION_START_BUTTON)
    card = await user.wait_for(contains="Set 1 of")
    assert "up 3 s · down 3 s" in card.content  # the tempo on the card

    efforts = ["easy", "right", "hard"]
    assert any(ex.hold_s for ex in plan.exercises)  # the loaded hold: asked in its own words
    for index, ex in enumerate(plan.exercises):
        labels = dict(texts.SESSION_EFFORTS_HOLD if ex.hold_s else texts.SESSION_EFFORTS)
        for set_no in range(1, ex.sets + 1):
            await user.tap(text=texts.SESSION_GO)
            cue = await user.wait_for(lambda m: texts.SESSION_DONE in [b for b, _ in m.buttons])
            if ex.tempo_s:
                assert "up for 3 s · down for 3 s" in cue.content
            await user.tap(text=texts.SESSION_DONE)
            await user.wait_for(contains="Pain during that set?")
            await user.tap(text="1")
            answered = await user.wait_for(contains="1/10")
            reply = answered.content
            if set_no < ex.sets:
                await user.tap(text=texts.SESSION_SKIP_REST)
                await user.wait_for(contains=f"Set {set_no + 1} of")
        assert texts.SESSION_EFFORT_QUESTION in reply
        assert [label for label, _ in answered.buttons] == list(labels.values())
        await user.tap(text=labels[efforts[index % 3]])
        await user.wait_for(contains="Set 1 of" if index + 1 < len(plan.exercises) else "Pain")
    await user.tap(text="0")
    await user.wait_for(contains="Session done")
    async with bot.runtime.uow() as uow:
        rows = list(await uow.sessions.all_for(UID))
    assert rows[0].efforts == {
        ex.exercise_id: efforts[i % 3] for i, ex in enumerate(plan.exercises)
    }


async def test_test_runs_a_due_recheck_step_by_step(standin: FakeBotApi, bot: BotRunner) -> None:
    await seed_user(bot.runtime, update={"needs_recheck": True})
    user = standin.user(UID)
    await user.send("/stage")
    stage = await user.wait_for(contains="Stage 1")
    assert "/test" in stage.content
    await user.send("/test")
    await user.wait_for(contains="Progress test")
    await user.wait_for(contains="first steps")
    await user.tap(text="2")
    await user.wait_for(contains="How many did you do?")
    await user.send("lots")
    await user.wait_for(contains=texts.TEST_COUNT_HINT)
    await user.send("12")
    result = await user.wait_for(contains="Re-check")
    async with bot.runtime.uow() as uow:
        tests = [
            (t.test, t.result["heel_raise_reps"], t.result["morning_pain"], t.passed)
            for t in await uow.gate_tests.all_for(UID)
        ]
        decisions = list(await uow.decisions.all_for(UID))
        state = await load_state(uow, UID)
    assert tests == [("recheck", 12, 2, True)]
    assert views.reason_words(decisions[-1]) in result.content  # what the person read
    assert state is not None
    assert not state.needs_recheck
    await user.send("/test")
    await user.wait_for(contains="No test is due")


async def test_two_red_sets_stop_that_exercise_and_move_on(
    standin: FakeBotApi, bot: BotRunner, clock: FakeClock
) -> None:
    state = await seed_user(bot.runtime)
    plan = rehab.prescribe(state, local_today(clock()))
    assert len(plan.exercises) > 1
    user = standin.user(UID)
    await start_session(user)
    await do_set(user, 5)
    await user.tap(text=texts.SESSION_SKIP_REST)
    await user.wait_for(contains="Set 2 of")
    told = await do_set(user, 5)
    assert "stop this exercise" in told
    assert "Set 1 of" in told
    assert plan.exercises[1].name in told
    async with bot.runtime.uow() as uow:
        row = (await uow.sessions.all_for(UID))[0]
    assert (row.exercise_index, row.set_no, row.step) == (1, 1, "ready")


async def test_a_double_tap_on_the_last_answer_is_acknowledged_once(
    standin: FakeBotApi, bot: BotRunner
) -> None:
    await seed_user(bot.runtime)
    user = standin.user(UID)
    await start_session(user)
    await user.tap(text=texts.SESSION_GO)
    question = await user.wait_for(contains="Time's up")
    data = next(d for label, d in question.buttons if label == "8")
    assert data is not None
    await user.tap_data(data, question.message_id)  # pain 8 ends the session
    second = await user.tap_data(data, question.message_id)
    await user.wait_answered(second)  # so the first tap was handled in full too
    contents = [m.content for m in user.messages]
    assert sum("Session ended early" in c for c in contents) == 1
    assert not [c for c in contents if texts.BUTTON_EXPIRED in c]
    assert texts.ALREADY_NOTED in [a.text for a in user.callback_answers]
    assert await set_logs(bot.runtime) == [(0, 1, 8)]
    # Typing afterwards gets the ordinary hint, not a session step.
    await user.send("hello")
    await user.wait_for(contains=texts.UNEXPECTED_TEXT)


async def test_a_paused_programme_has_no_session_until_resumed(
    standin: FakeBotApi, bot: BotRunner, clock: FakeClock
) -> None:
    await seed_user(bot.runtime, update={"paused": True, "paused_on": local_today(clock())})
    user = standin.user(UID)
    await user.send("/today")
    today = await user.wait_for(contains="Stage 1")
    assert texts.SESSION_PROGRAMME_PAUSED in today.content
    assert today.buttons == []
    async with bot.runtime.uow() as uow:
        assert list(await uow.sessions.all_for(UID)) == []


async def checkpoint_due(standin: FakeBotApi, bot: BotRunner, clock: FakeClock) -> UserDriver:
    """A gym user 5 weeks into Stage 3 (7 in the programme) who sends /test: the Stage 4
    checkpoint starts with the heel-raise count."""
    today = local_today(clock())
    profile = moderate_profile().model_copy(update={"gym": True})
    await seed_user(
        bot.runtime,
        profile=profile,
        started=today - timedelta(days=50),
        update={"stage": 3, "rung": 0, "stage_start": today - timedelta(days=35)},
    )
    user = standin.user(UID)
    await user.send("/test")
    await user.wait_for(contains="How many did you do?")
    return user


async def test_test_runs_the_stage4_checkpoint_step_by_step(
    standin: FakeBotApi, bot: BotRunner, clock: FakeClock
) -> None:
    user = await checkpoint_due(standin, bot, clock)
    await user.send("30")
    other = await user.wait_for(contains="other leg")
    await user.tap(text=texts.TEST_SKIP, message=other)
    hold = await user.wait_for(contains="Hold a single-leg heel raise for 30 s with 35 kg extra")
    assert [label for label, _ in hold.buttons] == [str(v) for v in range(11)] + [
        "Couldn't hold 30 s"
    ]
    await user.tap(text="1", message=hold)
    result = await user.wait_for(contains="Checkpoint passed")
    assert "Test passed" in result.content
    async with bot.runtime.uow() as uow:
        rows = [
            (t.stage, t.test, t.result["heel_raise_reps"], t.result["loaded_hold_pain"], t.passed)
            for t in await uow.gate_tests.all_for(UID)
        ]
        state = await load_state(uow, UID)
    assert rows == [(3, "loaded_hold", 30, 1, True)]
    assert state is not None
    assert state.pending_gate is not None  # Stage 4 follows a calm morning
    assert state.stage == 3


async def test_a_checkpoint_hold_that_could_not_be_held_is_a_failed_test(
    standin: FakeBotApi, bot: BotRunner, clock: FakeClock
) -> None:
    """The 1.5 x body-weight hold has an honest way out: "Couldn't hold 30 s" fails the test
    (whatever the pain), Stage 3 goes on, and the retest is 7 days away."""
    user = await checkpoint_due(standin, bot, clock)
    await user.send("28")
    other = await user.wait_for(contains="other leg")
    await user.tap(text=texts.TEST_SKIP, message=other)
    hold = await user.wait_for(contains="Smith machine")
    await user.tap(text="Couldn't hold 30 s", message=hold)
    result = await user.wait_for(contains="couldn't hold the 30 s")
    assert "Try the checkpoint again in 7 days" in result.content
    async with bot.runtime.uow() as uow:
        tests = list(await uow.gate_tests.all_for(UID))
        state = await load_state(uow, UID)
    assert [(t.test, t.result["loaded_hold_done"], t.passed) for t in tests] == [
        ("loaded_hold", False, False)
    ]
    assert state is not None
    assert state.stage == 3
    assert state.pending_gate is None
    await user.send("/test")
    await user.wait_for(contains="No test is due")


async def test_start_status_names_the_reminder_that_will_really_come(
    standin: FakeBotApi, bot: BotRunner
) -> None:
    """Sessions at 18:00 and 21:00; one done at 09:00 covers the 18:00 reminder (it is not
    sent), so /start's "next session" is 21:00, not 18:00."""
    await seed_user(bot.runtime)
    user = standin.user(UID)
    await user.send("/start")
    assert "Next session: today at 18:00" in (await user.wait_for(contains="welcome back")).content
    await start_session(user)
    await do_set(user, 1)
    await user.wait_for(contains=texts.SESSION_REST_OVER)
    await user.tap(text=texts.SESSION_ABANDON)
    await user.wait_for(contains="Session ended")
    await user.send("/start")
    assert "Next session: today at 21:00" in (await user.wait_for(contains="welcome back")).content


async def test_history_does_not_call_today_a_rest_day_before_it_is_over(
    standin: FakeBotApi, bot: BotRunner
) -> None:
    await seed_user(bot.runtime)
    user = standin.user(UID)
    await user.send("/history")
    history = await user.wait_for(contains="Your last 14 days")
    assert "Tue 1 Dec · ⏳ nothing yet today" in history.content
    assert "rest" not in history.content


def _countdowns(user: UserDriver, message_id: int) -> list[tuple[int, list[str]]]:
    """(seconds left, button labels) of each countdown edit of one message, in order."""
    found = []
    previous = ""
    for snap in user.history:
        if snap.message_id != message_id:
            continue
        match = re.search(r"⏱ (\d+) s left$", snap.content)
        if snap.edited and match and snap.content != previous:  # not the buttons closing
            found.append((int(match.group(1)), [label for label, _ in snap.buttons]))
        previous = snap.content
    return found


async def test_holds_and_rests_count_down_at_most_every_5_seconds(
    standin: FakeBotApi, e2e_database_url: str, clock: FakeClock
) -> None:
    """Timers at 1/20 of real time: the 20 s hold's message shows 15, 10, 5 s left (never more
    often than every 5 s of session time), keeping its Done button; the 45 s rest counts too."""
    async with running_bot(e2e_database_url, standin, clock, timer_scale=0.05) as bot:
        await seed_user(bot.runtime)
        user = standin.user(UID)
        await start_session(user)
        await user.tap(text=texts.SESSION_GO)
        cue = await user.wait_for(contains="Hold for 20 s")
        await user.wait_for(contains="Time's up", timeout=10)
        hold = _countdowns(user, cue.message_id)
        assert hold
        assert [left for left, _ in hold] == [15, 10, 5][: len(hold)]
        assert all(labels == [texts.SESSION_DONE] for _, labels in hold)
        # Once the time is up the message no longer says "⏱ 5 s left" (read weeks later).
        await user.wait_idle()
        assert "s left" not in standin.message(UID, cue.message_id).content

        await user.tap(text="1")
        rest = await user.wait_for(contains="Rest 45 s")
        await user.wait_for(contains=texts.SESSION_REST_OVER, timeout=10)
        rests = _countdowns(user, rest.message_id)
        assert len(rests) >= 3
        assert [left for left, _ in rests] == list(range(40, 0, -5))[: len(rests)]
        assert all(texts.SESSION_SKIP_REST in labels for _, labels in rests)
        await user.wait_idle()
        assert "s left" not in standin.message(UID, rest.message_id).content


async def test_skipping_a_rest_mid_countdown_leaves_no_time_left_standing(
    standin: FakeBotApi, e2e_database_url: str, clock: FakeClock
) -> None:
    """Skip rest while the rest counts down: the message keeps its words and the ✓ of the
    answer, not "⏱ 30 s left" for ever."""
    async with running_bot(e2e_database_url, standin, clock, timer_scale=0.05) as bot:
        await seed_user(bot.runtime)
        user = standin.user(UID)
        await start_session(user)
        await user.tap(text=texts.SESSION_GO)
        await user.wait_for(contains="Time's up", timeout=10)
        await user.tap(text="1")
        rest = await user.wait_for(contains="Rest 45 s")
        await user.wait_for(lambda m: m.message_id == rest.message_id and "s left" in m.content)
        await user.tap(text=texts.SESSION_SKIP_REST, message=rest.message_id)
        await user.wait_for(contains="Set 2 of")
        await user.wait_idle()
        shown = standin.message(UID, rest.message_id)
        assert "s left" not in shown.content
        assert shown.content.startswith("Noted: 1/10")
        assert [label for label, _ in shown.buttons] == [f"✓ {texts.SESSION_SKIP_REST}"]
