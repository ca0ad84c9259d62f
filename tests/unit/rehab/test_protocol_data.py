"""The protocol tables are valid and say what the rule book says."""

from __future__ import annotations

import itertools

import pytest
from pydantic import ValidationError

from rehab import EXERCISES, GATES, THRESHOLDS, TIMINGS, ExerciseKind, Irritability, Presentation
from rehab.dosing import stage2_ladder
from rehab.protocol import (
    BEYER_SCHEDULE,
    STAGE1_LADDERS,
    STAGE2_FLOOR_EXERCISES,
    STAGE3_GYM_EXERCISES,
    STAGE3_HOME_EXERCISES,
    STAGE4_FULL_RUNG,
    STAGE4_LADDER,
    STAGE4_ORDER,
    STAGE4_WEEKLY_GROWTH,
    Exercise,
    PlyoDose,
    Thresholds,
    Timings,
)

from .helpers import profile

pytestmark = pytest.mark.unit


def _changed_dimensions(a: object, b: object, fields: list[str]) -> list[str]:
    return [f for f in fields if getattr(a, f) != getattr(b, f)]


def test_thresholds_defaults_match_the_protocol() -> None:
    assert THRESHOLDS.set_green_max == 3
    assert THRESHOLDS.amber_ceiling == 4
    assert THRESHOLDS.end_session_pain == 7
    assert THRESHOLDS.morning_flare_absolute == 5
    assert TIMINGS.gap_regress_days == 7
    assert TIMINGS.gap_restart_days == 14
    assert GATES.hold_bw_multiple == 1.5
    assert GATES.stage2_min_days == 14


def test_thresholds_reject_inconsistent_values() -> None:
    with pytest.raises(ValidationError):
        Thresholds(set_green_max=5, amber_ceiling=4)
    with pytest.raises(ValidationError):
        Thresholds(amber_ceiling=8, end_session_pain=7)
    with pytest.raises(ValidationError):
        Timings(gap_regress_days=14, gap_restart_days=14)


def test_amber_ceiling_is_configurable() -> None:
    silbernagel = Thresholds(amber_ceiling=5)
    assert silbernagel.amber_ceiling == 5


@pytest.mark.parametrize("irritability", list(Irritability))
def test_stage1_ladders(irritability: Irritability) -> None:
    ladder = STAGE1_LADDERS[irritability]
    entry = {Irritability.HIGH: (3, 10), Irritability.MODERATE: (4, 20), Irritability.LOW: (5, 30)}
    assert (ladder[0].sets, ladder[0].hold_s) == entry[irritability]
    assert (ladder[-1].sets, ladder[-1].hold_s) == (5, 45)
    for a, b in itertools.pairwise(ladder):
        changed = _changed_dimensions(a, b, ["sets", "hold_s"])
        assert len(changed) == 1, (a, b)
        if changed == ["hold_s"]:
            assert b.hold_s - a.hold_s == 5
            assert a.sets == ladder[0].sets  # hold time first, then holds
        else:
            assert a.hold_s == 45
            assert b.sets == a.sets + 1


@pytest.mark.parametrize(
    ("max_added", "gym"), [(0, False), (5, False), (20, False), (100, False), (0, True)]
)
def test_stage2_ladder_one_dimension_per_rung(max_added: float, gym: bool) -> None:
    ladder = stage2_ladder(profile(max_added_load_kg=max_added, gym=gym))
    assert (ladder[0].sets, ladder[0].reps) == (2, 10)
    fields = ["sets", "reps", "load_kg", "tempo_s", "pause_top_s"]
    for a, b in itertools.pairwise(ladder):
        assert len(_changed_dimensions(a, b, fields)) == 1, (a, b)
        assert b.load_kg - a.load_kg in (0, 2.5)
    assert all(min(r.tempo_s) >= 3 for r in ladder)
    if not gym:
        assert max(r.load_kg for r in ladder) <= max_added
    assert ladder[-1].pause_top_s == 2
    assert ladder[-1].tempo_s == (4, 4)


def test_beyer_schedule_matches_the_paper() -> None:
    shape = [(p.first_week, p.last_week, p.sets, p.reps) for p in BEYER_SCHEDULE]
    assert shape == [
        (1, 1, 3, 15),
        (2, 3, 3, 12),
        (4, 5, 4, 10),
        (6, 8, 4, 8),
        (9, None, 4, 6),
    ]
    assert all(120 <= p.rest_s <= 180 for p in BEYER_SCHEDULE)
    pct = [p.percent_1rm for p in BEYER_SCHEDULE]
    assert pct == sorted(pct)


def test_stage4_ladder_total_contacts_rise_at_most_20_percent_and_new_drills_take_over() -> None:
    """R2: the cap is on the session's total contacts; a new drill takes over contacts of the
    drills before it (the total does not rise on that rung, no drill grows), never on top."""
    low, high = STAGE4_WEEKLY_GROWTH
    assert list(STAGE4_LADDER[STAGE4_FULL_RUNG]) == list(STAGE4_ORDER)

    def total(r: dict[str, PlyoDose]) -> int:
        return sum(p.contacts for p in r.values())

    for a, b in itertools.pairwise(STAGE4_LADDER):
        added = [k for k in b if k not in a]
        assert not [k for k in a if k not in b], "a drill never leaves the ladder"
        if added:
            assert added == [STAGE4_ORDER[len(a)]]
            assert total(b) <= total(a)
            assert all(b[k].contacts <= a[k].contacts for k in a)
        else:
            rise = total(b) / total(a) - 1
            assert low - 0.01 <= rise <= high, rise


def test_catalogue_is_consistent() -> None:
    assert len(EXERCISES) >= 15
    for ex in EXERCISES.values():
        assert 2 <= len([line for line in ex.how_to.splitlines() if line.strip()]) <= 3
        if ex.end_range or ex.kind is ExerciseKind.STRETCH:
            assert Presentation.INSERTIONAL in ex.unsafe_for
            assert Presentation.UNSURE in ex.unsafe_for
        if ex.tempo_s is not None:
            assert min(ex.tempo_s) >= 3
    for ex_id in (*STAGE2_FLOOR_EXERCISES, *STAGE4_ORDER):
        assert EXERCISES[ex_id].surface.value == "floor"
    for ex_id in (*STAGE3_HOME_EXERCISES, *STAGE3_GYM_EXERCISES):
        assert ex_id == "sl_calf_raise" or ex_id in EXERCISES


def test_catalogue_validator_rejects_unsafe_end_range_work() -> None:
    with pytest.raises(ValidationError):
        Exercise(
            id="bad",
            name="bad",
            stages=(2,),
            kind=ExerciseKind.ECCENTRIC,
            knee="straight",
            stance="single-leg",
            surface="step",
            equipment=frozenset({"step"}),
            end_range=True,
            how_to="one\ntwo",
        )
    with pytest.raises(ValidationError):
        Exercise(
            id="fast",
            name="fast",
            stages=(2,),
            kind=ExerciseKind.REPS,
            knee="straight",
            stance="two-legs",
            surface="floor",
            tempo_s=(1, 1),
            how_to="one\ntwo",
        )
