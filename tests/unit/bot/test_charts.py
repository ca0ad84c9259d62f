"""The progress chart, rendered from a fixture and inspected as a matplotlib Figure.

Regenerate the example in docs/ with: `.venv/bin/python -m tests.unit.bot.test_charts`.
"""

from __future__ import annotations

import struct
import sys
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest
from matplotlib.patches import Polygon, Rectangle

from bot import charts
from bot.charts import build_progress_figure, render_progress_chart
from service_layer.chart_data import ChartData, GateMark, MorningPoint, SessionPoint, StageBand

pytestmark = pytest.mark.unit

START = date(2026, 11, 9)
EXAMPLE_PATH = Path(__file__).resolve().parents[3] / "docs" / "progress-example.png"


def example_data(with_load: bool = True) -> ChartData:
    """Three weeks: Stage 1 holds, a passed gate test on day 9, then Stage 2 with added load."""
    sessions: list[SessionPoint] = []
    mornings: list[MorningPoint] = []
    for i in range(21):
        day = START + timedelta(days=i)
        mornings.append(MorningPoint(day, max(0, 4 - i // 6)))
        if i in (4, 12):
            continue  # missed
        stage1 = i <= 9
        load = 0.0 if stage1 or not with_load else 2.5 * (1 + (i - 10) // 4)
        sessions.append(
            SessionPoint(
                day,
                pain_during_max=4 if i < 5 else 3 if i < 14 else 2,
                pain_after=3 if i < 5 else 2 if i < 14 else 1,
                load_kg=load,
                hold_s=(30 + i * 2 if stage1 else None) if with_load else 30 + i,
            )
        )
    return ChartData(
        sessions=sessions,
        mornings=mornings,
        stages=[
            StageBand(1, START, START + timedelta(days=10)),
            StageBand(2, START + timedelta(days=10), START + timedelta(days=21)),
        ],
        gates=[
            GateMark(START + timedelta(days=7), 1, passed=False),
            GateMark(START + timedelta(days=9), 1, passed=True),
        ],
    )


def values(array: object) -> list[float]:
    """A matplotlib data array as plain floats."""
    return [float(v) for v in np.asarray(array, dtype=float).ravel()]


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height from the PNG's IHDR chunk."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def test_axes_titles_labels_and_twin_axis() -> None:
    fig = build_progress_figure(example_data())
    pain_ax, dose_ax = fig.axes
    assert pain_ax.get_title() == "Your Achilles progress"
    assert pain_ax.get_xlabel() == "Date"
    assert pain_ax.get_ylabel() == "Pain (0–10)"
    assert pain_ax.get_ylim()[0] == 0
    assert pain_ax.get_ylim()[1] >= 10
    # The second axis shares x with the pain axis and carries the working load.
    assert dose_ax.get_shared_x_axes().joined(pain_ax, dose_ax)
    assert dose_ax.get_ylabel() == "Working load (kg added)"
    dose_line = dose_ax.get_lines()[0]
    assert max(values(dose_line.get_ydata())) == 7.5
    assert dose_ax.get_ylim()[1] > 7.5


def test_legend_names_every_series() -> None:
    fig = build_progress_figure(example_data())
    (legend,) = fig.legends
    assert [t.get_text() for t in legend.get_texts()] == [
        "Highest pain during session",
        "Pain after session",
        "Morning pain",
        "Gate test passed",
        "Gate test not passed",
        "Working load (kg added)",
    ]


def test_three_pain_series_hold_their_values() -> None:
    data = example_data()
    pain_ax = build_progress_figure(data).axes[0]
    lines = {line.get_label(): line for line in pain_ax.get_lines()}
    during = lines["Highest pain during session"]
    morning = lines["Morning pain"]
    assert len(during.get_xdata()) == 19  # type: ignore[arg-type]
    assert len(morning.get_xdata()) == 21  # type: ignore[arg-type]
    assert values(morning.get_ydata())[:7] == [4, 4, 4, 4, 4, 4, 3]


def test_stages_are_shaded_bands_and_labelled() -> None:
    pain_ax = build_progress_figure(example_data()).axes[0]
    bands = [p for p in pain_ax.patches if isinstance(p, Polygon | Rectangle)]
    assert len(bands) == 2
    assert len({tuple(b.get_facecolor()) for b in bands}) == 2
    labels = [t.get_text() for t in pain_ax.texts]
    assert labels == ["Stage 1", "Stage 2"]


def test_gate_tests_are_marked_at_their_dates() -> None:
    data = example_data()
    pain_ax = build_progress_figure(data).axes[0]
    marks = {c.get_label(): c.get_offsets() for c in pain_ax.collections}
    passed_x = values(marks["Gate test passed"])[0]
    failed_x = values(marks["Gate test not passed"])[0]
    assert int(passed_x) - int(failed_x) == 2
    assert passed_x == pytest.approx(charts._x(START + timedelta(days=9)))


def test_hold_time_axis_when_nothing_is_lifted() -> None:
    fig = build_progress_figure(example_data(with_load=False))
    assert fig.axes[1].get_ylabel() == "Hold time (s)"
    assert "Hold time (s)" in [t.get_text() for t in fig.legends[0].get_texts()]


def test_png_is_phone_sized_with_large_fonts() -> None:
    png = render_progress_chart(example_data())
    width, height = png_size(png)
    assert width >= 800
    assert 0.5 <= height / width <= 1.0
    fig = build_progress_figure(example_data())
    pain_ax = fig.axes[0]
    assert float(pain_ax.title.get_fontsize()) >= 20
    assert float(pain_ax.xaxis.label.get_fontsize()) >= 16
    assert min(float(t.get_fontsize()) for t in pain_ax.get_yticklabels()) >= 14
    assert min(float(t.get_fontsize()) for t in fig.legends[0].get_texts()) >= 12


def test_data_points_count_pain_answers() -> None:
    data = example_data()
    assert data.data_points() == 19 + 19 + 21
    assert ChartData(mornings=[MorningPoint(START, 3)]).data_points() == 1


def test_an_empty_chart_still_renders() -> None:
    png = render_progress_chart(ChartData())
    assert png_size(png)[0] >= 800


def test_committed_example_is_a_phone_sized_png() -> None:
    assert png_size(EXAMPLE_PATH.read_bytes())[0] >= 800


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else EXAMPLE_PATH
    target.write_bytes(render_progress_chart(example_data()))
    print(f"wrote {target}")
