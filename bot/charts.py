"""The progress chart: a pure function from plain data to PNG bytes (matplotlib, Agg backend).

Three pains over time (highest during each session, after it, next morning) on the left axis;
the working load, or the hold time when nothing is lifted, on a second axis; stages as shaded
bands; gate tests as markers along the top. Sized and lettered to be read on a phone.

No pyplot: every chart is its own Figure on its own Agg canvas. matplotlib is imported only when
a chart is drawn, and the bot draws them in a worker process (`render_off_loop`): an idle bot
does not carry matplotlib, and a chart never holds the event loop's interpreter.
"""

from __future__ import annotations

import asyncio
import io
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import date, time, timedelta
from typing import TYPE_CHECKING

from babel.dates import format_date

from bot import i18n
from bot.i18n import N_, _
from service_layer.chart_data import ChartData, StageBand

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

WIDTH_IN = 11.0
HEIGHT_IN = 7.5
DPI = 100  # 1100 × 750 px
TITLE_SIZE = 24
LABEL_SIZE = 19
TICK_SIZE = 16
LEGEND_SIZE = 14
BAND_LABEL_SIZE = 15

TITLE = N_("Your Achilles progress")
X_LABEL = N_("Date")
PAIN_LABEL = N_("Pain (0–10)")
LOAD_LABEL = N_("Working load (kg added)")
HOLD_LABEL = N_("Hold time (s)")
SERIES_DURING = N_("Highest pain during session")
SERIES_AFTER = N_("Pain after session")
SERIES_MORNING = N_("Morning pain")
GATE_PASSED = N_("Gate test passed")
GATE_FAILED = N_("Gate test not passed")

PAIN_DURING_COLOUR = "#d62728"
PAIN_AFTER_COLOUR = "#ff7f0e"
MORNING_COLOUR = "#1f77b4"
DOSE_COLOUR = "#2ca02c"
STAGE_COLOURS = ("#e8f1fb", "#eaf7e6", "#fdf3e1", "#f4e9f7", "#eeeeee")


# Within a day: the morning check-in early, the session in the evening, gate tests at noon.
MORNING_AT = time(8)
SESSION_AT = time(17)
GATE_AT = time(12)


_EPOCH = date(1970, 1, 1)  # matplotlib's default date epoch: x is days since then


def _num(day: date, at: time = time(0)) -> float:
    return (day - _EPOCH).days + (at.hour * 3600 + at.minute * 60) / 86400


def _x(day: date, at: time = GATE_AT) -> float:
    return _num(day, at)


def _xs(days: Sequence[date], at: time = GATE_AT) -> list[float]:
    return [_x(d, at) for d in days]


def _span(data: ChartData) -> tuple[date, date]:
    days = [s.day for s in data.sessions] + [m.day for m in data.mornings]
    days += [g.day for g in data.gates] + [b.start for b in data.stages]
    if not days:
        today = date(2000, 1, 1)
        return today, today
    return min(days), max(days)


def _draw_stage_bands(ax: Axes, bands: Sequence[StageBand]) -> None:
    for band in bands:
        left = _num(band.start)
        right = _num(band.end)
        colour = STAGE_COLOURS[(band.stage - 1) % len(STAGE_COLOURS)]
        ax.axvspan(left, right, color=colour, zorder=0, linewidth=0)
        ax.text(
            (left + right) / 2,
            10.15,
            _("Stage {n}").format(n=band.stage),
            ha="center",
            va="bottom",
            fontsize=BAND_LABEL_SIZE,
            color="#444444",
            clip_on=True,
        )


def _tick_words(language: str) -> Callable[[float, object], str]:
    """A date tick's words (`3 Dec`, `3 dic`, `3 дек.`), in `language`: ticks are worded when the
    figure is saved, after the language block of `render_progress_chart` has ended."""

    def words(x: float, _pos: object = None) -> str:
        day = _EPOCH + timedelta(days=int(x))
        return format_date(day, "d MMM", locale=i18n.locale(language))

    return words


