"""Property tests of the rule book's revision 2 (issue 11, acceptance 1).

Random personas (the strategy of ``test_properties``) plus long breaks of 7-16 days and
stretches of flares, simulated for 70 days. Every test runs 200 examples; the simulations are
cached across the tests, which share one seed and so see the same personas.
"""

from __future__ import annotations

import itertools
from datetime import timedelta
from functools import lru_cache
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, seed, settings
from hypothesis import strategies as st

from rehab import ProgrammeState, ProgrammeStatus, start_programme
from rehab.dosing import carried, stage2_ladder
from rehab.protocol import LOADS, TIMINGS
from rehab.reasons import ReasonCode
from rehab.simulator import DEFAULT_START, DayRecord, Persona, SimExercise, simulate
from rehab.transitions import enter_stage, sync_phase

from .test_properties import personas

pytestmark = pytest.mark.unit

DAYS = 70
PROPERTY = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    database=None,
)
SEED = 20261130
PERFORMED = {"heel_raise", "stage3_entry", "loaded_hold", "endurance_hops"}


@st.composite
def r2_personas(draw: st.DrawFn) -> Persona:
    """A random persona, often with a long break and a stretch of flares or red sessions."""
    persona = draw(personas())
    data = persona.model_dump(mode="json", exclude_unset=True)
    days: dict[str, Any] = dict(data["answers"].get("days", {}))
    if draw(st.booleans()):
        start = draw(st.integers(8, DAYS - 8))
        length = draw(st.integers(7, 16))
        days[f"{start}-{min(DAYS, start + length - 1)}"] = {"skip": True}
    if draw(st.booleans()):
        start = draw(st.integers(2, DAYS - 2))
        kind = draw(st.sampled_from(["flare", "red", "amber"]))
        answer = {"flare": {"morning": 7}, "red": {"pain_during": 5}, "amber": {"pain_during": 4}}
        days[f"{start}-{min(DAYS, start + draw(st.integers(0, 4)))}"] = answer[kind]
    data["answers"]["days"] = days
    return Persona.model_validate(data)


@lru_cache(maxsize=512)
def _run_cached(persona_json: str) -> tuple[DayRecord, ...]:
    return tuple(simulate(Persona.model_validate_json(persona_json), days=DAYS))


def run(persona: Persona) -> list[DayRecord]:
    return list(_run_cached(persona.model_dump_json(exclude_unset=True)))


@st.composite
def late_personas(draw: st.DrawFn) -> tuple[Persona, str]:
    """A persona already in Stage 4 or maintenance (the heavy loads set by its equipment)."""
    persona = draw(r2_personas())
    return persona, draw(st.sampled_from(["stage4", "maintenance"]))


def _late_state(persona: Persona, where: str) -> ProgrammeState:
    s = start_programme(persona.profile, DEFAULT_START - timedelta(days=70))
    s.rung = len(stage2_ladder(s.profile)) - 1
    enter_stage(s, 3, DEFAULT_START - timedelta(days=42))
    s.beyer_weeks_done = 5
    sync_phase(s, DEFAULT_START - timedelta(days=7), allow_rise=True)
    enter_stage(s, 4, DEFAULT_START - timedelta(days=1))
    s.last_session_on = DEFAULT_START - timedelta(days=1)
    if where == "maintenance":
        s.status = ProgrammeStatus.MAINTENANCE
    return s


@lru_cache(maxsize=512)
def _late_cached(persona_json: str, where: str) -> tuple[DayRecord, ...]:
    persona = Persona.model_validate_json(persona_json)
    return tuple(simulate(persona, days=DAYS, state=_late_state(persona, where)))


def run_late(persona: Persona, where: str) -> list[DayRecord]:
    return list(_late_cached(persona.model_dump_json(exclude_unset=True), where))


def _exercises(r: DayRecord) -> list[SimExercise]:
    return [e for s in r.sessions[:1] for e in s]


def _plyo_total(r: DayRecord) -> int | None:
    plyo = [e for e in _exercises(r) if e.contacts is not None]
    return sum(e.sets * e.contacts for e in plyo if e.contacts is not None) if plyo else None


# ---- rate caps -------------------------------------------------------------------------------


