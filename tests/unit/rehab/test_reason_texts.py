"""What users read of the engine's decisions and gate results: plain, exact and not doubled by
the bot's own headings ("Test passed ✓", "Not yet"). The engine returns each reason as data;
these tests read them worded by the bot's catalogue (bot.texts.reason_text), as users do."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.texts import reason_text, requirement_words
from rehab import (
    DecisionKind,
    GateTestResult,
    ProgrammeState,
    ProgrammeStatus,
    decide_next,
    gate_status,
    record_gate_test,
    start_programme,
)
from rehab.protocol import STAGE4_FULL_RUNG

from .helpers import MONDAY, profile
from .test_decisions import d, hsr_session, next_day, stage3

pytestmark = pytest.mark.unit

HEADINGS = ("not yet", "test passed")


def test_easy_twice_and_hard_name_each_exercise_and_its_new_load() -> None:
    s = stage3()
    s.stage3_loads = {
        k: v.model_copy(update={"load_kg": 20.0, "recent": []}) for k, v in s.stage3_loads.items()
    }
    s = hsr_session(s, d(0), "easy")
    s, _ = decide_next(next_day(s, d(1)), d(1))
    s = hsr_session(s, d(2), "easy")
    s, up = decide_next(next_day(next_day(s, d(2)), d(3)), d(3))
    assert up.kind is DecisionKind.PROGRESS
    # +5 % of 20 kg is 1 kg, so one 2.5 kg plate: the user reads the real numbers.
    assert "Single-leg calf raise on a step, loaded 20 → 22.5 kg; " in reason_text(up.reason)
    assert "about 5 %" not in reason_text(up.reason)
    s = hsr_session(s, d(4), "hard")
    s, down = decide_next(next_day(s, d(5)), d(5))
    assert down.kind is DecisionKind.REGRESS
    assert "Single-leg calf raise on a step, loaded 22.5 → 20 kg" in reason_text(down.reason)


def test_capped_load_says_the_tempo_slows() -> None:
    s = stage3(max_added=0)
    s = hsr_session(s, d(0), "easy")
    s = hsr_session(next_day(s, d(1)), d(1), "easy")
    s, up = decide_next(next_day(s, d(2)), d(2))
    assert "Single-leg calf raise on a step, loaded at 4 s up and 4 s down" in reason_text(
        up.reason
    )


def stage3_due(**over: object) -> ProgrammeState:
    s = stage3(**over)  # type: ignore[arg-type]
    return s.model_copy(
        update={
            "programme_start": MONDAY - timedelta(weeks=10),
            "stage_start": MONDAY - timedelta(weeks=8),
            "mornings": [],
            "flares": [],
        }
    )


def test_a_failed_checkpoint_reads_well_under_the_not_yet_heading() -> None:
    s = stage3_due()
    on = MONDAY + timedelta(days=1)
    assert gate_status(s, on).due
    _, hold = record_gate_test(
        s, GateTestResult(heel_raise_reps=22, other_side_reps=30, loaded_hold_pain=1), on
    )
    assert reason_text(hold.reason).startswith("You did 22 heel raises; the test needs 25")
    _, pain = record_gate_test(s, GateTestResult(heel_raise_reps=30, loaded_hold_pain=4), on)
    assert reason_text(pain.reason).startswith("The hold hurt 4/10; the limit is 2.")


def test_the_hop_test_reads_well_under_both_headings() -> None:
    s = stage3_due(max_added=0)
    on = MONDAY + timedelta(days=1)
    _, failed = record_gate_test(s, GateTestResult(heel_raise_reps=20, hop_pain=1), on)
    _, passed = record_gate_test(s, GateTestResult(heel_raise_reps=26, hop_pain=2), on)
    assert passed.kind is DecisionKind.HOLD  # R2: Stage 4 starts after a calm next morning
    assert reason_text(passed.reason).startswith(
        "26 heel raises and 10 hops at 2/10 today. If tomorrow"
    )
    for reason in (reason_text(failed.reason), reason_text(passed.reason)):
        assert not reason.lower().startswith(HEADINGS), reason
        assert "))" not in reason


def test_a_failed_recheck_says_why_in_plain_words() -> None:
    s = start_programme(profile(rest_pain=0, morning_pain=1, single_leg_heel_raises=15), MONDAY)
    s = s.model_copy(update={"needs_recheck": True})
    _, dec = record_gate_test(s, GateTestResult(morning_pain=1, heel_raise_reps=0), MONDAY)
    assert reason_text(dec.reason).startswith(
        "The re-check was not passed (0 heel raises where 1 are needed)"
    )
    assert "green" not in reason_text(dec.reason)


def test_the_stage4_ladder_step_never_passes_its_count() -> None:
    s = start_programme(profile(), MONDAY).model_copy(
        update={"stage": 4, "rung": STAGE4_FULL_RUNG + 2, "status": ProgrammeStatus.ACTIVE}
    )
    _, detail = requirement_words(gate_status(s, MONDAY).requirements[0])
    assert detail == f"step {STAGE4_FULL_RUNG + 1} of {STAGE4_FULL_RUNG + 1}"


def test_a_new_week_is_announced_even_when_loads_change_the_same_day() -> None:
    """Easy twice running, decided on the first day of week 2 of the Beyer schedule: the user
    hears about both the new week (3 x 12) and the heavier loads."""
    s = stage3()
    s = hsr_session(s, d(4), "easy")
    s, _ = decide_next(next_day(s, d(5)), d(5))
    s = hsr_session(s, d(6), "easy")
    s, both = decide_next(next_day(s, d(7)), d(7))
    assert both.kind is DecisionKind.PROGRESS
    assert reason_text(both.reason).startswith("A new week of the heavy programme: 3 x 12")
    assert "These felt easy two sessions running" in reason_text(both.reason)
