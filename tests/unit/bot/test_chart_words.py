"""The progress chart is worded in the person's language: its date ticks too, although
matplotlib words them when the figure is saved, after the language block has ended."""

from __future__ import annotations

from datetime import date

import pytest

from bot import i18n
from bot.charts import _EPOCH, build_progress_figure
from tests.unit.bot.test_charts import example_data

pytestmark = pytest.mark.unit


def _tick(language: str, day: date) -> str:
    with i18n.using(language):
        fig = build_progress_figure(example_data())
    formatter = fig.axes[0].xaxis.get_major_formatter()
    return str(formatter((day - _EPOCH).days + 0.5))  # outside the block: as when saved


def test_date_ticks_are_in_the_language_of_the_chart() -> None:
    assert _tick("en", date(2026, 12, 3)) == "3 Dec"
    assert _tick("es", date(2026, 12, 3)) == "3 dic"
    assert _tick("ru", date(2026, 12, 3)).startswith("3 дек")


def test_stage_bands_are_worded() -> None:
    with i18n.using("en"):
        fig = build_progress_figure(example_data())
    assert {"Stage 1", "Stage 2"} <= {t.get_text() for t in fig.axes[0].texts}
