"""Onboarding end to end: the real bot polls the Bot API stand-in over HTTP, the user taps and
types on the phone, and what is stored matches the engine's own assessment of the answers."""

from __future__ import annotations

from datetime import date

import pytest

import rehab
from bot import texts
from bot.app import BotRunner
from bot.handlers.onboarding import dose_text
from service_layer import onboarding as ob
from service_layer.programme import load_state
from standin.driver import UserDriver
from standin.models import SentMessage
from standin.server import FakeBotApi
from tests.fakes import FakeClock

pytestmark = pytest.mark.e2e


async def tap_and_wait(user: UserDriver, label: str, contains: str) -> SentMessage:
    await user.tap(text=label)
    return await user.wait_for(contains=contains)


async def send_and_wait(user: UserDriver, text: str, contains: str) -> SentMessage:
    await user.send(text)
    return await user.wait_for(contains=contains)


async def answer_until_weight(user: UserDriver) -> None:
    """/start → … → the weight question, mixing buttons and a typed pain."""
    await send_and_wait(user, "/start", "can't diagnose")
    await tap_and_wait(user, texts.OB_BEGIN, "safety check")
    await tap_and_wait(user, texts.OB_FLAGS_NONE, "Which Achilles")
    await tap_and_wait(user, "Left", "Where exactly")
    await tap_and_wait(user, "Mid-portion", "at rest")
    await send_and_wait(user, "3/10", "first steps")
    await tap_and_wait(user, "2", "stiff")
    await tap_and_wait(user, "Under 10 min", "heel raises")
    await tap_and_wait(user, "10–24", "weigh")


async def answer_rest(user: UserDriver) -> SentMessage:
    """From the weight question to the summary, with typed weight, load, zone and time."""
    hint = await send_and_wait(user, "seventy", "between 30 and 250")
    assert "72" in hint.content
    assert hint.buttons == []  # one short line: the question and its buttons are just above
    await send_and_wait(user, "160 lb", "stair")
    await tap_and_wait(user, "Yes", "weights")
    await send_and_wait(user, "12.5", "gym")
    await user.tap(text="No")
    await user.wait_for(contains="Which time zone")
    confirm = await send_and_wait(user, "berlin", "where you are")
    # The FakeClock says 08:00 UTC on a Tuesday: 09:00 in Berlin.
    assert "09:00" in confirm.content
    assert "Tuesday" in confirm.content
    await tap_and_wait(user, "Yes, that's right", "first session")
    await tap_and_wait(user, "07:00", "second session")
    await send_and_wait(user, "19:30", "three times a week")
    await tap_and_wait(user, "Mon · Wed · Fri", "what time on those days")
    await tap_and_wait(user, "18:00", "When should I ask")
    await user.tap(text="06:30")  # before the first session, at 07:00
    return await user.wait_for(contains="You're all set")


async def test_new_user_completes_onboarding_by_buttons_and_typing(
    standin: FakeBotApi, bot: BotRunner, clock: FakeClock
) -> None:
    ana = standin.user(4101, first_name="Ana")
    await answer_until_weight(ana)
    summary = await answer_rest(ana)

    expected_profile = rehab.Profile(
        presentation=rehab.Presentation.MID_PORTION,
        side=rehab.Side.LEFT,
        bodyweight_kg=72.6,  # 160 lb
        max_added_load_kg=12.5,
        gym=False,
        has_step=True,
        rest_pain=3,
        morning_pain=2,
        stiffness_minutes=5,
        single_leg_heel_raises=15,
        once_daily=False,
    )
    today = date(2026, 12, 1)
    assessment = rehab.assess(expected_profile)
    plan = rehab.prescribe(rehab.start_programme(expected_profile, today), today)
    assert assessment.stage == 1  # rest pain 3: moderately irritable
    assert f"Stage {plan.stage}" in summary.content
    for exercise in plan.exercises:
        assert exercise.name in summary.content
        assert dose_text(exercise) in summary.content
    assert "Start now, or wait for the reminder today at 19:30?" in summary.content

    runtime = bot.runtime
    async with runtime.uow() as uow:
        user = await uow.users.get(4101)
        profile = await uow.profiles.get(4101)
        state = await load_state(uow, 4101)
        flags = await uow.red_flags.all_for(4101)
    assert user is not None
    assert user.timezone == "Europe/Berlin"
    assert profile is not None
    assert state is not None
    assert rehab.Profile.model_validate(profile.answers) == expected_profile
    assert state.profile == expected_profile
    assert (state.stage, state.rung) == (assessment.stage, assessment.rung)
    assert profile.session_times == ["07:00", "19:30"]
    assert (profile.weekly_days, profile.weekly_time, profile.checkin_time) == (
        [0, 2, 4],
        "18:00",
        "06:30",
    )
    assert {f.code for f in flags} == {f.code for f in rehab.RED_FLAG_CHECKLIST}
    assert not any(f.answer for f in flags)

    await ana.tap(text=texts.OB_WAIT)
    assert "today at 19:30" in (await ana.wait_for(contains="remind you")).content

    # Now an existing user: /start shows the status instead of starting again.
    status = await send_and_wait(ana, "/start", "welcome back")
    assert "Stage 1" in status.content
    assert (texts.STATUS_START_OVER, "home:over") in status.buttons


