"""The rule book's revision 2 in the chat (issue 11), end to end through the Bot API stand-in."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

import rehab
import rehab.outcomes
from bot import texts
from bot.app import BotRunner
from service_layer.programme import load_state, save_state
from standin.driver import UserDriver
from standin.models import SentMessage
from standin.server import FakeBotApi
from tests.e2e.test_later_stages import seed_state
from tests.e2e.test_onboarding import send_and_wait, tap_and_wait
from tests.e2e.test_session import UID, ask_checkin, do_set, local_today, seed_user
from tests.fakes import FakeClock
from tests.unit.rehab.helpers import green_day

pytestmark = pytest.mark.e2e


def strong_profile(**over: object) -> rehab.Profile:
    """Low irritability with 25+ raises: Stage 2's top, or the Stage 3 test chosen at signup."""
    data: dict[str, object] = {
        "presentation": "mid-portion",
        "side": "right",
        "bodyweight_kg": 75,
        "max_added_load_kg": 20,
        "rest_pain": 0,
        "morning_pain": 1,
        "stiffness_minutes": 5,
        "single_leg_heel_raises": 30,
        "stage3_entry_test": True,
    }
    data.update(over)
    return rehab.Profile.model_validate(data)


async def morning(bot: BotRunner, user: UserDriver, day: date, pain: int) -> str:
    """The scheduler's morning question for ``day``, answered with ``pain``; the reply."""
    await ask_checkin(bot, day.strftime("%Y%m%d"))
    question = await user.wait_for(contains="first steps")
    await user.tap(text=str(pain), message=question)
    told = await user.wait_for(contains=f"Morning pain {pain}/10 noted")
    return told.content


async def onboard_choosing_the_stage3_test(user: UserDriver) -> None:
    """Real onboarding answers of a calm, strong tendon that picks "Test for Stage 3"."""
    await send_and_wait(user, "/start", "can't diagnose")
    await tap_and_wait(user, texts.OB_BEGIN, "safety check")
    await tap_and_wait(user, texts.OB_FLAGS_NONE, "Which Achilles")
    await tap_and_wait(user, "Right", "Where exactly")
    await tap_and_wait(user, "Mid-portion", "at rest")
    await tap_and_wait(user, "0", "first steps")
    await tap_and_wait(user, "1", "stiff")
    await tap_and_wait(user, "Under 10 min", "heel raises")
    await tap_and_wait(user, "25+", "weigh")
    await send_and_wait(user, "75", "stair")
    await tap_and_wait(user, "Yes", "weights")
    await send_and_wait(user, "20", "gym")
    await tap_and_wait(user, "No", "take a short test first")
    await tap_and_wait(user, "Test for Stage 3", "Which time zone")
    await send_and_wait(user, "berlin", "where you are")
    await tap_and_wait(user, "Yes, that's right", "first session")
    await tap_and_wait(user, "07:00", "second session")
    await send_and_wait(user, "19:30", "three times a week")
    await tap_and_wait(user, "Mon · Wed · Fri", "what time on those days")
    await tap_and_wait(user, "18:00", "When should I ask")
    await tap_and_wait(user, "06:30", "You're all set")  # before the 07:00 session


async def test_a_signup_test_is_void_after_two_flares_and_a_step_back_to_stage1(
    standin: FakeBotApi, bot: BotRunner, clock: FakeClock
) -> None:
    """The issue's scenario: "Test for Stage 3" chosen at signup, two flares, back to Stage 1;
    two days later the old test must not be offered (it was, and led straight to Stage 3)."""
    user = standin.user(UID)
    await onboard_choosing_the_stage3_test(user)
    async with bot.runtime.uow() as uow:
        state = await load_state(uow, UID)
    assert state is not None
    assert state.entry_test_pending  # the signup choice
    assert rehab.gate_status(state, local_today(clock())).test is rehab.GateTest.STAGE3_ENTRY

    clock.advance(days=1)
    first = await morning(bot, user, local_today(clock()), 6)
    assert "6/10, a flare" in first
    clock.advance(days=2)
    second = await morning(bot, user, local_today(clock()), 6)
    assert "second flare within 7 days" in second
    assert "Stage 1" in second

    clock.advance(days=2)
    await user.send("/test")
    reply = await user.wait_for(contains="No test is due")
    assert reply.content == texts.TEST_NOT_DUE
    async with bot.runtime.uow() as uow:
        state = await load_state(uow, UID)
        tests = list(await uow.gate_tests.all_for(UID))
    assert state is not None
    assert state.stage == 1
    assert not state.entry_test_pending
    assert tests == []


