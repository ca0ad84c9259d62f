"""Every message of a stretch of a programme, as a person would read it on a phone.

The twelve-week read-through (`python -m tests.e2e.twelve_weeks`) drives the real bot through
the Bot API stand-in and collects all it says; this keeps its checks for the first day and a
half (setup in the person's own words, two sessions, the morning question between them): every
message fits a phone screen, none repeats back to back, no countdown is left standing after its
time, and no nudge calls a session "still waiting" once the bot has named tomorrow's as next."""

from __future__ import annotations

import pytest

from tests.e2e.twelve_weeks import problems, run

pytestmark = pytest.mark.e2e


async def test_the_first_days_messages_read_well_on_a_phone() -> None:
    said, _ = await run(days=1.5)
    texts = [item.text for item in said]
    assert sum("Session done ✓" in text for text in texts) >= 2  # the sessions really ran
    assert any("How did your Achilles feel in your first steps" in text for text in texts)
    assert problems(said) == []