@seed(SEED)
@PROPERTY
@given(r2_personas())
def test_load_per_exercise_rises_at_most_10_percent_over_any_7_days(persona: Persona) -> None:
    """Stages 3, 4 and maintenance: what the tendon carries, per exercise."""
    _check_load_cap(persona, run(persona))


@seed(SEED)
@PROPERTY
@given(late_personas())
def test_load_per_exercise_rises_at_most_10_percent_in_stage4_and_maintenance(
    case: tuple[Persona, str],
) -> None:
    persona, where = case
    _check_load_cap(persona, run_late(persona, where))


def _check_load_cap(persona: Persona, recs: list[DayRecord]) -> None:
    seen: dict[str, list[tuple[int, float]]] = {}
    for r in recs:
        if r.stage < 3 and r.status.value != "maintenance":
            continue
        for e in _exercises(r):
            if e.kind in ("reps", "hold") and e.id.startswith(("sl_", "leg_", "seated_machine")):
                seen.setdefault(e.id, []).append((r.day, e.load_kg))
    event(f"heavy exercises seen: {bool(seen)}")
    for ex_id, marks in seen.items():
        for (d1, l1), (d2, l2) in itertools.combinations(marks, 2):
            if 0 < d2 - d1 <= TIMINGS.cap_window_days:
                before = carried(persona.profile, ex_id, l1)
                after = carried(persona.profile, ex_id, l2)
                assert after <= before * (1 + LOADS.weekly_load_rise_max) + 1e-6, (
                    ex_id,
                    d1,
                    l1,
                    d2,
                    l2,
                )


@seed(SEED)
@PROPERTY
@given(r2_personas())
def test_stage2_load_rungs_are_3_or_more_days_apart(persona: Persona) -> None:
    recs = run(persona)
    rises: list[int] = []
    last: float | None = None
    for r in recs:
        loads = [e.load_kg for e in _exercises(r) if e.id == "slow_calf_raise"]
        if r.stage != 2 or not loads:
            last = None if r.stage != 2 else last
            continue
        if last is not None and loads[0] > last:
            rises.append(r.day)
        last = loads[0]
    event(f"stage 2 load rises: {min(len(rises), 3)}")
    for a, b in itertools.pairwise(rises):
        assert b - a >= TIMINGS.stage2_load_rung_min_days, rises
    for a, c in zip(rises, rises[TIMINGS.stage2_load_rungs_per_week :], strict=False):
        assert c - a >= TIMINGS.cap_window_days, rises


@seed(SEED)
@PROPERTY
@given(r2_personas())
def test_stage4_total_contacts_rise_at_most_20_percent_over_any_7_days(persona: Persona) -> None:
    _check_contacts(run(persona))


@seed(SEED)
@PROPERTY
@given(r2_personas())
def test_stage4_total_contacts_rise_at_most_20_percent_from_stage4_on(persona: Persona) -> None:
    _check_contacts(run_late(persona, "stage4"))


def _check_contacts(recs: list[DayRecord]) -> None:
    totals = [(r.day, t) for r in recs if r.stage == 4 and (t := _plyo_total(r)) is not None]
    event(f"stage 4 hop sessions: {min(len(totals), 5)}")
    for (d1, t1), (d2, t2) in itertools.combinations(totals, 2):
        if 0 < d2 - d1 <= TIMINGS.cap_window_days:
            assert t2 <= t1 * (1 + LOADS.weekly_contacts_rise_max) + 1e-9, (d1, t1, d2, t2)


# ---- gaps ------------------------------------------------------------------------------------


def _dims(e: SimExercise) -> dict[str, float]:
    out = {"load_kg": e.load_kg, "sets": float(e.sets)}
    for name in ("hold_s", "contacts", "jog_min"):
        value = getattr(e, name)
        if value is not None:
            out[name] = float(value)
    return out


@seed(SEED)
@PROPERTY
@given(r2_personas())
def test_first_session_after_a_break_is_never_heavier_longer_or_bouncier(persona: Persona) -> None:
    _check_breaks(run(persona))


