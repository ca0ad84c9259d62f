"""Fakes shared by the test tiers (fakes, not mocks)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta


class FakeClock:
    """A clock the test moves by hand; always tz-aware UTC."""

    def __init__(self, start: datetime | None = None) -> None:
        self.current = start or datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
        if self.current.tzinfo is None:
            raise ValueError("FakeClock needs a tz-aware start")

    def __call__(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> datetime:
        self.current += timedelta(**delta)
        return self.current

    def set(self, when: datetime) -> None:
        if when.tzinfo is None:
            raise ValueError("tz-aware datetimes only")
        self.current = when.astimezone(UTC)
