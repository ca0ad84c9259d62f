"""Red flags (section 8), gate status and tests (sections 3 and 7), state round trip."""

from __future__ import annotations

from datetime import timedelta

import pytest

from rehab import (
    RED_FLAG_CHECKLIST,
    DecisionKind,
    GateTest,
    GateTestResult,
    ProgrammeState,
    ProgrammeStatus,
    RedFlagOutcome,
    decide_next,
    evaluate_red_flags,
    gate_status,
    prescribe,
    record_gate_test,
    record_morning,
    restart_after_clearance,
    scan_free_text,
    start_programme,
    stop_programme,
)
from rehab import reasons as rr

from .helpers import MONDAY, green_day, profile

pytestmark = pytest.mark.unit


def test_checklist_covers_the_protocol() -> None:
    outcomes = {f.code: f.outcome for f in RED_FLAG_CHECKLIST}
    assert outcomes["rupture"] is RedFlagOutcome.URGENT_CARE
    assert outcomes["calf_clot"] is RedFlagOutcome.URGENT_CARE
    assert outcomes["breathless_chest_pain"] is RedFlagOutcome.EMERGENCY
    assert outcomes["hot_tendon_fever"] is RedFlagOutcome.SEE_DOCTOR
    assert outcomes["fluoroquinolone"] is RedFlagOutcome.CONTACT_PRESCRIBER
    assert outcomes["severe_rest_pain"] is RedFlagOutcome.SEE_DOCTOR
    assert outcomes["inflammatory"] is RedFlagOutcome.SEE_DOCTOR
    assert outcomes["recent_rupture_or_surgery"] is RedFlagOutcome.NOT_FOR_PROGRAMME
    assert outcomes["under_16"] is RedFlagOutcome.NOT_FOR_PROGRAMME
    assert all(f.question.endswith("?") and f.advice for f in RED_FLAG_CHECKLIST)


def test_no_flag_gives_none() -> None:
    assert evaluate_red_flags({f.code: False for f in RED_FLAG_CHECKLIST}) is None


def test_most_urgent_outcome_wins() -> None:
    result = evaluate_red_flags(
        {"under_16": True, "calf_clot": True, "breathless_chest_pain": True}
    )
    assert result is not None
    assert result.outcome is RedFlagOutcome.EMERGENCY
    assert result.codes == ["breathless_chest_pain", "calf_clot", "under_16"]


def test_unknown_code_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown"):
        evaluate_red_flags({"nope": True})


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("I felt a POP in my heel", "rupture"),
        ("something snapped while running", "rupture"),
        ("I think I tore it", "rupture"),
        ("maybe torn?", "rupture"),
        ("felt like someone kicked me in the heel", "rupture"),
        ("I can't walk on it", "rupture"),
        ("I can’t walk since this morning", "rupture"),
        ("my calf is swollen and warm", "calf_clot"),
        ("swollen calf since yesterday", "calf_clot"),
        ("swollen calf and short of breath", "breathless_chest_pain"),
        ("I have a fever and the tendon is hot", "hot_tendon_fever"),
        ("started ciprofloxacin last week", "fluoroquinolone"),
    ],
)
def test_free_text_suspicions(text: str, code: str) -> None:
    s = scan_free_text(text)
    assert s is not None
    assert s.code == code
    assert "confirm" in s.question


@pytest.mark.parametrize(
    "text",
    [
        "my laptop died",
        "took a snapshot of my log",
        "popular exercise",
        "felt good today, 2/10",
        "the calf raises were hard",
        "I can walk fine",
        "stretchy band",
        "",
    ],
)
def test_free_text_no_false_positives(text: str) -> None:
    assert scan_free_text(text) is None


def test_stop_programme_stops_everything_and_can_restart_after_clearance() -> None:
    s = start_programme(profile(), MONDAY)
    s, d = stop_programme(s, "calf_clot", MONDAY)
    assert d.kind is DecisionKind.STOP
    assert d.reason == rr.RedFlagStop(flag="calf_clot")
    assert s.status is ProgrammeStatus.STOPPED
    assert prescribe(s, MONDAY).exercises == []
    assert not gate_status(s, MONDAY).due
    s, d = decide_next(record_morning(s, MONDAY + timedelta(days=1), 1), MONDAY)
    assert d.kind is DecisionKind.STOP
    fresh = restart_after_clearance(s, MONDAY + timedelta(days=30))
    assert fresh.status is ProgrammeStatus.ACTIVE
    assert [r.code for r in fresh.red_flag_history] == ["calf_clot"]
    with pytest.raises(ValueError, match="unknown"):
        stop_programme(fresh, "nope", MONDAY)


