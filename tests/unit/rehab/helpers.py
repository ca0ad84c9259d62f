"""Shared builders for the rehab tests."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from rehab import (
    Profile,
    ProgrammeState,
    SessionResult,
    decide_next,
    record_morning,
    record_session,
)
from rehab.dosing import prescribe, sessions_on

MONDAY = date(2026, 1, 5)


def profile(**over: Any) -> Profile:
    base: dict[str, Any] = {
        "presentation": "mid-portion",
        "side": "right",
        "bodyweight_kg": 80,
        "max_added_load_kg": 20,
        "rest_pain": 2,
        "morning_pain": 4,
        "stiffness_minutes": 15,
        "single_leg_heel_raises": 5,
    }
    base.update(over)
    return Profile.model_validate(base)


def green_day(state: ProgrammeState, on: date, morning: int = 2, pain: int = 2) -> ProgrammeState:
    """Morning check-in, decision, and the day's sessions, all green."""
    state = record_morning(state, on, morning)
    state, _ = decide_next(state, on)
    for _ in range(sessions_on(state, on)):
        plan = prescribe(state, on)
        pains = [pain] * sum(e.sets for e in plan.exercises)
        state = record_session(
            state,
            SessionResult(
                on=on,
                stage=plan.stage,
                completed=True,
                set_pains=pains,
                pain_after=pain,
                efforts={e.exercise_id: "right" for e in plan.exercises},
                session_type=plan.session_type,
            ),
        )
    return state


def days(start: date, n: int) -> list[date]:
    return [start + timedelta(days=i) for i in range(n)]