async def test_a_walk_jog_session_is_timed_walk_by_jog(
    standin: FakeBotApi, bot: BotRunner, clock: FakeClock
) -> None:
    """The running block in chat: 4 × (walk 2 min, jog 2 min), the bot says when to jog and
    when to walk again, then asks the pain once; no reps-left question after a run."""
    clock.set(datetime(2026, 12, 2, 8, 0, tzinfo=UTC))  # a Wednesday: a training day
    today = local_today(clock())
    state = await seed_user(
        bot.runtime,
        profile=strong_profile(stage3_entry_test=False),
        started=today - timedelta(weeks=12),
        update={
            "stage": 4,
            "rung": 4,
            "stage_start": today - timedelta(weeks=4),
            "last_hsr_on": today - timedelta(days=2),
            "last_session_on": today - timedelta(days=2),
            "runs": True,
            "run_since": today - timedelta(days=1),
            "hop_test_on": today - timedelta(days=1),
        },
    )
    plan = rehab.prescribe(state, today)
    assert plan.session_type is rehab.SessionType.RUN
    (run,) = plan.exercises
    user = standin.user(UID)
    await user.send("/today")
    shown = await user.wait_for(contains="Stage 4")
    assert "4 × (walk 2 min, jog 2 min)" in shown.content
    await user.tap(text=texts.SESSION_START_BUTTON)
    # The card (the picture before it has the same name as its caption).
    card = await user.wait_for(lambda m: m.text is not None and "Walk–jog" in m.content)
    assert "level ground" in card.content
    await user.tap(text=texts.SESSION_GO)
    cue = await user.wait_for(contains="Walk 2 min, then")
    assert "4 times" in cue.content
    for round_ in range(1, 5):
        if round_ > 1:
            await user.wait_for(contains=f"Walk now: 2 min (round {round_} of 4)")
        await user.wait_for(contains=f"Jog now: 2 min (round {round_} of 4)")
    question = await user.wait_for(contains="Pain during that set?")
    assert "Time's up" in question.content
    await user.tap(text="1")
    after = await user.wait_for(contains="Pain right now?")
    assert texts.SESSION_EFFORT_QUESTION not in after.content
    await user.tap(text="1")
    summary = await user.wait_for(contains="Session done")
    assert run.name in summary.content
    async with bot.runtime.uow() as uow:
        stored = await load_state(uow, UID)
    assert stored is not None
    assert stored.last_run_on == today
    assert stored.sessions[-1].session_type is rehab.SessionType.RUN


