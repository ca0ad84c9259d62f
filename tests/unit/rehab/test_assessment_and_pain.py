"""Assessment table (sections 1-2) and pain zones (section 4)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from rehab import (
    HeelRaiseBand,
    Irritability,
    PainZone,
    Thresholds,
    assess,
    classify_morning,
    classify_session_pain,
    classify_set_pain,
    morning_baseline,
    record_morning,
    start_programme,
)

from .helpers import MONDAY, profile

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("n", "band"),
    [(0, "0"), (1, "1-9"), (9, "1-9"), (10, "10-24"), (24, "10-24"), (25, "25+"), (60, "25+")],
)
def test_heel_raise_band(n: int, band: str) -> None:
    assert HeelRaiseBand.from_count(n) == HeelRaiseBand(band)


def test_heel_raise_band_rejects_negative() -> None:
    with pytest.raises(ValueError, match="negative"):
        HeelRaiseBand.from_count(-1)


@pytest.mark.parametrize(
    ("answers", "irritability", "stage", "rung"),
    [
        ({"rest_pain": 4}, Irritability.HIGH, 1, 0),
        ({"morning_pain": 6}, Irritability.HIGH, 1, 0),
        ({"stiffness_minutes": 31}, Irritability.HIGH, 1, 0),
        ({"single_leg_heel_raises": 0}, Irritability.HIGH, 1, 0),
        ({"stiffness_minutes": 30}, Irritability.MODERATE, 1, 0),
        ({"rest_pain": 3, "morning_pain": 5}, Irritability.MODERATE, 1, 0),
        (
            {"rest_pain": 1, "morning_pain": 3, "single_leg_heel_raises": 9},
            Irritability.MODERATE,
            1,
            0,
        ),
        (
            {"rest_pain": 1, "morning_pain": 3, "single_leg_heel_raises": 10},
            Irritability.LOW,
            2,
            1,
        ),
        (
            {"rest_pain": 0, "morning_pain": 2, "single_leg_heel_raises": 25},
            Irritability.LOW,
            2,
            3,
        ),
    ],
)
def test_assessment_table(
    answers: dict[str, int], irritability: Irritability, stage: int, rung: int
) -> None:
    a = assess(profile(**answers))
    assert (a.irritability, a.stage, a.rung) == (irritability, stage, rung)


@pytest.mark.parametrize(
    ("presentation", "floor_only", "suggest"),
    [("mid-portion", False, False), ("insertional", True, False), ("unsure", True, True)],
)
def test_presentation_handling(presentation: str, floor_only: bool, suggest: bool) -> None:
    a = assess(profile(presentation=presentation))
    assert a.floor_only is floor_only
    assert a.suggest_assessment is suggest
    assert a.summary


def test_nobody_starts_in_stage_4_and_entry_test_is_opt_in() -> None:
    low = {"rest_pain": 0, "morning_pain": 1, "single_leg_heel_raises": 40}
    assert not start_programme(profile(**low), MONDAY).entry_test_pending
    state = start_programme(profile(**low, stage3_entry_test=True), MONDAY)
    assert state.entry_test_pending
    assert state.stage == 2


@pytest.mark.parametrize(
    ("p", "zone"), [(0, "green"), (3, "green"), (4, "amber"), (5, "red"), (10, "red")]
)
def test_set_pain_zones(p: int, zone: str) -> None:
    assert classify_set_pain(p) == PainZone(zone)


def test_set_pain_ceiling_is_configurable() -> None:
    assert classify_set_pain(5, Thresholds(amber_ceiling=5)) == PainZone.AMBER


@pytest.mark.parametrize(("p", "zone"), [(0, "green"), (4, "green"), (5, "red")])
def test_session_pain_zones(p: int, zone: str) -> None:
    assert classify_session_pain(p) == PainZone(zone)


def test_pain_out_of_range() -> None:
    with pytest.raises(ValueError, match="0-10"):
        classify_set_pain(11)


def test_morning_baseline_uses_onboarding_until_three_scores() -> None:
    state = start_programme(profile(morning_pain=4), MONDAY)
    assert morning_baseline(state) == 4
    state = record_morning(state, MONDAY, 1)
    state = record_morning(state, MONDAY + timedelta(days=1), 1)
    assert morning_baseline(state) == 4
    state = record_morning(state, MONDAY + timedelta(days=2), 2)
    assert morning_baseline(state) == 1  # median of 1, 1, 2


def test_morning_baseline_is_median_of_last_seven() -> None:
    state = start_programme(profile(morning_pain=4), MONDAY)
    for i, p in enumerate([9, 0, 0, 1, 1, 1, 2, 2]):
        state = record_morning(state, MONDAY + timedelta(days=i), min(p, 4))
    # the first score (4) falls out of the window: median of 0,0,1,1,1,2,2
    assert morning_baseline(state) == 1


def test_morning_zones() -> None:
    state = start_programme(profile(morning_pain=2), MONDAY)
    assert classify_morning(state, 3) == PainZone.GREEN  # baseline + 1
    assert classify_morning(state, 4) == PainZone.RED  # baseline + 2
    state = start_programme(profile(morning_pain=3), MONDAY)
    assert classify_morning(state, 5) == PainZone.RED  # 5+ when the baseline is 3 or less
    state = start_programme(profile(morning_pain=4), MONDAY)
    assert classify_morning(state, 5) == PainZone.GREEN  # R2: not above a higher baseline
    assert classify_morning(state, 6) == PainZone.RED  # baseline + 2
    state = start_programme(profile(morning_pain=6, rest_pain=4), MONDAY)
    assert classify_morning(state, 7) == PainZone.RED  # R2: 7+ always
    state = start_programme(profile(morning_pain=1), MONDAY)
    for i, p in enumerate([1, 2, 2, 3]):
        state = record_morning(state, MONDAY + timedelta(days=i), p)
    assert morning_baseline(state) == 2  # median of 1, 2, 2, 3
    assert classify_morning(state, 3) == PainZone.GREEN


def test_half_point_baseline_gives_amber() -> None:
    state = start_programme(profile(morning_pain=1), MONDAY)
    for i, p in enumerate([1, 1, 2, 2]):
        state = record_morning(state, MONDAY + timedelta(days=i), p)
    assert morning_baseline(state) == 1.5
    assert classify_morning(state, 3) == PainZone.AMBER  # above 2.5, below 3.5
