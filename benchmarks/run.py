"""Speed and memory benchmarks of real code paths, each checked against a named target.

Run with `make bench` (or `.venv/bin/python -m benchmarks.run [--only TEXT]`). Every benchmark is
timed a few times after one warm-up run and the median is reported; peak memory is the highest
Python heap seen by `tracemalloc` during one extra run (not timed, as tracing slows code down).
Memory allocated outside Python's allocators, such as matplotlib's Agg pixel buffer, is not
counted. Exit status 1 when any target is exceeded.

Targets are set at about 2.5-3x the typical median on a 2-core development box, so they catch
real regressions rather than noise: other work on that box alone moved medians by up to ~1.7x.
Run on a quiet machine, and change a target only together with the reason for it.

The scale groups (`updates`, `startup`, `fanout`; benchmarks/scale.py and updates.py) run the bot
as a real process against the Bot API stand-in and take a while: the fan-out alone is 10,000
people at 30 messages/s (about 6 minutes a run, four runs with PostgreSQL when
TEST_POSTGRES_URL is set). `--only fanout.sqlite` and the like run a part.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from time import perf_counter
from typing import Any

from bot import faq, pictures
from bot.charts import render_progress_chart
from rehab import (
    Cadence,
    DecisionKind,
    Effort,
    ProgrammeState,
    SessionResult,
    decide_next,
    prescribe,
    record_gate_test,
    record_morning,
    record_session,
    sessions_on,
    start_programme,
)
from rehab.protocol import EXERCISES, TIMINGS
from rehab.simulator import load_persona, simulate
from scheduler.delivery import Outcome
from scheduler.ports import CadenceNotice, ReminderMessage
from scheduler.service import fire
from service_layer import planner
from service_layer.chart_data import ChartData, GateMark, MorningPoint, SessionPoint, StageBand
from service_layer.config import Settings
from service_layer.records import WeeklySummary
from service_layer.runtime import Runtime
from storage.migrate import upgrade_to_head
from tests.integration.scheduler.seed import seed_user
from tests.unit.bot.test_faq import QUESTIONS


@dataclass(frozen=True)
class Target:
    limit: float  # the measured value must not be above this
    unit: str
    why: str  # what the user would notice if it were exceeded


# The one table of targets. Names are `<area>.<what>`; `.peak` is peak Python heap.
TARGETS: dict[str, Target] = {
    "engine.simulate_84d_6_personas": Target(
        180,
        "ms",
        "The what-if simulator answers a clinician at the command line: 12 weeks for all six"
        " shipped personas should come back at once.",
    ),
    "engine.decision_per_day": Target(
        0.6,
        "ms",
        "One engine step (load the stored state, decide, prescribe, dump the state) runs inside"
        " a button handler and the morning check-in: it must be negligible next to a Telegram"
        " round trip.",
    ),
    "planner.next_due_10k_users": Target(
        1500,
        "ms",
        "Start-up and every reschedule plan each slot's next occurrence: 10,000 users across"
        " time zones must be planned in a second or two, well inside a minute's reminders.",
    ),
    "planner.next_due_10k_users.peak": Target(
        0.3,
        "MiB",
        "Planning is streamed user by user; it must not hold a growing table in memory.",
    ),
    "chart.render_12_weeks": Target(
        450,
        "ms",
        "A /progress chart must render in well under ~1.5 s on a 2-core box so the user isn't"
        " left waiting; the Sunday summary renders one per user.",
    ),
    "chart.render_12_weeks.peak": Target(
        4.0,
        "MiB",
        "Charts render in a worker thread next to the bot; one must not cost tens of MiB.",
    ),
    "chart.png_12_weeks": Target(
        250,
        "KiB",
        "The chart is sent as a photo on mobile data; it should stay a small download.",
    ),
    "learn.match_per_question": Target(
        1.2,
        "ms",
        "Every typed message is matched against the questions /learn answers before anything"
        " else happens to it: that must cost nothing a user could notice.",
    ),
    "learn.picture_largest": Target(
        80,
        "KiB",
        "An exercise picture goes out as a photo with the first set, on mobile data; it should"
        " arrive before the user has read the card.",
    ),
    "learn.tempo_guide_largest": Target(
        300,
        "KiB",
        "A tempo guide is a looping GIF sent with the first tempo exercise; it should load in a"
        " moment on mobile data.",
    ),
    "fanout.sqlite_10k.vs_ideal": Target(
        1.05,
        "x",
        "10,000 people due in the same minute: everyone's reminder must be out within 5 % of"
        " the time Telegram's 30 messages/s allows (the bot is a process, the stand-in enforces"
        " the limit).",
    ),
    "fanout.sqlite_10k.lost": Target(0, "people", "A reminder that never comes is a lost day."),
    "fanout.sqlite_10k.duplicated": Target(0, "messages", "Nobody is reminded twice."),
    "fanout.sqlite_10k.peak_rss": Target(250, "MiB", "The fan-out must fit a small VM."),
    "fanout.sqlite_10k_5xx.vs_ideal": Target(
        1.05, "x", "The same with a tenth of the sends answered 5xx (retried, never lost)."
    ),
    "fanout.sqlite_10k_5xx.lost": Target(0, "people", "A 5xx must never lose a reminder."),
    "fanout.sqlite_10k_5xx.duplicated": Target(0, "messages", "Nor send one twice."),
    "fanout.postgres_10k.vs_ideal": Target(1.05, "x", "As on SQLite, on PostgreSQL."),
    "fanout.postgres_10k.lost": Target(0, "people", "As on SQLite."),
    "fanout.postgres_10k.duplicated": Target(0, "messages", "As on SQLite."),
    "fanout.postgres_10k.peak_rss": Target(250, "MiB", "As on SQLite."),
    "fanout.postgres_10k_5xx.vs_ideal": Target(1.05, "x", "As on SQLite, with 5xx."),
    "fanout.postgres_10k_5xx.lost": Target(0, "people", "As on SQLite, with 5xx."),
    "fanout.postgres_10k_5xx.duplicated": Target(0, "messages", "As on SQLite, with 5xx."),
    "startup.100k.first_poll": Target(
        2, "s", "With 100,000 people the bot answers at once after a restart."
    ),
    "startup.100k.all_due_known": Target(
        10, "s", "Every person's next reminder is known within seconds of a start."
    ),
    "startup.100k.rss": Target(250, "MiB", "100,000 people must not need a big machine."),
    "updates.tap_cpu_vs_bare": Target(
        2.0,
        "x",
        "CPU per pain tap (the check-in's pain button) next to a bare PTB bot answering a tap,"
        " in the same run: the bot's own work per update stays small.",
    ),
    "updates.start_p50_vs_bare": Target(
        2.0, "x", "/start answers about as fast as a bot that does nothing else."
    ),
    "updates.idle_rss": Target(80, "MiB", "An idle bot fits next to others on a small VM."),
    "updates.mixed_tap_p95_vs_no_charts": Target(
        2.0,
        "x",
        "200 people tapping while 20 ask for charts: their p95 must not grow much next to the"
        " same taps without charts (a chart never blocks anyone else).",
    ),
    "fire.reminders_300_users": Target(
        3000,
        "ms",
        "300 people with the same 07:30 reminder: the fire path (claim the sent-log row, commit,"
        " prescribe, send) on SQLite must get through all of them well inside a minute.",
    ),
}

ROOT = Path(__file__).resolve().parents[1]
PERSONAS = ROOT / "examples" / "personas"
STEADY_PERSONA = PERSONAS / "steady_mid_portion.json"
START = date(2026, 1, 5)  # a Monday, as in the simulator
DAYS = 84  # 12 weeks
USERS = 10_000
FIRE_USERS = 300
# Whole and part-hour offsets, both hemispheres' DST rules, and a zone changing clocks by 30 min.
ZONES = (
    "UTC",
    "Europe/Berlin",
    "Europe/London",
    "America/New_York",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "America/St_Johns",
    "Asia/Tokyo",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Asia/Tehran",
    "Africa/Cairo",
    "Australia/Sydney",
    "Australia/Lord_Howe",
    "Pacific/Auckland",
    "Pacific/Chatham",
)
# The night European clocks spring forward: next_due crosses a DST change for many users.
PLAN_AFTER = datetime(2026, 3, 28, 23, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Result:
    name: str
    value: float

    @property
    def target(self) -> Target:
        return TARGETS[self.name]

    @property
    def ok(self) -> bool:
        return self.value <= self.target.limit


def median_seconds(fn: Callable[[], object], repeats: int) -> float:
    """The median wall time of `repeats` calls of `fn`, after one warm-up call."""
    fn()
    times: list[float] = []
    for _ in range(repeats):
        started = perf_counter()
        fn()
        times.append(perf_counter() - started)
    return statistics.median(times)


def peak_mib(fn: Callable[[], object]) -> float:
    """The peak Python heap allocated while `fn` runs, in MiB (tracemalloc)."""
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 2**20


# -- the rehab engine ---------------------------------------------------------------------------


def bench_engine(repeats: int) -> Iterator[Result]:
    # The six original personas, so the target stays comparable as more personas ship.
    six: tuple[str, ...] = ("flare_week3", "high_irritability", "insertional", "red_flag_day9")
    six += ("steady_mid_portion", "two_week_gap")
    personas = [load_persona(PERSONAS / f"{name}.json") for name in six]

    def simulate_all() -> None:
        for persona in personas:
            assert len(simulate(persona, days=DAYS, start=START)) == DAYS

    yield Result("engine.simulate_84d_6_personas", median_seconds(simulate_all, repeats) * 1e3)

    mornings = _stored_states()

    def one_step_per_day() -> None:
        for on, stored in mornings:
            _handler_step(stored, on)

    per_day = median_seconds(one_step_per_day, repeats) / len(mornings)
    yield Result("engine.decision_per_day", per_day * 1e3)


def _handler_step(stored: dict[str, Any], on: date) -> dict[str, Any]:
    """What a handler does with the engine: load the state, decide, prescribe, store it."""
    state = ProgrammeState.model_validate(stored)
    state, _ = decide_next(state, on)
    prescribe(state, on)
    return state.model_dump(mode="json")


def _stored_states() -> list[tuple[date, dict[str, Any]]]:
    """The stored engine state on each morning of 12 green weeks of the steady persona (after
    the check-in, before the day's decision), so late days carry a full history."""
    persona = load_persona(STEADY_PERSONA)
    assert persona.tests is not None
    state = start_programme(persona.profile, START)
    out: list[tuple[date, dict[str, Any]]] = []
    for i in range(DAYS):
        on = START + timedelta(days=i)
        state = record_morning(state, on, 2)
        out.append((on, state.model_dump(mode="json")))
        state, decision = decide_next(state, on)
        if decision.gate is not None and decision.kind in (
            DecisionKind.GATE_TEST,
            DecisionKind.REASSESS,
        ):
            state, _ = record_gate_test(state, persona.tests, on)
        for _ in range(sessions_on(state, on)):
            plan = prescribe(state, on)
            result = SessionResult(
                on=on,
                stage=plan.stage,
                completed=True,
                set_pains=[2 for ex in plan.exercises for _ in range(ex.sets)],
                pain_after=2,
                efforts={ex.exercise_id: Effort.RIGHT for ex in plan.exercises},
                ended_early=False,
                session_type=plan.session_type,
            )
            state = record_session(state, result)
    assert state.stage >= 3, f"the steady persona should pass Stage 2 in 12 weeks: {state.stage}"
    return out


# -- the scheduler's planner --------------------------------------------------------------------


def bench_planner(repeats: int) -> Iterator[Result]:
    cadences = list(Cadence)

    def plan_everyone() -> None:
        found = 0
        for i in range(USERS):
            plan = planner.build_plan(
                zone=ZONES[i % len(ZONES)],
                cadence=cadences[i % len(cadences)],
                session_times=("07:30", "18:15"),
                weekly_days=(i % 7, (i + 3) % 7),
                weekly_time="18:00",
                checkin_time="07:00",
                weekly_summary=i % 3 != 0,
                paused=i % 50 == 0,
                paused_until=date(2026, 4, 10) if i % 100 == 0 else None,
            )
            for slot in plan.slots:
                found += planner.next_due(plan, slot, PLAN_AFTER) is not None
        assert found > 3 * USERS, found

    yield Result("planner.next_due_10k_users", median_seconds(plan_everyone, repeats) * 1e3)
    yield Result("planner.next_due_10k_users.peak", peak_mib(plan_everyone))


# -- the progress chart -------------------------------------------------------------------------


def twelve_weeks() -> ChartData:
    """Chart data for 12 weeks: twice-daily sessions in Stages 1-2, three a week in Stages 3-4,
    a morning answer every day, a few missed days, and four gate tests (one failed)."""
    # (stage, first day, day after the last) in days from START
    stages = ((1, 0, 21), (2, 21, 49), (3, 49, 77), (4, 77, DAYS))
    sessions: list[SessionPoint] = []
    mornings: list[MorningPoint] = []
    for i in range(DAYS):
        day = START + timedelta(days=i)
        mornings.append(MorningPoint(day, max(0, 5 - i // 14)))
        if i in (9, 30, 31, 58):
            continue  # missed
        stage = next(s for s, first, end in stages if first <= i < end)
        if stage >= 3 and day.weekday() not in TIMINGS.training_weekdays:
            continue
        for _ in range(2 if stage <= 2 else 1):
            sessions.append(
                SessionPoint(
                    day,
                    pain_during_max=max(1, 4 - i // 21),
                    pain_after=max(0, 3 - i // 21),
                    load_kg=0.0 if stage == 1 else 2.5 * (1 + (i - 21) // 7),
                    hold_s=30 + i if stage == 1 else None,
                )
            )
    return ChartData(
        sessions=sessions,
        mornings=mornings,
        stages=[
            StageBand(s, START + timedelta(first), START + timedelta(end))
            for s, first, end in stages
        ],
        gates=[
            GateMark(START + timedelta(days=20), 1, passed=True),
            GateMark(START + timedelta(days=46), 2, passed=False),
            GateMark(START + timedelta(days=48), 2, passed=True),
            GateMark(START + timedelta(days=76), 3, passed=True),
        ],
    )


def bench_chart(repeats: int) -> Iterator[Result]:
    data = twelve_weeks()

    def render() -> bytes:
        return render_progress_chart(data)

    yield Result("chart.render_12_weeks", median_seconds(render, repeats) * 1e3)
    yield Result("chart.render_12_weeks.peak", peak_mib(render))
    png = render()
    assert png.startswith(b"\x89PNG"), "not a PNG"
    yield Result("chart.png_12_weeks", len(png) / 1024)


# -- the reminder fire path on SQLite ----------------------------------------------------------


class CountingNotifier:
    """A Notifier that counts what would have gone to Telegram (no network in a benchmark)."""

    def __init__(self) -> None:
        self.reminders = 0

    async def send_reminder(self, message: ReminderMessage) -> None:
        self.reminders += 1

    async def send_checkin(self, chat_id: int, local_date: date) -> None:
        pass

    async def send_summary(self, chat_id: int, summary: WeeklySummary) -> None:
        pass

    async def send_cadence_notice(self, notice: CadenceNotice) -> None:
        pass


class SettableClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def bench_fire(repeats: int) -> Iterator[Result]:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{tmp}/bench.db"
        upgrade_to_head(url)
        settings = Settings.model_validate(
            {
                "telegram_bot_token": "123456789:BENCH-token-ABCDEFGHIJKLMNOPQRST",
                "database_url": url,
            }
        )
        seconds = asyncio.run(_fire_days(settings, repeats))
    yield Result("fire.reminders_300_users", seconds * 1e3)


async def _fire_days(settings: Settings, repeats: int) -> float:
    """Seed FIRE_USERS people in Berlin, then fire everyone's 07:30 reminder, one day per run."""
    clock = SettableClock(datetime(2026, 6, 1, 4, 0, tzinfo=UTC))
    runtime = Runtime.create(settings, clock)
    try:
        for uid in range(1, FIRE_USERS + 1):
            await seed_user(runtime, uid, zone="Europe/Berlin", session_times=("07:30", "18:00"))
        notifier = CountingNotifier()
        days = iter(range(repeats + 1))

        async def fire_one_day() -> None:
            day = date(2026, 6, 2) + timedelta(days=next(days))
            due = planner.local_instant(day, time(7, 30), planner.zone_of("Europe/Berlin"))
            clock.now = due
            before = notifier.reminders
            for uid in range(1, FIRE_USERS + 1):
                outcome = await fire(runtime, notifier, uid, "reminder", "s1", due)
                assert outcome is Outcome.SENT, outcome
            assert notifier.reminders - before == FIRE_USERS

        await fire_one_day()  # warm-up
        times: list[float] = []
        for _ in range(repeats):
            started = perf_counter()
            await fire_one_day()
            times.append(perf_counter() - started)
        return statistics.median(times)
    finally:
        await runtime.close()


# -- /learn and the pictures -----------------------------------------------------------------------


def bench_learn(repeats: int) -> Iterator[Result]:
    questions = [q for q, _ in QUESTIONS] + ["hello", "ok thanks", "what time is it?"]

    def match_all() -> None:
        for question in questions:
            faq.match(question)

    yield Result(
        "learn.match_per_question", median_seconds(match_all, repeats) * 1e3 / len(questions)
    )
    shipped = [p for p in (pictures.picture_path(i) for i in EXERCISES) if p is not None]
    yield Result("learn.picture_largest", max(p.stat().st_size for p in shipped) / 1024)
    guides = [p for p in (pictures.tempo_path(t) for t in pictures.tempos()) if p is not None]
    yield Result("learn.tempo_guide_largest", max(p.stat().st_size for p in guides) / 1024)


# -- scale: fan-out, start-up, per-update figures (real processes; benchmarks/scale.py) ---------

FANOUT_PEOPLE = 10_000
STARTUP_PEOPLE = 100_000


def bench_fanout(repeats: int) -> Iterator[Result]:
    from benchmarks import scale

    backends = ["sqlite"] + (["postgres"] if scale.postgres_server() else [])
    for backend in backends:
        for suffix, share in (("", 0.0), ("_5xx", 0.10)):
            run = asyncio.run(
                scale.fanout(FANOUT_PEOPLE, "sqlite" if backend == "sqlite" else "pg", share)
            )
            name = f"fanout.{backend}_10k{suffix}"
            print(f"  {name}: {run}", file=sys.stderr)
            yield Result(f"{name}.vs_ideal", run.vs_ideal)
            yield Result(f"{name}.lost", run.lost)
            yield Result(f"{name}.duplicated", run.duplicated)
            if not suffix:
                yield Result(f"{name}.peak_rss", run.peak_rss_mib)


def bench_startup(repeats: int) -> Iterator[Result]:
    from benchmarks import scale

    run = asyncio.run(scale.startup(STARTUP_PEOPLE))
    print(f"  startup: {run}", file=sys.stderr)
    yield Result("startup.100k.first_poll", run.first_poll_s)
    yield Result("startup.100k.all_due_known", run.all_known_s)
    yield Result("startup.100k.rss", run.rss_mib)


def bench_updates(repeats: int) -> Iterator[Result]:
    from benchmarks import updates

    got = asyncio.run(updates.run())
    for name, value in got.items():
        print(f"  updates.{name}: {value:.2f}", file=sys.stderr)
    yield Result("updates.tap_cpu_vs_bare", got["ours_tap_cpu_ms"] / got["bare_tap_cpu_ms"])
    yield Result("updates.start_p50_vs_bare", got["ours_start_p50_ms"] / got["bare_start_p50_ms"])
    yield Result("updates.idle_rss", got["ours_idle_rss_mib"])
    yield Result(
        "updates.mixed_tap_p95_vs_no_charts",
        got["mixed_p95_with_charts_ms"] / got["mixed_p95_without_charts_ms"],
    )


# -- the runner ---------------------------------------------------------------------------------

# Each group runs its code `repeats` times after a warm-up.
GROUPS: dict[str, tuple[Callable[[int], Iterator[Result]], int]] = {
    "engine": (bench_engine, 15),
    "planner": (bench_planner, 5),
    "chart": (bench_chart, 9),
    "learn": (bench_learn, 9),
    "fire": (bench_fire, 5),
    "updates": (bench_updates, 1),
    "startup": (bench_startup, 1),
    "fanout": (bench_fanout, 1),
}


def _number(value: float) -> str:
    """Three significant digits, without exponents: 0.215, 60.8, 1350."""
    return f"{value:.0f}" if value >= 100 else f"{value:.3g}"


def render_table(results: list[Result]) -> str:
    rows = [("benchmark", "measured", "target", "")]
    for r in results:
        unit = r.target.unit
        rows.append(
            (
                r.name,
                f"{_number(r.value)} {unit}",
                f"<= {r.target.limit:g} {unit}",
                "OK" if r.ok else "OVER",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = []
    for n, row in enumerate(rows):
        name, measured, target, status = row
        line = f"{name:<{widths[0]}}  {measured:>{widths[1]}}  {target:>{widths[2]}}  {status}"
        lines.append(line.rstrip())
        if n == 0:
            lines.append("-" * (sum(widths) + 6))
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    parser.add_argument("--only", default="", help="run only benchmarks whose name contains this")
    args = parser.parse_args(argv)

    started = perf_counter()
    results: list[Result] = []
    for group, (bench, repeats) in GROUPS.items():
        if not any(args.only in name for name in TARGETS if name.startswith(group + ".")):
            continue
        for result in bench(repeats):
            if result.name not in TARGETS:
                raise KeyError(f"{result.name}: add its target to TARGETS")
            if args.only in result.name:
                results.append(result)
    print(render_table(results))
    over = [r for r in results if not r.ok]
    for r in over:
        measured = f"{_number(r.value)} {r.target.unit}"
        print(f"\nOVER {r.name}: {measured} > {r.target.limit:g}. {r.target.why}")
    print(f"\n{len(results)} benchmarks in {perf_counter() - started:.1f} s", end="")
    print(f", {len(over)} over target." if over else ", all within target.")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
