"""The text catalogue's small builders: what a user reads, line by line."""

from __future__ import annotations

from datetime import date

import pytest

import rehab
from bot import texts

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("outcome", sorted(texts.HISTORY_OUTCOMES))
def test_history_lines_have_one_separator_between_parts(outcome: str) -> None:
    line = texts.history_line("Wed 2 Dec", outcome, 1, None, 1, "hold")
    assert "· ·" not in line
    assert line.startswith("<b>Wed 2 Dec</b> · ")
    assert line.endswith(" · AM 1 · ➡️ same dose")


def test_a_rest_day_reads_plainly() -> None:
    line = texts.history_line("Wed 2 Dec", "rest", 0, None, 1, None)
    assert line == "<b>Wed 2 Dec</b> · 💤 rest · AM 1"


@pytest.mark.parametrize(
    ("planned", "done", "past", "expected"),
    [
        (2, 0, False, "2 sessions"),
        (1, 0, False, "1 session"),
        (2, 1, False, "1 of 2 done"),
        (2, 1, True, "1 of 2 done"),
        (2, 2, True, "2 sessions, all done"),
        (1, 1, False, "1 session ✓"),
        (2, 0, True, "2 sessions, not done"),
    ],
)
def test_plan_days_say_how_many_sessions_and_how_many_are_done(
    planned: int, done: int, past: bool, expected: str
) -> None:
    assert texts.plan_sessions(planned, done, past) == expected


def test_a_reminder_gives_a_machine_weight_as_such() -> None:
    from bot.notifier import exercise_dose

    plan = rehab.prescribe(
        rehab.start_programme(
            rehab.Profile(
                presentation=rehab.Presentation.MID_PORTION,
                side=rehab.Side.LEFT,
                bodyweight_kg=80,
                max_added_load_kg=10,
                gym=True,
                rest_pain=0,
                morning_pain=1,
                single_leg_heel_raises=30,
                stiffness_minutes=0,
            ),
            date(2026, 1, 5),
        ).model_copy(update={"stage": 3}),
        date(2026, 1, 5),
    )
    press = next(e for e in plan.exercises if e.exercise_id == "leg_press_calf_raise")
    assert (
        exercise_dose(press)
        == f"Leg-press calf raise (gym) 3 × 15 reps, {press.load_kg:g} kg on the machine"
    )


def test_a_plan_day_ahead_names_its_times() -> None:
    assert texts.plan_sessions(2, 0, False, ("07:00", "18:00")) == "2 sessions (07:00, 18:00)"
    assert texts.plan_sessions(2, 0, True, ("07:00", "18:00")) == "2 sessions, not done"


def test_a_day_with_a_full_and_an_early_ended_session_says_both() -> None:
    line = texts.history_line("Wed 2 Dec", "done", 2, 7, None, None, ended_early=1)
    assert line == "<b>Wed 2 Dec</b> · ✅ done · ⚠️ ended early · pain 7"


def _summary(stage: int, stage_to: int | None) -> str:
    return texts.weekly_summary(
        period="23–29 Nov",
        done=6,
        planned=7,
        morning_now=2.0,
        morning_before=3.0,
        stage=stage,
        stage_to=stage_to,
        decision_label=None,
        decision_reason=None,
    )


def test_the_weekly_summary_never_announces_the_stage_the_person_is_already_in() -> None:
    text = _summary(3, 3)  # moved up to Stage 3 on Thursday
    assert "Next week:</b> Stage 3. 🎉" not in text
    assert "<b>This week:</b> on to Stage 3. 🎉" in text
    assert "<b>Next week:</b> Stage 3, keep going." in text


def test_the_weekly_summary_tells_a_change_already_made_as_this_weeks_news() -> None:
    """A step up made on Sunday morning is in force already: "Next week: ⬆️ step up" read as
    one more to come. The summary counts sessions and never gives a percentage."""
    text = texts.weekly_summary(
        period="2–8 Mar",
        done=13,
        planned=13,
        morning_now=2.0,
        morning_before=None,
        stage=1,
        stage_to=None,
        decision_label=texts.DECISION_LABELS["progress"],
        decision_reason="You step up to 5 holds of 45 s.",
    )
    assert "<b>This week:</b> ⬆️ step up (Stage 1)" in text
    assert "Next week" not in text
    assert "Sessions: 13 of 13 done" in text
    assert "%" not in text


def test_a_summary_whose_week_asks_for_a_test_says_how_to_take_it() -> None:
    text = texts.weekly_summary(
        period="6–12 Apr",
        done=7,
        planned=7,
        morning_now=2.0,
        morning_before=2.0,
        stage=2,
        stage_to=None,
        decision_label=texts.DECISION_LABELS["gate_test"],
        decision_reason="You have done the work for Stage 3. Time for the test.",
        decision_kind="gate_test",
    )
    assert texts.TEST_HOW in text


def test_progress_past_the_twelfth_week_is_not_week_13_of_12() -> None:
    """Read on day 85 of the twelve-week run: "Week 13 of 12 · Stage 3"."""

    def caption(week: int) -> str:
        return texts.progress_caption(
            week=week,
            total_weeks=12,
            stage=3,
            morning_week1=4.0,
            morning_now=2.0,
            sessions_done=60,
            sessions_missed=1,
        )

    assert caption(12).startswith("<b>Week 12 of 12</b> · Stage 3")
    assert "of 12" not in caption(13)
    assert caption(13).startswith("<b>Week 13</b> (beyond the 12-week plan) · Stage 3")