async def test_low_irritability_user_chooses_the_stage3_entry_test(
    standin: FakeBotApi, bot: BotRunner
) -> None:
    lee = standin.user(4102, first_name="Lee")
    await send_and_wait(lee, "/start", "can't diagnose")
    await tap_and_wait(lee, texts.OB_BEGIN, "safety check")
    await tap_and_wait(lee, texts.OB_FLAGS_NONE, "Which Achilles")
    await tap_and_wait(lee, "Right", "Where exactly")
    await tap_and_wait(lee, "Insertional", "at rest")
    await tap_and_wait(lee, "0", "first steps")
    await send_and_wait(lee, " 1 ", "stiff")
    await send_and_wait(lee, "0", "heel raises")
    await tap_and_wait(lee, "25+", "weigh")
    await send_and_wait(lee, "80 kg", "stair")
    await tap_and_wait(lee, "No", "weights")
    await tap_and_wait(lee, "20 kg", "gym")
    await tap_and_wait(lee, "Yes", "calm and strong")
    await tap_and_wait(lee, "Test for Stage 3", "Which time zone")
    await tap_and_wait(lee, "Tokyo", "where you are")
    await tap_and_wait(lee, "Yes, that's right", "first session")
    await tap_and_wait(lee, "07:30", "second session")
    await tap_and_wait(lee, texts.OB_TIME2_ONCE, "three times a week")
    await send_and_wait(lee, "tue thu sat", "what time on those days")
    await send_and_wait(lee, "7pm", "Did you mean 19:00 (Tokyo time)?")
    await tap_and_wait(lee, "Yes, 19:00 (Tokyo time)", "When should I ask")
    await lee.tap(text="07:00")  # before the 07:30 session
    summary = await lee.wait_for(contains="You're all set")

    async with bot.runtime.uow() as uow:
        state = await load_state(uow, 4102)
        profile = await uow.profiles.get(4102)
    assert state is not None
    assert profile is not None
    assert state.profile.stage3_entry_test
    assert state.profile.once_daily
    assert state.profile.presentation is rehab.Presentation.INSERTIONAL
    assessment = rehab.assess(state.profile)
    assert (state.stage, state.rung) == (assessment.stage, assessment.rung)
    assert assessment.summary.split(".")[0] in summary.content
    assert profile.session_times == ["07:30"]
    assert (profile.weekly_days, profile.weekly_time) == ([1, 3, 5], "19:00")