async def test_mornings_of_8_in_a_week_bring_the_referral_and_i_have_been_seen(
    standin: FakeBotApi, bot: BotRunner, clock: FakeClock
) -> None:
    """A referral reached by real answers: three mornings at 8/10 within a week. The chat says
    to see a physiotherapist or doctor, offers /export, keeps the dose light, and offers
    "I've been seen" (stored with its time); then progress can resume."""
    await seed_user(bot.runtime)
    user = standin.user(UID)
    replies = []
    for _ in range(3):
        clock.advance(days=1)
        replies.append(await morning(bot, user, local_today(clock()), 8))
    assert "physiotherapist or doctor" not in replies[0]
    assert "physiotherapist or doctor" in replies[2]
    assert "/export" in replies[2]
    assert "7/10 or more on 3 mornings" in replies[2]
    told = next(m for m in reversed(user.messages) if "physiotherapist or doctor" in m.content)
    assert [label for label, _ in told.buttons] == [texts.REFER_SEEN]
    async with bot.runtime.uow() as uow:
        state = await load_state(uow, UID)
        decisions = [d.kind for d in await uow.decisions.all_for(UID)]
    assert state is not None
    assert state.referral is not None
    assert state.referral.code == "severe_mornings"
    assert state.rung == 0
    assert decisions[-1] == "refer"

    # The next morning, still waiting: no step up, the advice again.
    clock.advance(days=1)
    waiting = await morning(bot, user, local_today(clock()), 3)
    assert "until you tell me you have been seen" in waiting

    seen_at = clock()
    await user.tap(text=texts.REFER_SEEN, message=told)
    await user.wait_for(contains="Thanks, noted")
    async with bot.runtime.uow() as uow:
        state = await load_state(uow, UID)
        rows = list(await uow.red_flags.all_for(UID))
    assert state is not None
    assert state.referral is None
    assert state.referral_history[-1].seen_on == local_today(seen_at)
    assert (rows[-1].code, rows[-1].source, rows[-1].answered_at) == (
        "seen:severe_mornings",
        "referral",
        seen_at,
    )
    # The button gave way to the answer; a second tap of it (an old phone still showing it)
    # changes nothing.
    assert [label for label, _ in await user.wait_closed(told.message_id)] == [
        f"✓ {texts.REFER_SEEN}"
    ]
    again = await user.tap_data(_data(told, texts.REFER_SEEN), told.message_id)
    assert (await user.wait_answered(again)).text == texts.ALREADY_NOTED
    await user.wait_idle()
    async with bot.runtime.uow() as uow:
        assert len(list(await uow.red_flags.all_for(UID))) == len(rows)


async def test_the_week_12_review_shows_the_change_and_a_same_rating_refers(
    standin: FakeBotApi, bot: BotRunner, clock: FakeClock
) -> None:
    today = local_today(clock())
    start = today - timedelta(weeks=12)
    state = await seed_user(bot.runtime, started=start)
    state = rehab.record_morning(state, today - timedelta(days=1), 2, stiffness_minutes=5)
    state = state.model_copy(
        update={
            "reviews": [
                rehab.models.ReviewRecord(
                    week=6,
                    on=start + timedelta(weeks=6),
                    rating=rehab.ReviewRating.BETTER,
                    morning_start=4,
                    morning_now=3,
                    heel_raises_start=5,
                    heel_raises_now=9,
                    improved=True,
                )
            ],
            "last_session_on": today - timedelta(days=1),
        }
    )
    state = rehab.outcomes.record_heel_raises(state, today - timedelta(days=2), 14)
    async with bot.runtime.uow() as uow:
        await save_state(uow, UID, state, clock())
        await uow.commit()
    user = standin.user(UID)
    await morning(bot, user, today, 2)
    review = await user.wait_for(contains="Week 12 review")
    assert "Morning pain: 4/10 then, 2/10 now." in review.content
    assert "Single-leg heel raises: 5 then, 14 now." in review.content
    assert "Morning stiffness: 10 min then, 5 min now." in review.content
    assert "How would you rate" in review.content
    assert [label for label, _ in review.buttons] == [label for _, label in texts.REVIEW_RATINGS]

    await user.tap(text="About the same", message=review)
    advice = await user.wait_for(contains="physiotherapist or doctor")
    assert "At 12 weeks you rate your tendon no better" in advice.content
    assert "/export" in advice.content
    assert [label for label, _ in advice.buttons] == [texts.REFER_SEEN]
    async with bot.runtime.uow() as uow:
        stored = await load_state(uow, UID)
    assert stored is not None
    assert stored.reviews[-1].week == 12
    assert stored.reviews[-1].rating is rehab.ReviewRating.SAME
    assert stored.referral is not None
    assert stored.referral.code == "review"
    # The review is answered once: the old buttons are stale now.
    await user.tap_data(_data(review, "Better"), review.message_id)
    await user.wait_for(contains="expired")


