"""The rule book's revision 2 rule by rule (issue 11): referral triggers, reviews, the running
block, the pain model, the in-session promise and the rate caps."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest

from rehab import (
    DecisionKind,
    GateTest,
    GateTestResult,
    PainZone,
    ProgrammeState,
    SessionResult,
    adjust_after_set,
    classify_morning,
    decide_next,
    gate_status,
    prescribe,
    record_gate_test,
    record_morning,
    record_session,
    start_programme,
)
from rehab import reasons as rr
from rehab.dosing import stage4_total
from rehab.enums import ExerciseLeg, ReviewRating, SessionType, Side
from rehab.outcomes import (
    heel_raise_count_due,
    record_heel_raises,
    record_review,
    record_seen,
    review_due,
    review_summary,
    running_offer_due,
    set_running,
    stiffness_due,
)
from rehab.pain import classify_morning_against
from rehab.protocol import RUN_CONTINUOUS_30, RUN_LADDER, STAGE4_FULL_RUNG, STAGE4_LADDER

from .helpers import MONDAY, green_day, profile

pytestmark = pytest.mark.unit


def d(n: int) -> date:
    return MONDAY + timedelta(days=n)


def stage1() -> ProgrammeState:
    s = start_programme(profile(), MONDAY)
    s, _ = decide_next(s, MONDAY)
    return s


def session(
    s: ProgrammeState, on: date, pain: int, after: int | None = None, completed: bool = True
) -> ProgrammeState:
    plan = prescribe(s, on)
    return record_session(
        s,
        SessionResult(
            on=on,
            stage=plan.stage,
            completed=completed,
            set_pains=[pain] * sum(e.sets for e in plan.exercises),
            pain_after=pain if after is None else after,
            efforts={e.exercise_id: "right" for e in plan.exercises},
            session_type=plan.session_type,
        ),
    )


# ---- pain model (section 4, R2) ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("baseline", "pain", "zone"),
    [
        (5, 5, PainZone.GREEN),  # a steady 5 is that person's usual, not a daily flare
        (5, 6, PainZone.GREEN),
        (5, 7, PainZone.RED),  # 7 or more is always a flare
        (3, 5, PainZone.RED),  # 5 with a low baseline is a flare
        (2, 4, PainZone.RED),  # baseline + 2
        (2, 3, PainZone.GREEN),
        (6, 7, PainZone.RED),
    ],
)
def test_morning_flare_rule_r2(baseline: float, pain: int, zone: PainZone) -> None:
    assert classify_morning_against(baseline, pain) is zone


def test_a_steady_5_morning_is_not_a_flare_every_day() -> None:
    s = start_programme(profile(morning_pain=5, rest_pain=3), MONDAY)
    for k in range(10):
        s = record_morning(s, d(k), 5)
    assert not s.flares
    assert classify_morning(s, 5, on=d(10)) is PainZone.GREEN


def test_settled_amber_four_sessions_at_4_then_one_volume_step() -> None:
    s = stage1()
    rung = s.rung
    for k in range(2):
        s = session(s, d(k), 4)
        s = session(s, d(k), 4)
        s, dec = decide_next(record_morning(s, d(k + 1), 2), d(k + 1))
    assert dec.kind is DecisionKind.PROGRESS
    assert s.rung == rung + 1
    assert isinstance(dec.reason, rr.SettledAmberStepUp)
    assert (dec.reason.sessions, dec.reason.ceiling) == (4, 4)


def test_settled_amber_never_adds_load_in_stage2() -> None:
    s = start_programme(profile(rest_pain=1, morning_pain=3, single_leg_heel_raises=12), MONDAY)
    s.rung = 3  # the top of the bodyweight rungs: the next one adds weight
    s, _ = decide_next(s, MONDAY)
    for k in range(3):
        s = session(session(s, d(k), 4), d(k), 4)
        s, dec = decide_next(record_morning(s, d(k + 1), 2), d(k + 1))
        assert dec.kind is DecisionKind.HOLD
    assert s.rung == 3


# ---- in-session promise (issue point 7) --------------------------------------------------------


def test_a_red_last_set_promises_no_lighter_next_set() -> None:
    ex = prescribe(stage1(), MONDAY).exercises[0]
    middle = adjust_after_set(ex, [5])
    assert middle.action == "drop_rung"
    assert isinstance(middle.reason, rr.SetDropRung)
    assert middle.reason.pain == 5
    last = adjust_after_set(ex, [2] * (ex.sets - 1) + [5])
    assert last.next is None
    assert last.reason == rr.SetRedExerciseDone(pain=5, ceiling=4)


# ---- referral (section 5, R2) ------------------------------------------------------------------


def test_three_flares_in_14_days_refer_and_hold_the_lightest_dose() -> None:
    s = stage1()
    decisions = []
    for k in range(12):
        morning = 8 if k in (2, 6, 10) else 3
        s = record_morning(s, d(k), morning)
        s, dec = decide_next(s, d(k))
        decisions.append(dec)
        if k < 11:
            s = session(session(s, d(k), 2), d(k), 2)
    assert decisions[9].kind is not DecisionKind.REFER
    assert decisions[10].kind is DecisionKind.REFER
    assert s.referral is not None
    assert s.referral.code == "flares"
    assert decisions[10].reason == rr.Refer(why=rr.ManyFlares(flares=3, days=14))
    assert s.rung == 0
    # no progress until the user says they have been seen
    for k in range(12, 16):
        s = session(session(s, d(k - 1), 2), d(k - 1), 2)
        s, dec = decide_next(record_morning(s, d(k), 2), d(k))
        assert dec.kind is DecisionKind.REFER
        assert s.rung == 0
    s = record_seen(s, d(16))
    assert s.referral is None
    assert s.referral_history[-1].seen_on == d(16)
    s = session(session(s, d(15), 2), d(15), 2)
    s, dec = decide_next(record_morning(s, d(16), 2), d(16))
    assert dec.kind is DecisionKind.PROGRESS


def test_morning_pain_7_on_three_mornings_in_a_week_refers() -> None:
    s = start_programme(profile(morning_pain=7, rest_pain=4), MONDAY)
    dec = None
    for k, pain in enumerate([7, 6, 7, 6, 7]):
        s = record_morning(s, d(k), pain)
        s, dec = decide_next(s, d(k))
        if dec.kind is DecisionKind.REFER:
            break
    assert dec is not None
    assert dec.kind is DecisionKind.REFER
    assert s.referral is not None
    assert s.referral.code == "severe_mornings"
    assert dec.reason == rr.Refer(why=rr.SevereMornings(pain=7, mornings=3))


def test_no_step_up_for_21_days_with_amber_answers_refers() -> None:
    s = stage1()
    dec = None
    for k in range(1, 23):
        # sets at the ceiling, sessions not finished: never settled, never a step up
        s = session(session(s, d(k - 1), 4, 4, False), d(k - 1), 4, 4, False)
        s = record_morning(s, d(k), 4)
        s, dec = decide_next(s, d(k))
        if dec.kind is DecisionKind.REFER:
            break
    assert dec is not None
    assert dec.kind is DecisionKind.REFER
    assert s.referral is not None
    assert s.referral.code == "stuck"
    assert dec.reason == rr.Refer(why=rr.Stuck(days=21))


def test_weekly_morning_mean_rising_three_weeks_in_a_row_refers() -> None:
    s = start_programme(profile(morning_pain=1, rest_pain=1), MONDAY)
    code = None
    weeks = [1, 2, 3, 4]  # each week a point worse, never a flare against the baseline
    for w, pain in enumerate(weeks):
        for k in range(7):
            day = d(7 * w + k)
            s = record_morning(s, day, pain)
            s = s.model_copy(update={"flares": []})
            s, dec = decide_next(s, day)
            if dec.kind is DecisionKind.REFER:
                code = s.referral.code if s.referral else None
                break
        if code:
            break
    assert code == "rising_mornings"


# ---- reviews (section 10, R2) -------------------------------------------------------------------


def test_review_due_at_weeks_6_and_12_and_summary_compares_with_the_start() -> None:
    s = stage1()
    assert review_due(s, d(41)) is None
    assert review_due(s, d(42)) == 6
    s = record_heel_raises(s, d(40), 14)
    s = record_morning(s, d(42), 2, stiffness_minutes=5)
    text = review_summary(s, d(42), 6)
    assert "Morning pain: 4/10 then, 2/10 now." in text
    assert "Single-leg heel raises: 5 then, 14 now." in text
    assert "Morning stiffness: 15 min then, 5 min now." in text
    s, referral = record_review(s, 6, ReviewRating.BETTER, d(42))
    assert referral is None
    assert review_due(s, d(50)) is None
    assert review_due(s, d(84)) == 12


def test_week6_review_without_improvement_refers() -> None:
    s = stage1()
    s = record_morning(s, d(42), 5)
    s, referral = record_review(s, 6, ReviewRating.BETTER, d(42))
    assert referral is not None
    assert referral.kind is DecisionKind.REFER
    assert referral.reason == rr.Refer(why=rr.ReviewNotImproved(week=6))


def test_week12_review_rated_same_refers_even_when_the_numbers_improved() -> None:
    s = stage1()
    s = record_heel_raises(record_morning(s, d(84), 1), d(84), 20)
    s, referral = record_review(s, 12, ReviewRating.SAME, d(84))
    assert referral is not None
    assert referral.reason == rr.Refer(why=rr.ReviewRatedPoorly(week=12, rating=ReviewRating.SAME))
    _, fine = record_review(stage1(), 12, ReviewRating.MUCH_BETTER, d(84))
    assert fine is not None  # no numbers at all: no improvement shown, so refer
    s3 = record_heel_raises(record_morning(stage1(), d(84), 1), d(84), 20)
    _, none = record_review(s3, 12, ReviewRating.MUCH_BETTER, d(84))
    assert none is None


def test_heel_raise_count_every_2_weeks_and_stiffness_weekly() -> None:
    s = start_programme(profile(rest_pain=1, morning_pain=3, single_leg_heel_raises=12), MONDAY)
    assert not heel_raise_count_due(s, d(13))
    assert heel_raise_count_due(s, d(14))
    s = record_heel_raises(s, d(14), 15)
    assert not heel_raise_count_due(s, d(27))
    assert heel_raise_count_due(s, d(28))
    assert stiffness_due(s, d(0))
    s = record_morning(s, d(1), 2, stiffness_minutes=10)
    assert not stiffness_due(s, d(7))
    assert stiffness_due(s, d(8))


# ---- Stage 4 and the running block --------------------------------------------------------------


def stage4(rung: int = 0) -> ProgrammeState:
    s = start_programme(
        profile(rest_pain=0, morning_pain=1, single_leg_heel_raises=30, max_added_load_kg=60),
        MONDAY,
    )
    s = s.model_copy(
        update={
            "stage": 4,
            "rung": rung,
            "stage_start": MONDAY,
            "programme_start": MONDAY - timedelta(weeks=8),
            "rung_changed_on": MONDAY,
            "last_hsr_on": MONDAY,
            "last_session_on": MONDAY,
        }
    )
    return s


def test_stage4_flare_takes_a_fifth_off_every_drill_and_climbs_back_within_20_percent() -> None:
    s = stage4(rung=4)
    before = {e.exercise_id: e.contacts for e in prescribe(s, d(1)).exercises}
    total = stage4_total(s)
    s, dec = decide_next(record_morning(s, d(1), 7), d(1))
    assert dec.kind is DecisionKind.REGRESS
    after = {e.exercise_id: e.contacts for e in prescribe(s, d(1)).exercises}
    assert all((after[k] or 0) < (before[k] or 0) for k in before)
    assert stage4_total(s) <= 0.8 * total
    low = stage4_total(s)
    for k in (2, 4, 6):
        s = green_day(s, d(k), morning=1, pain=1)
        assert stage4_total(s) == low  # not within 7 days of the step down
    s, dec = decide_next(record_morning(s, d(8), 1), d(8))
    assert dec.kind is DecisionKind.PROGRESS
    assert low < stage4_total(s) <= 1.2 * low


def test_running_offered_after_green_hops_and_the_hop_test_then_walk_jog_sessions() -> None:
    first_single = next(i for i, r in enumerate(STAGE4_LADDER) if "hop_single_leg" in r)
    s = stage4(rung=first_single)
    s.single_hops_since = MONDAY
    s.not_green_on = MONDAY - timedelta(days=1)
    on = d(14)
    status = gate_status(s, on)
    assert status.test is GateTest.HOP_TEST
    assert status.due
    s, dec = record_gate_test(s, GateTestResult(hop_pain=1), on)
    assert s.hop_test_on == on
    assert running_offer_due(s, on)
    skipped = set_running(s, False, on)
    assert not running_offer_due(skipped, on + timedelta(days=1))
    assert skipped.run_since is None
    s = set_running(s, True, on)
    s.last_hsr_on = on
    s.last_session_on = on
    run_day = next(
        d(14 + k)
        for k in range(1, 8)
        if prescribe(s, d(14 + k)).session_type is SessionType.RUN
        and d(14 + k).weekday() in (0, 2, 4)
    )
    plan = prescribe(s, run_day)
    (run,) = plan.exercises
    assert run.kind.value == "run"
    assert (run.sets, run.reps, run.walk_min, run.jog_min) == (1, 4, 2, 2)
    s = record_session(
        s,
        SessionResult(
            on=run_day,
            stage=4,
            completed=True,
            set_pains=[1],
            pain_after=1,
            session_type=SessionType.RUN,
        ),
    )
    s, dec = decide_next(record_morning(s, run_day + timedelta(days=1), 1), run_day + timedelta(1))
    assert dec.kind is DecisionKind.PROGRESS
    assert s.run_step == 1
    assert dec.reason == rr.RunStepUp(step_from=0, step_to=1)
    old, new = RUN_LADDER[0], RUN_LADDER[1]
    assert new.reps * new.jog_min <= 1.2 * old.reps * old.jog_min
    # a red run or a flare: one step back
    s, dec = decide_next(record_morning(s, run_day + timedelta(days=2), 7), run_day + timedelta(2))
    assert s.run_step == 0


def test_run_ladder_rises_at_most_20_percent_a_step_up_to_30_min_continuous() -> None:
    build = RUN_LADDER[: RUN_CONTINUOUS_30 + 1]
    for a, b in itertools.pairwise(build):
        assert a.running_minutes < b.running_minutes <= 1.2 * a.running_minutes + 1e-9
    assert RUN_LADDER[0].reps == 4
    assert (RUN_LADDER[0].walk_min, RUN_LADDER[0].jog_min) == (2, 2)
    assert build[-1].running_minutes == 30
    assert build[-1].walk_min == 0
    assert not build[-1].change
    # then pace or hills, one change at a time, the minutes unchanged
    after = RUN_LADDER[RUN_CONTINUOUS_30 + 1 :]
    assert after
    assert all(step.running_minutes == 30 and step.change for step in after)
    assert len({step.change for step in after}) == len(after)


# ---- gates: stage-down voids the signup test (issue scenario) ---------------------------------


def test_signup_stage3_test_is_void_after_flares_and_a_stage_down() -> None:
    s = start_programme(
        profile(rest_pain=0, morning_pain=1, single_leg_heel_raises=30, stage3_entry_test=True),
        MONDAY,
    )
    assert s.entry_test_pending
    s = record_morning(s, d(0), 6)  # a flare voids the choice
    assert not s.entry_test_pending
    s, _ = decide_next(s, d(0))
    s, dec = decide_next(record_morning(s, d(3), 6), d(3))
    assert dec.kind is DecisionKind.STAGE_DOWN
    assert s.stage == 1
    for k in (4, 5):
        status = gate_status(s, d(k))
        assert status.test is not GateTest.STAGE3_ENTRY
    _, refused = record_gate_test(s, GateTestResult(heel_raise_reps=30), d(5))
    assert s.stage == 1
    assert refused.kind is not DecisionKind.STAGE_UP


def test_graduation_waits_for_the_running_block_when_chosen() -> None:
    s = stage4(rung=STAGE4_FULL_RUNG).model_copy(
        update={"full_ladder_since": d(-30), "not_green_on": d(-31)}
    )
    assert gate_status(s, d(0)).due
    runner = set_running(s, True, d(-20))
    status = gate_status(runner, d(0))
    assert not status.due
    assert status.requirements[-1] == rr.EasyRunning30(
        met=False, step=1, steps=RUN_CONTINUOUS_30 + 1
    )
    done = runner.model_copy(update={"run_step": RUN_CONTINUOUS_30})
    assert gate_status(done, d(0)).due


def test_reentry_to_stage3_starts_a_plate_below_the_load_that_flared() -> None:
    from rehab.dosing import start_loads
    from rehab.transitions import enter_stage

    s = stage4().model_copy(update={"stage": 3})
    s.stage3_loads = {
        k: v.model_copy(update={"load_kg": 30.0}) for k, v in start_loads(s, d(0)).items()
    }
    flared = {k: v.load_kg for k, v in s.stage3_loads.items()}
    enter_stage(s, 2, d(1))  # a second flare: back to Stage 2
    assert s.flared_loads == flared
    s.rung = 10  # back up Stage 2's loaded rungs
    enter_stage(s, 3, d(20))
    for ex_id, load in s.stage3_loads.items():
        assert load.load_kg <= flared[ex_id] - s.profile.smallest_plate_kg, ex_id


def test_both_sides_sore_single_leg_work_is_each_leg_and_strides_are_not() -> None:
    s = stage4(rung=len(STAGE4_LADDER) - 1)
    both = s.model_copy(update={"profile": s.profile.model_copy(update={"side": Side.BOTH})})
    legs = {e.exercise_id: e.leg for e in prescribe(both, d(2)).exercises}
    assert legs["hop_single_leg"] is ExerciseLeg.EACH
    assert legs["hop_two_legs"] is None
    assert legs["acceleration_runs"] is None  # running strides alternate the legs
    assert legs["bounding"] is None
    single = {e.exercise_id: e.leg for e in prescribe(s, d(2)).exercises}
    assert single["hop_single_leg"] is ExerciseLeg.RIGHT
