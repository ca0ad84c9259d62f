"""The text catalogue's small builders: what a user reads, line by line."""

from __future__ import annotations

import pytest

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