async def test_a_week_12_review_rated_better_explains_what_comes_next(
    standin: FakeBotApi, bot: BotRunner, clock: FakeClock
) -> None:
    today = local_today(clock())
    state = await seed_user(bot.runtime, started=today - timedelta(weeks=12))
    state = rehab.outcomes.record_heel_raises(state, today - timedelta(days=2), 14)
    state = state.model_copy(update={"last_session_on": today - timedelta(days=1)})
    async with bot.runtime.uow() as uow:
        await save_state(uow, UID, state, clock())
        await uow.commit()
    user = standin.user(UID)
    await morning(bot, user, today, 2)
    review = await user.wait_for(contains="Week 12 review")
    await user.tap(text="Better", message=review)
    done = await user.wait_for(contains="12 weeks of loading")
    assert "/export" in done.content
    assert "maintenance" in done.content


def due_for_stage3_both_sides(today: date) -> rehab.ProgrammeState:
    """Both tendons sore; green Stage 2 days until the Stage 3 test is due today."""
    profile = strong_profile(side="both", single_leg_heel_raises=15, stage3_entry_test=False)
    start = today - timedelta(days=60)
    state = rehab.start_programme(profile, start)
    day = start
    while not rehab.gate_status(state, day).due:
        state = green_day(state, day)
        day += timedelta(days=1)
    shift = today - day
    state = rehab.start_programme(profile, start + shift)
    day = start + shift
    while day < today:
        state = green_day(state, day)
        day += timedelta(days=1)
    assert rehab.gate_status(state, today).due
    return state


async def test_both_sides_sore_works_and_tests_each_leg(
    standin: FakeBotApi, bot: BotRunner, clock: FakeClock
) -> None:
    today = local_today(clock())
    state = due_for_stage3_both_sides(today)
    await seed_state(bot.runtime, state)
    user = standin.user(UID)
    await user.send("/today")
    shown = await user.wait_for(contains="Stage 2")
    assert "each leg in turn" in shown.content  # the single-leg heel drops
    assert "one leg" not in shown.content

    await user.send("/test")
    left = await user.wait_for(contains="left leg")
    assert "other leg" not in left.content
    await user.send("14")
    await user.wait_for(contains="right leg")
    await user.send("12")
    result = await user.wait_for(contains="If tomorrow morning is calm")
    assert "12 single-leg heel raises" in result.content  # the weaker leg counts
    async with bot.runtime.uow() as uow:
        tests = list(await uow.gate_tests.all_for(UID))
        stored = await load_state(uow, UID)
    assert tests[-1].result["left_reps"] == 14
    assert tests[-1].result["right_reps"] == 12
    assert stored is not None
    assert stored.stage == 2  # the new stage starts tomorrow, after a calm morning
    assert stored.heel_raise_log[-1].left == 14
    assert stored.heel_raise_log[-1].right == 12


async def test_weekly_stiffness_and_the_two_weekly_heel_raise_count(
    standin: FakeBotApi, bot: BotRunner, clock: FakeClock
) -> None:
    """The outcome checks of revision 2: stiffness minutes once a week at the check-in, the
    heel-raise count every 2 weeks from Stage 2 on (run by /test when no gate test is due)."""
    today = local_today(clock())
    await seed_user(
        bot.runtime,
        profile=strong_profile(stage3_entry_test=False, single_leg_heel_raises=12),
        started=today - timedelta(days=14),
        update={"last_session_on": today - timedelta(days=1)},
    )
    user = standin.user(UID)
    await morning(bot, user, today, 1)
    question = await user.wait_for(contains="how long were you stiff")
    due = await user.wait_for(contains="count your heel raises")
    assert "/test" in due.content
    await user.tap(text="About 20 min", message=question)
    await user.wait_for(contains="20 min of stiffness")
    again = await user.tap_data(_data(question, "Not at all"), question.message_id)
    assert (await user.wait_answered(again)).text == texts.ALREADY_NOTED  # answered once
    await user.send("/test")
    intro = await user.wait_for(contains="Heel-raise count")
    assert "Every two weeks" in intro.content
    await user.wait_for(contains="How many did you do?")
    await user.send("18")
    noted = await user.wait_for(contains="18 single-leg heel raises")
    assert "you started with 12" in noted.content
    async with bot.runtime.uow() as uow:
        state = await load_state(uow, UID)
    assert state is not None
    assert state.mornings[-1].stiffness_minutes == 20
    async with bot.runtime.uow() as uow:
        checkin = await uow.checkins.on_date(UID, today)
    assert checkin is not None
    assert checkin.stiffness_minutes == 20
    assert state.heel_raise_log[-1].reps == 18
    assert state.stage == 2  # a count is not a gate test
    await user.send("/test")
    await user.wait_for(contains="No test is due")


