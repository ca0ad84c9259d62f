"""What the progress chart shows, as plain data (drawn by bot/charts.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date


@dataclass(frozen=True)
class SessionPoint:
    """One session: its highest pain during a set, pain after, and the dose it worked at."""

    day: date
    pain_during_max: int | None
    pain_after: int | None
    load_kg: float | None = None
    hold_s: int | None = None


@dataclass(frozen=True)
class MorningPoint:
    day: date
    pain: int


@dataclass(frozen=True)
class StageBand:
    """Stage `stage` from `start` up to, not including, `end`."""

    stage: int
    start: date
    end: date


@dataclass(frozen=True)
class GateMark:
    day: date
    stage: int
    passed: bool


@dataclass(frozen=True)
class ChartData:
    sessions: Sequence[SessionPoint] = field(default_factory=tuple)
    mornings: Sequence[MorningPoint] = field(default_factory=tuple)
    stages: Sequence[StageBand] = field(default_factory=tuple)
    gates: Sequence[GateMark] = field(default_factory=tuple)

    def data_points(self) -> int:
        """How many pain readings there are to draw."""
        during = sum(1 for s in self.sessions if s.pain_during_max is not None)
        after = sum(1 for s in self.sessions if s.pain_after is not None)
        return during + after + len(self.mornings)

    def uses_load(self) -> bool:
        """True when weight was added: the second axis shows load, otherwise hold time."""
        return any((s.load_kg or 0) > 0 for s in self.sessions)