def build_progress_figure(data: ChartData) -> Figure:
    """The chart as a matplotlib Figure (inspect it in tests; `render_progress_chart` saves it)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import dates as mdates
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    fig = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    dose_ax = ax.twinx()

    first, last = _span(data)
    left = _num(first)
    right = _num(last + timedelta(days=1))
    _draw_stage_bands(ax, data.stages)

    during = [s for s in data.sessions if s.pain_during_max is not None]
    after = [s for s in data.sessions if s.pain_after is not None]
    ax.plot(
        _xs([s.day for s in during], SESSION_AT),
        [float(s.pain_during_max or 0) for s in during],
        color=PAIN_DURING_COLOUR,
        marker="o",
        markersize=7,
        linewidth=2.5,
        label=_(SERIES_DURING),
        zorder=3,
    )
    ax.plot(
        _xs([s.day for s in after], SESSION_AT),
        [float(s.pain_after or 0) for s in after],
        color=PAIN_AFTER_COLOUR,
        marker="s",
        markersize=6,
        linewidth=2,
        linestyle="--",
        label=_(SERIES_AFTER),
        zorder=3,
    )
    ax.plot(
        _xs([m.day for m in data.mornings], MORNING_AT),
        [m.pain for m in data.mornings],
        color=MORNING_COLOUR,
        marker="D",
        markersize=6,
        linewidth=2.5,
        label=_(SERIES_MORNING),
        zorder=3,
    )

    passed = [g for g in data.gates if g.passed]
    failed = [g for g in data.gates if not g.passed]
    if passed:
        ax.scatter(
            _xs([g.day for g in passed]),
            [9.6] * len(passed),
            marker="*",
            s=420,
            color="#2e7d32",
            edgecolors="black",
            label=_(GATE_PASSED),
            zorder=5,
        )
    if failed:
        ax.scatter(
            _xs([g.day for g in failed]),
            [9.6] * len(failed),
            marker="X",
            s=260,
            color="#c62828",
            edgecolors="black",
            label=_(GATE_FAILED),
            zorder=5,
        )
    for gate in data.gates:
        ax.axvline(_x(gate.day), color="#555555", linestyle=":", linewidth=1.5, zorder=2)

    uses_load = data.uses_load()
    dose_label = _(LOAD_LABEL) if uses_load else _(HOLD_LABEL)
    dose_points = [
        (s.day, s.load_kg if uses_load else s.hold_s)
        for s in data.sessions
        if (s.load_kg if uses_load else s.hold_s) is not None
    ]
    dose_ax.plot(
        _xs([d for d, _v in dose_points], SESSION_AT),
        [float(v or 0) for _d, v in dose_points],
        color=DOSE_COLOUR,
        linewidth=3,
        marker="|",
        markersize=10,
        alpha=0.8,
        label=dose_label,
        zorder=2,
    )
    top = max((float(v) for _d, v in dose_points if v is not None), default=0.0)
    dose_ax.set_ylim(0, top * 1.25 if top > 0 else 10)
    dose_ax.set_ylabel(dose_label, fontsize=LABEL_SIZE, color=DOSE_COLOUR)
    dose_ax.tick_params(axis="y", labelsize=TICK_SIZE, colors=DOSE_COLOUR)

    ax.set_title(_(TITLE), fontsize=TITLE_SIZE, pad=14)
    ax.set_xlabel(_(X_LABEL), fontsize=LABEL_SIZE)
    ax.set_ylabel(_(PAIN_LABEL), fontsize=LABEL_SIZE)
    ax.set_ylim(0, 10.9)
    ax.set_yticks(range(0, 11, 2))
    ax.set_xlim(left, right)
    ax.tick_params(axis="both", labelsize=TICK_SIZE)
    ax.grid(axis="y", alpha=0.3)
    locator = mdates.AutoDateLocator(minticks=3, maxticks=7)  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(FuncFormatter(_tick_words(i18n.current())))

    handles, labels = ax.get_legend_handles_labels()
    dose_handles, dose_labels = dose_ax.get_legend_handles_labels()
    fig.legend(
        handles + dose_handles,
        labels + dose_labels,
        loc="outside lower center",
        ncols=3,
        fontsize=LEGEND_SIZE,
        frameon=False,
    )
    return fig


def render_progress_chart(data: ChartData, language: str | None = None) -> bytes:
    """The chart as PNG bytes, worded in `language` (default: the language in force)."""
    with i18n.using(language or i18n.current()):
        fig = build_progress_figure(data)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


# -- drawing off the event loop -------------------------------------------------------------------

_pool: ProcessPoolExecutor | None = None
# The chart worker's niceness: on a small machine a chart takes a core's spare time, while the
# bot's own process answers everyone else's taps first.
RENDERER_NICE = 10


def _lower_priority() -> None:
    """In the worker process: yield the CPU to the bot (and anything else) when both want it."""
    os.nice(RENDERER_NICE)


def _renderer() -> ProcessPoolExecutor:
    """One worker process (started on first use, `spawn`: nothing of the bot's threads or
    sockets is inherited; at a low priority): charts take turns there, and the event loop keeps
    its interpreter."""
    global _pool
    if _pool is None:
        _pool = ProcessPoolExecutor(
            max_workers=1,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_lower_priority,
        )
    return _pool


async def render_off_loop(data: ChartData) -> bytes:
    """`render_progress_chart` in the worker process (a new one if the last one died), in the
    language in force here (the worker has its own)."""
    global _pool
    loop = asyncio.get_running_loop()
    language = i18n.current()
    try:
        return await loop.run_in_executor(_renderer(), render_progress_chart, data, language)
    except BrokenProcessPool:
        _pool = None
        return await loop.run_in_executor(_renderer(), render_progress_chart, data, language)


def shutdown_renderer() -> None:
    """Stop the worker process, if one was started."""
    global _pool
    if _pool is not None:
        _pool.shutdown(wait=False, cancel_futures=True)
        _pool = None