async def test_both_sides_sore_each_leg_has_its_own_sets_and_records(
    standin: FakeBotApi, bot: BotRunner, clock: FakeClock
) -> None:
    """With both tendons sore, a single-leg exercise is done with the left leg, then the right,
    each set asked and stored with its leg."""
    today = local_today(clock())
    state = await seed_user(
        bot.runtime,
        profile=strong_profile(side="both", single_leg_heel_raises=15, stage3_entry_test=False),
        started=today,
    )
    plan = rehab.prescribe(state, today)
    first = plan.exercises[0]
    drop = plan.exercises[1]
    assert drop.leg is rehab.ExerciseLeg.EACH
    user = standin.user(UID)
    await user.send("/today")
    await user.wait_for(contains="Stage 2")
    await user.tap(text=texts.SESSION_START_BUTTON)
    await user.wait_for(contains="Set 1 of")
    reply = ""
    for set_no in range(1, first.sets + 1):
        reply = await do_set(user, 1)
        if set_no < first.sets:
            await user.tap(text=texts.SESSION_SKIP_REST)
            await user.wait_for(contains=f"Set {set_no + 1} of")
    assert drop.name in reply
    assert "left leg" in reply
    await do_set(user, 2)
    async with bot.runtime.uow() as uow:
        rows = list(await uow.sessions.sets_for_user(UID))
    assert [(r.exercise_id, r.leg) for r in rows][-1] == (drop.exercise_id, "left")
    assert {r.leg for r in rows[:-1]} == {None}  # two-leg work names no leg


def _data(message: SentMessage, label: str) -> str:
    """The callback data of the button `label` as `message` showed it when it was sent."""
    return next(data for text, data in message.buttons if text == label and data is not None)


async def test_do_you_run_is_asked_once_in_stage_4_and_a_yes_starts_the_walk_jog(
    standin: FakeBotApi, bot: BotRunner, clock: FakeClock
) -> None:
    """Hops green for two weeks and the hop test passed: the morning answer brings "do you run?";
    "Yes" starts the walk-jog block, and the question's old buttons change nothing after it."""
    today = local_today(clock())
    await seed_user(
        bot.runtime,
        profile=strong_profile(stage3_entry_test=False),
        started=today - timedelta(weeks=12),
        update={
            "stage": 4,
            "rung": 4,
            "stage_start": today - timedelta(weeks=4),
            "single_hops_since": today - timedelta(weeks=3),
            "hop_test_on": today - timedelta(days=1),
            "last_hsr_on": today - timedelta(days=2),
            "last_session_on": today - timedelta(days=1),
        },
    )
    user = standin.user(UID)
    await morning(bot, user, today, 1)
    question = await user.wait_for(contains="Do you run")
    assert [label for label, _ in question.buttons] == [label for _, label in texts.RUN_CHOICES]
    await user.tap(text="Yes, I run", message=question)
    await user.wait_for(contains="Your walk–jog starts")
    async with bot.runtime.uow() as uow:
        stored = await load_state(uow, UID)
    assert stored is not None
    assert (stored.runs, stored.run_since) == (True, today)
    again = await user.tap_data(_data(question, "I don't run"), question.message_id)
    assert (await user.wait_answered(again)).text == texts.ALREADY_NOTED
    await user.wait_idle()
    async with bot.runtime.uow() as uow:
        stored = await load_state(uow, UID)
    assert stored is not None
    assert stored.runs is True
    assert texts.RUN_SKIPPED not in [m.content for m in user.messages]
