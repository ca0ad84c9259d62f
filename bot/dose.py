"""How an exercise's load reads, shared by the guided session and the reminders."""

from __future__ import annotations

from typing import Protocol

import rehab
from bot import texts


class _Loaded(Protocol):
    exercise_id: str
    load_kg: float


def is_machine(ex: _Loaded) -> bool:
    """A gym machine's exercise: its load is the machine's weight, not weight added to yours."""
    spec = rehab.EXERCISES.get(ex.exercise_id)
    return spec is not None and spec.machine


def load_text(ex: _Loaded) -> str:
    """ "+7.5 kg" (added to body weight), or "70 kg on the machine"."""
    template = texts.LOAD_MACHINE if is_machine(ex) else texts.LOAD_ADDED
    return template.format(kg=f"{ex.load_kg:g}")


def run_text(ex: object) -> str | None:
    """A walk-jog: "4 × (walk 2 min, jog 2 min)" or "26 min of easy running"; None otherwise."""
    jog = getattr(ex, "jog_min", None)
    if not jog:
        return None
    walk = getattr(ex, "walk_min", None) or 0
    if not walk:
        return texts.RUN_DOSE_CONTINUOUS.format(jog=f"{jog:g}")
    reps = getattr(ex, "reps", None) or 1
    return texts.RUN_DOSE.format(reps=reps, walk=f"{walk:g}", jog=f"{jog:g}")