@seed(SEED)
@PROPERTY
@given(late_personas())
def test_first_session_after_a_break_in_stage4_or_maintenance_is_lighter(
    case: tuple[Persona, str],
) -> None:
    _check_breaks(run_late(*case))


def _check_breaks(all_recs: list[DayRecord]) -> None:
    recs = [r for r in all_recs if r.sessions]
    checked = 0
    for before, after in itertools.pairwise(recs):
        if (after.date - before.date).days < TIMINGS.gap_regress_days:
            continue
        checked += 1
        # the last dose of each exercise in the week before the break
        last: dict[str, SimExercise] = {}
        stage_of: dict[str, int] = {}
        for r in recs:
            if before.date.toordinal() - 7 <= r.date.toordinal() <= before.date.toordinal():
                for e in _exercises(r):
                    last[e.id] = e
                    stage_of[e.id] = r.stage
        for e in _exercises(after):
            old = last.get(e.id)
            if old is None:
                continue
            for dim, value in _dims(e).items():
                assert value <= _dims(old).get(dim, value), (after.day, e.id, dim)
            if stage_of[e.id] == after.stage and e.reps is not None and old.reps is not None:
                assert e.reps <= old.reps, (after.day, e.id, "reps")
        t_after = _plyo_total(after)
        t_before = [t for r in recs if r.day <= before.day and (t := _plyo_total(r)) is not None]
        if t_after is not None and t_before:
            assert t_after <= t_before[-1], (after.day, "total contacts")
    event(f"breaks checked: {min(checked, 2)}")


# ---- gates -----------------------------------------------------------------------------------


@seed(SEED)
@PROPERTY
@given(r2_personas())
def test_no_stage_starts_on_the_day_of_its_gate_test(persona: Persona) -> None:
    recs = run(persona)
    ups = 0
    for prev, r in itertools.pairwise(recs):
        if r.gate is not None and r.gate.test in PERFORMED:
            assert r.stage <= prev.stage, (r.day, r.gate.test)
        if r.stage > prev.stage and r.stage >= 3:
            ups += 1
            # the day after a passed test, and only after a calm morning
            assert prev.gate is not None, r.day
            assert prev.gate.test in PERFORMED, r.day
            assert prev.gate.passed, r.day
            assert r.morning_zone is not None, r.day
            assert r.morning_zone.value != "red", r.day
    event(f"stage-ups to 3 or 4: {min(ups, 2)}")


@seed(SEED)
@PROPERTY
@given(r2_personas())
def test_a_stage_down_voids_every_pending_test(persona: Persona) -> None:
    """After a stage-down, the way up needs a new test taken after it; the signup choice of a
    Stage 3 test is void after any stage-down or flare."""
    recs = run(persona)
    last_down: int | None = None
    flared = False
    for prev, r in itertools.pairwise(recs):
        if r.gate is not None and r.gate.test == "stage3_entry":
            assert last_down is None, r.day
            assert not flared, r.day
        if r.stage < prev.stage:
            last_down = r.day
        if r.stage > prev.stage and last_down is not None:
            passed = [
                x.day
                for x in recs
                if x.gate is not None and x.gate.passed and last_down <= x.day < r.day
            ]
            review = (
                r.decision is not None and r.decision.reason.code is ReasonCode.HOLDS_REVIEW_PASSED
            )
            assert passed or review, (r.day, last_down)
        if r.morning_zone is not None and r.morning_zone.value == "red":
            flared = True


# ---- pain ------------------------------------------------------------------------------------


def _heavier(a: DayRecord, b: DayRecord) -> list[str]:
    """Dimensions in which ``b``'s first session is heavier than ``a``'s."""
    out: list[str] = []
    if b.stage > a.stage:
        return ["stage"]
    old = {e.id: e for e in _exercises(a)}
    for e in _exercises(b):
        o = old.get(e.id)
        if o is None:
            continue
        if e.load_kg > o.load_kg:
            out.append(f"{e.id} load")
        if b.stage == a.stage and e.rung > o.rung and b.stage in (1, 2):
            out.append(f"{e.id} rung")
        if e.contacts is not None and o.contacts is not None and e.contacts > o.contacts:
            out.append(f"{e.id} contacts")
    ta, tb = _plyo_total(a), _plyo_total(b)
    if ta is not None and tb is not None and tb > ta:
        out.append("total contacts")
    return out