def test_state_json_round_trip() -> None:
    s = start_programme(profile(), MONDAY)
    for i in range(5):
        s = green_day(s, MONDAY + timedelta(days=i))
    data = s.model_dump(mode="json")
    back = ProgrammeState.model_validate(data)
    assert back == s
    assert back.model_dump(mode="json") == data


# ---- gates ----------------------------------------------------------------------------------


def run_green(s: ProgrammeState, n: int, start: int = 0) -> ProgrammeState:
    for i in range(start, start + n):
        s = green_day(s, MONDAY + timedelta(days=i))
    return s


def test_gate_status_shows_how_close() -> None:
    s = run_green(start_programme(profile(), MONDAY), 3)
    status = gate_status(s, MONDAY + timedelta(days=3))
    assert status.test is GateTest.HOLDS_REVIEW
    assert not status.due
    assert any(not r.met and isinstance(r, rr.TopHolds) for r in status.requirements)


def stage2_state() -> ProgrammeState:
    low = profile(rest_pain=0, morning_pain=2, single_leg_heel_raises=12, max_added_load_kg=20)
    return start_programme(low, MONDAY)


def test_stage2_gate_needs_14_days() -> None:
    s = run_green(stage2_state(), 10)
    status = gate_status(s, MONDAY + timedelta(days=10))
    assert status.test is GateTest.HEEL_RAISE
    days = next(r for r in status.requirements if isinstance(r, rr.DaysInStage))
    assert (days.min_days, days.days) == (14, 10)
    assert not days.met
    assert not status.due
    s2, d = record_gate_test(s, GateTestResult(heel_raise_reps=30), MONDAY + timedelta(days=10))
    assert d.kind is DecisionKind.HOLD
    assert s2.stage == 2
    s = run_green(s, 5, start=10)
    assert gate_status(s, MONDAY + timedelta(days=15)).due


def test_stage2_gate_test_fail_then_retest_after_7_days() -> None:
    s = run_green(stage2_state(), 15)
    on = MONDAY + timedelta(days=15)
    s, d = record_gate_test(s, GateTestResult(heel_raise_reps=8), on)
    assert d.kind is DecisionKind.HOLD
    assert d.reason == rr.HeelRaisesFailed(test=GateTest.HEEL_RAISE, reps=8, need=10, retest_days=7)
    assert not gate_status(s, on + timedelta(days=3)).due
    s = run_green(s, 7, start=16)
    assert gate_status(s, on + timedelta(days=7)).due
    s, d = record_gate_test(s, GateTestResult(heel_raise_reps=10), on + timedelta(days=7))
    assert d.kind is DecisionKind.HOLD  # R2: the next morning decides
    s, d = decide_next(record_morning(s, on + timedelta(days=8), 2), on + timedelta(days=8))
    assert d.kind is DecisionKind.STAGE_UP
    assert s.stage == 3


def stage3_state(max_added: float, gym: bool = False) -> ProgrammeState:
    p = profile(
        rest_pain=0,
        morning_pain=1,
        single_leg_heel_raises=30,
        stage3_entry_test=True,
        max_added_load_kg=max_added,
        gym=gym,
    )
    sunday = MONDAY - timedelta(days=1)
    s = start_programme(p, sunday)
    s, _ = record_gate_test(s, GateTestResult(heel_raise_reps=30), sunday)
    s, _ = decide_next(record_morning(s, MONDAY, 1), MONDAY)  # R2: a calm next morning
    assert s.stage == 3
    return s


def test_a_checkpoint_hold_that_could_not_be_held_fails_whatever_the_pain() -> None:
    s = run_green(stage3_state(max_added=40), 42)
    on = MONDAY + timedelta(days=42)
    result = GateTestResult(heel_raise_reps=30, loaded_hold_pain=0, loaded_hold_done=False)
    failed, d = record_gate_test(s, result, on)
    assert d.kind is DecisionKind.HOLD
    assert failed.stage == 3
    assert failed.pending_gate is None
    assert failed.gate_results[-1].passed is False
    assert d.reason == rr.HoldNotDone(seconds=30, retest_days=7)
    # Without a pain score it still counts: not "missing answers".
    failed2, d2 = record_gate_test(
        s, GateTestResult(heel_raise_reps=30, loaded_hold_done=False), on
    )
    assert failed2.gate_results[-1].passed is False
    assert d2.reason == rr.HoldNotDone(seconds=30, retest_days=7)


