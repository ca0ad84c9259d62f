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