async def test_red_flag_stops_onboarding_with_advice_and_no_programme(
    standin: FakeBotApi, bot: BotRunner, clock: FakeClock
) -> None:
    max_ = standin.user(4103, first_name="Max")
    await send_and_wait(max_, "/start", "can't diagnose")
    await tap_and_wait(max_, texts.OB_BEGIN, "safety check")
    await tap_and_wait(max_, texts.OB_FLAGS_SOME, "Safety check 1 of")
    await tap_and_wait(max_, "No", "Safety check 2 of")
    await max_.tap(text="Yes")  # one calf swollen, warm, red or tender
    flagged = await max_.wait_for(contains="Let's stop here")
    clot = next(f for f in rehab.RED_FLAG_CHECKLIST if f.code == "calf_clot")
    assert clot.advice.split(".")[0] in flagged.content
    # Issue 11: no "I've been cleared" in the same sitting as the flag (and no Back)
    assert flagged.buttons == []
    assert "From tomorrow" in flagged.content
    typed = await send_and_wait(max_, "no, I'm fine", "Let's stop here")  # typing doesn't help
    assert typed.buttons == []

    async with bot.runtime.uow() as uow:
        assert await uow.programmes.get(4103) is None
        assert await uow.profiles.get(4103) is None
        answers = [(a.code, a.answer) for a in await uow.red_flags.all_for(4103)]
    assert answers == [("rupture", False), ("calf_clot", True)]

    # /start later that day shows the advice again, still without the clearance.
    same_day = await send_and_wait(max_, "/start", "Let's stop here")
    assert same_day.buttons == []
    # From the next day, the clearance is offered, naming the flag it clears.
    clock.advance(days=1)
    next_day = await send_and_wait(max_, "/start", "We stopped because of a possible blood clot")
    assert [label for label, _ in next_day.buttons] == [texts.OB_FLAGGED_CLEARED]
    confirm = await tap_and_wait(max_, texts.OB_FLAGGED_CLEARED, "examined you")
    assert "for a possible blood clot" in confirm.content
    cleared_at = clock()
    await tap_and_wait(max_, texts.OB_CLEARED_YES, "Which Achilles")
    async with bot.runtime.uow() as uow:
        rows = list(await uow.red_flags.all_for(4103))
    last = rows[-1]
    assert (last.code, last.answer, last.source) == ("calf_clot", True, "clearance")
    assert last.answered_at == cleared_at  # stored with its time


async def test_back_and_stale_buttons(standin: FakeBotApi, bot: BotRunner) -> None:
    kim = standin.user(4104, first_name="Kim")
    await send_and_wait(kim, "/start", "can't diagnose")
    await tap_and_wait(kim, texts.OB_BEGIN, "safety check")
    side = await tap_and_wait(kim, texts.OB_FLAGS_NONE, "Which Achilles")
    await tap_and_wait(kim, "Both", "Where exactly")
    # Back returns to the side question, which can be answered again.
    again = await tap_and_wait(kim, texts.OB_BACK, "Which Achilles")
    await tap_and_wait(kim, "Right", "Where exactly")

    # The answered side questions show the answer, not live buttons.
    assert await kim.wait_closed(side.message_id) == [("✓ Both", "ans")]
    assert await kim.wait_closed(again.message_id) == [("✓ Right", "ans")]
    # A tap that an old phone still shows them for: expiry, then the current step again.
    left = next(data for label, data in side.buttons if label == "Left")
    await kim.tap_data(left or "", side.message_id)
    await kim.wait_for(contains="That button has expired")
    await kim.wait_for(contains="Where exactly")
    async with bot.runtime.uow() as uow:
        flow = await uow.flows.get(4104)
    assert flow is not None
    assert (flow.step, flow.data["a"]["side"]) == (ob.SITE, "right")

    # A word where a number belongs gets one short hint; the buttons above stay; nothing is
    # lost.
    question = await tap_and_wait(kim, "Not sure", "at rest")
    hint = await send_and_wait(kim, "quite a lot", "0 to 10")
    assert hint.buttons == []
    await send_and_wait(kim, "11", "0 to 10")
    live = standin.message(kim.chat_id, question.message_id)
    assert [label for label, _ in live.buttons][:11] == [str(v) for v in range(11)]
    await send_and_wait(kim, "4", "first steps")
    # Typed, the answer closes the question's buttons too.
    assert await kim.wait_closed(question.message_id) == []