def test_stage3_gate_loaded_hold_needs_a_calm_morning() -> None:
    s = run_green(stage3_state(max_added=40), 42)
    on = MONDAY + timedelta(days=42)
    status = gate_status(s, on)
    assert status.test is GateTest.LOADED_HOLD
    assert status.due
    bad, d = record_gate_test(s, GateTestResult(heel_raise_reps=30, loaded_hold_pain=3), on)
    assert d.kind is DecisionKind.HOLD
    assert bad.stage == 3
    s, d = record_gate_test(s, GateTestResult(heel_raise_reps=20, loaded_hold_pain=1), on)
    assert s.pending_gate is None  # 20 reps: endurance not met
    s2, d = record_gate_test(
        s, GateTestResult(heel_raise_reps=19, other_side_reps=20, loaded_hold_pain=1), on
    )
    assert s2.pending_gate is None  # a failed attempt blocks a retest for 7 days
    assert d.reason.code is rr.ReasonCode.TEST_NOT_DUE
    fresh = run_green(stage3_state(max_added=40), 42)
    s3, _ = record_gate_test(
        fresh, GateTestResult(heel_raise_reps=19, other_side_reps=20, loaded_hold_pain=1), on
    )
    assert s3.pending_gate is not None  # 19 >= 90 % of the other side's 20
    s = run_green(stage3_state(max_added=40), 42)
    s, d = record_gate_test(s, GateTestResult(heel_raise_reps=30, loaded_hold_pain=2), on)
    assert s.pending_gate is not None
    assert s.stage == 3
    flare = record_morning(s, on + timedelta(days=1), 6)
    flare, d = decide_next(flare, on + timedelta(days=1))
    assert flare.stage == 3
    calm = record_morning(s, on + timedelta(days=1), 1)
    calm, d = decide_next(calm, on + timedelta(days=1))
    assert d.kind is DecisionKind.STAGE_UP
    assert calm.stage == 4


def test_stage3_alternative_gate_when_equipment_cannot_reach() -> None:
    s = run_green(stage3_state(max_added=10), 30)
    status = gate_status(s, MONDAY + timedelta(days=30))
    assert status.test is GateTest.ENDURANCE_HOPS
    assert status.hold_out_of_reach == rr.HoldOutOfReach(need_kg=40, have_kg=10)
    assert not status.due  # needs 6 weeks in Stage 3
    s = run_green(s, 12, start=30)
    on = MONDAY + timedelta(days=42)
    assert gate_status(s, on).due
    s2, d = record_gate_test(s, GateTestResult(heel_raise_reps=30, hop_pain=3), on)
    assert s2.stage == 3
    s2, d = record_gate_test(s, GateTestResult(heel_raise_reps=30, hop_pain=2), on)
    assert d.kind is DecisionKind.HOLD  # R2: never a new stage on the day of its test
    assert s2.stage == 3
    s2, d = decide_next(record_morning(s2, on + timedelta(days=1), 1), on + timedelta(days=1))
    assert d.kind is DecisionKind.STAGE_UP
    assert s2.stage == 4


def test_gym_reaches_the_checkpoint() -> None:
    s = stage3_state(max_added=0, gym=True)
    assert gate_status(s, MONDAY).test is GateTest.LOADED_HOLD


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Sentí un chasquido en el talón", "rupture"),
        ("creo que se me rompió el tendón", "rupture"),
        ("noté como una patada detrás del tobillo", "rupture"),
        ("No puedo caminar desde esta mañana", "rupture"),
        ("no puedo ponerme de puntillas", "rupture"),
        ("tengo la pantorrilla hinchada y caliente", "calf_clot"),
        ("hinchazón en el gemelo desde ayer", "calf_clot"),
        ("pantorrilla hinchada y me falta el aire", "breathless_chest_pain"),
        ("tengo fiebre y el tendón está caliente", "hot_tendon_fever"),
        ("empecé con levofloxacino la semana pasada", "fluoroquinolone"),
        ("Почувствовал щелчок в пятке", "rupture"),
        ("кажется, порвал сухожилие", "rupture"),
        ("как будто пнули сзади по пятке", "rupture"),
        ("Не могу ходить с утра", "rupture"),
        ("не могу встать на носок", "rupture"),
        ("икра опухла и горячая", "calf_clot"),
        ("опухшая икра со вчерашнего дня", "calf_clot"),
        ("отёк икры и одышка", "breathless_chest_pain"),
        ("у меня температура, сухожилие горячее", "hot_tendon_fever"),
        ("начал пить ципрофлоксацин на прошлой неделе", "fluoroquinolone"),
    ],
)
def test_free_text_suspicions_in_spanish_and_russian(text: str, code: str) -> None:
    """A warning sign typed in Spanish or Russian is caught like one typed in English."""
    s = scan_free_text(text)
    assert s is not None, text
    assert s.code == code


@pytest.mark.parametrize(
    "text",
    [
        "hoy me siento bien, 2/10",
        "las elevaciones de talón fueron duras",
        "puedo caminar sin problema",
        "listo",
        "сегодня лучше, 2 из 10",
        "подъёмы на носки были тяжёлые",
        "могу ходить нормально",
        "готово",
    ],
)
def test_free_text_no_false_positives_in_spanish_and_russian(text: str) -> None:
    assert scan_free_text(text) is None