@seed(SEED)
@PROPERTY
@given(r2_personas())
def test_a_red_session_or_a_flare_is_never_followed_by_a_heavier_dose(persona: Persona) -> None:
    _check_after_pain(persona, run(persona))


@seed(SEED)
@PROPERTY
@given(late_personas())
def test_a_red_session_or_a_flare_in_stage4_or_maintenance_is_never_followed_by_more(
    case: tuple[Persona, str],
) -> None:
    _check_after_pain(case[0], run_late(*case))


def _check_after_pain(persona: Persona, recs: list[DayRecord]) -> None:
    script = persona.script(DAYS)
    for i, r in enumerate(recs):
        a = script[i]
        red_session = bool(r.sessions) and (
            (a.pain_during is not None and a.pain_during > 4)
            or (a.pain_after is not None and a.pain_after > 4)
        )
        flare = r.morning_zone is not None and r.morning_zone.value == "red"
        if not (red_session or flare):
            continue
        base = r if red_session else next((p for p in reversed(recs[:i]) if p.sessions), None)
        start = i + 1 if red_session else i
        after = next((x for x in recs[start:] if x.sessions), None)
        if base is None or after is None or not base.sessions:
            continue
        assert not _heavier(base, after), (r.day, after.day, _heavier(base, after))


# ---- never stuck --------------------------------------------------------------------------------


def _held_by_trend(recs: list[DayRecord]) -> set[int]:
    """Days in a week after a week whose mean morning rose by a point or more (rule: hold)."""
    held: set[int] = set()
    mornings = {r.day: r.answers.get("morning") for r in recs if r.morning_zone is not None}

    def week_mean(w: int) -> float | None:
        scores = [m for d in range(7 * w + 1, 7 * w + 8) if (m := mornings.get(d)) is not None]
        return sum(scores) / len(scores) if len(scores) >= 3 else None

    for w in range(2, DAYS // 7 + 1):
        last, before = week_mean(w - 1), week_mean(w - 2)
        if last is not None and before is not None and last >= before + 1:
            held.update(range(7 * w + 1, 7 * w + 8))
    return held


def _all_green(r: DayRecord, persona: Persona, held: set[int]) -> bool:
    a = persona.script(DAYS)[r.day - 1]
    if a.skip or a.red_flag or r.day in held or r.morning_zone is None:
        return False
    if r.morning_zone.value != "green" or (r.gate is not None and not r.gate.passed):
        return False
    if r.sessions:
        if not a.completed or a.pain_during is None or a.pain_after is None:
            return False
        if a.pain_during > 3 or a.pain_after > 4 or a.effort.value == "hard":
            return False
    return True


@seed(SEED)
@PROPERTY
@given(r2_personas())
def test_no_dose_unchanged_for_14_days_while_every_answer_is_green(persona: Persona) -> None:
    """Extension rungs (tempo, pause, a fourth set), the stale-dose nudge and the retest after
    7 days keep the dose moving; a referral waits for the clinician by design."""
    _check_never_stuck(persona, run(persona))


@seed(SEED)
@PROPERTY
@given(late_personas())
def test_no_dose_unchanged_for_14_green_days_in_stage4_or_maintenance(
    case: tuple[Persona, str],
) -> None:
    _check_never_stuck(case[0], run_late(*case))


def _check_never_stuck(persona: Persona, recs: list[DayRecord]) -> None:
    held = _held_by_trend(recs)
    start = 0
    longest = 0
    for i, r in enumerate(recs):
        if r.decision is not None and r.decision.kind.value == "refer":
            break
        if not _all_green(r, persona, held) or r.status.value != "active":
            start = i + 1
            continue
        longest = max(longest, i - start + 1)
        if i - start + 1 >= 14:
            window = {
                tuple(e.model_dump_json() for s in x.sessions for e in s)
                for x in recs[i - 13 : i + 1]
                if x.sessions
            }
            assert len(window) != 1, f"dose unchanged days {i - 12}-{i + 1}"
    event(f"longest green stretch >= 14: {longest >= 14}")