async def test_zone_by_shared_location_then_start_now(standin: FakeBotApi, bot: BotRunner) -> None:
    zoe = standin.user(4105, first_name="Zoe")
    await answer_until_weight(zoe)
    await send_and_wait(zoe, "65", "stair")
    await tap_and_wait(zoe, "No", "weights")
    await tap_and_wait(zoe, "None", "gym")
    await zoe.tap(text="No")
    share = await zoe.wait_for(contains="📍")
    assert share.keyboard is not None  # the reply keyboard with the location button
    await zoe.wait_for(contains="Which time zone")
    await send_and_wait(zoe, "Atlantis", "couldn't find that place")
    await zoe.share_location(-33.87, 151.21)
    confirm = await zoe.wait_for(contains="where you are")
    assert "19:00" in confirm.content  # 08:00 UTC is 19:00 in Sydney in December
    # A location sent when no zone is asked for gets a pointer, and changes nothing.
    await zoe.share_location(52.52, 13.40)
    await zoe.wait_for(contains="only need a location")
    await tap_and_wait(zoe, "Yes, that's right", "first session")
    await tap_and_wait(zoe, "07:00", "second session")
    await tap_and_wait(zoe, "19:00", "three times a week")
    await tap_and_wait(zoe, "Mon · Wed · Fri", "what time on those days")
    await tap_and_wait(zoe, "18:00", "When should I ask")
    await zoe.tap(text="06:30")
    summary = await zoe.wait_for(contains="You're all set")
    await zoe.tap(text=texts.OB_START_NOW, message=summary)
    await zoe.wait_for(contains="Set 1 of")
    async with bot.runtime.uow() as uow:
        user = await uow.users.get(4105)
        flow = await uow.flows.get(4105)
        open_session = await uow.sessions.open_for(4105)
    assert user is not None
    assert user.timezone == "Australia/Sydney"
    assert flow is not None
    assert flow.name != ob.ONBOARDING_FLOW
    assert open_session is not None


async def test_double_tap_on_the_checklist_stores_answers_once(
    standin: FakeBotApi, bot: BotRunner
) -> None:
    dan = standin.user(4106, first_name="Dan")
    await send_and_wait(dan, "/start", "can't diagnose")
    flags = await tap_and_wait(dan, texts.OB_BEGIN, "safety check")
    await dan.tap(text=texts.OB_FLAGS_NONE, message=flags)
    await dan.wait_for(contains="Which Achilles")
    # The buttons gave way to the answer; a tap on it gets a short reply.
    assert flags.message_id in {m.message_id for m in dan.messages}
    closed = await dan.wait_closed(flags.message_id)
    assert [label for label, _ in closed] == [f"✓ {texts.OB_FLAGS_NONE}"]
    again = await dan.tap(text=f"✓ {texts.OB_FLAGS_NONE}", message=flags)
    assert (await dan.wait_answered(again)).text == texts.ALREADY_ANSWERED
    await dan.wait_for(contains=texts.ALREADY_ANSWERED)
    # A second tap that left the phone before the buttons closed is taken once.
    twice = await dan.tap_data(flags.buttons[0][1] or "", flags.message_id)
    assert (await dan.wait_answered(twice)).text == texts.ALREADY_NOTED
    async with bot.runtime.uow() as uow:
        rows = await uow.red_flags.all_for(4106)
    assert len(rows) == len(rehab.RED_FLAG_CHECKLIST)


async def test_button_answers_can_be_typed(standin: FakeBotApi, bot: BotRunner) -> None:
    """Typing a button's label (or its first word) answers like a tap; anything else does not."""
    ida = standin.user(4106, first_name="Ida")
    await send_and_wait(ida, "/start", "can't diagnose")
    await tap_and_wait(ida, texts.OB_BEGIN, "safety check")
    await tap_and_wait(ida, texts.OB_FLAGS_NONE, "Which Achilles")
    await send_and_wait(ida, "left", "Where exactly")
    await send_and_wait(ida, "somewhere", texts.OB_USE_BUTTONS)
    await send_and_wait(ida, "Mid-portion", "at rest")
    await send_and_wait(ida, "2", "first steps")
    await send_and_wait(ida, "3", "stiff")
    await send_and_wait(ida, "5", "heel raises")
    await send_and_wait(ida, "12", "weigh")
    await send_and_wait(ida, "70", "stair")
    await send_and_wait(ida, "Yes!", "weights")
    await send_and_wait(ida, "0", "gym")
    await send_and_wait(ida, "no", "Which time zone")
    async with bot.runtime.uow() as uow:
        flow = await uow.flows.get(4106)
    assert flow is not None
    answers = flow.data["a"]
    assert (answers["side"], answers["site"], answers["has_step"], answers["gym"]) == (
        "left",
        "mid-portion",
        True,
        False,
    )
