"""Per-update cost of the bot next to a bare PTB bot (benchmarks/bare_bot.py), in the same run,
each a real process polling the Bot API stand-in:

* CPU per tap: the bot process's CPU time over sequential button taps, divided by their number
  (ours: the morning check-in's pain button, which stores the answer and runs the engine; bare:
  a tap answered with a message);
* /start latency: from the stand-in receiving the update to the reply arriving, median;
* idle RSS after start-up;
* mixed load (ours): 200 people tap while 20 ask for their /progress chart; the tapping
  people's p95 latency, next to the same taps without charts.

The flood limit is lifted for these (TELEGRAM_FLOOD_RATE): they are about the work per update.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert

from service_layer.planner import SLOT_CHECKIN, Kind
from service_layer.runtime import Runtime
from standin.process import BotProcess
from standin.server import FakeBotApi
from storage.migrate import upgrade_to_head
from storage.models import SentLog
from tests.conftest import make_settings
from tests.integration.scheduler.crowd import seed_crowd
from tests.integration.test_records import seed_three_weeks

TAPS = 200
STARTS = 100
CHARTS = 20
FIRST_ID = 2_000_000
# How long the mixed load waits for all its charts after the taps were answered.
CHARTS_TIMEOUT_S = 180
ENV = {"TELEGRAM_FLOOD_RATE": "1000", "LOG_LEVEL": "WARNING"}


def command(text: str) -> dict[str, object]:
    """A /command message as Telegram sends it (with its bot_command entity)."""
    name = text.split(maxsplit=1)[0]
    return {"text": text, "entities": [{"type": "bot_command", "offset": 0, "length": len(name)}]}


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])  # utime + stime
    return ticks / os.sysconf("SC_CLK_TCK")


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return float(line.split()[1]) / 1024
    return 0.0


async def ask_checkin(runtime: Runtime, ids: list[int]) -> None:
    """Today's morning question went out to `ids` (UTC people): their pain tap is an answer to
    store and decide on, not a stale button."""
    now = datetime.now(UTC)
    async with runtime.uow() as uow:
        await uow.session.execute(
            insert(SentLog),
            [
                {
                    "user_id": uid,
                    "kind": Kind.CHECKIN.value,
                    "local_date": now.date(),
                    "slot": SLOT_CHECKIN,
                    "status": "sent",
                    "due_at": now,
                    "created_at": now,
                }
                for uid in ids
            ],
        )
        await uow.commit()


@dataclass(frozen=True)
class Figures:
    tap_cpu_ms: float
    start_p50_ms: float
    idle_rss_mib: float


async def _reply_after(api: FakeBotApi, uid: int, seen: int, pushed: float) -> float:
    """Seconds from `pushed` to the first message after the `seen` ones in uid's chat."""
    await api.wait_until(lambda: len(api.history(uid)) > seen or None, timeout=30)
    return api.history(uid)[seen].date - pushed


async def _sequential(
    api: FakeBotApi, pid: int, uids: list[int], push: object
) -> tuple[float, list[float]]:
    """Push one update per uid, each after the previous one was answered: (CPU s, latencies)."""
    latencies: list[float] = []
    cpu = cpu_seconds(pid)
    for uid in uids:
        seen = len(api.history(uid))
        pushed = time.time()
        push(uid)  # type: ignore[operator]
        latencies.append(await _reply_after(api, uid, seen, pushed))
    await api.wait_idle(quiet=0.3)
    return cpu_seconds(pid) - cpu, latencies


async def measure(api: FakeBotApi, process: BotProcess, tap_data: str) -> Figures:
    assert process.process is not None
    pid = process.process.pid
    await asyncio.sleep(3)  # settled
    idle = rss_mib(pid)
    starts = [FIRST_ID + i for i in range(STARTS)]
    taps = [FIRST_ID + STARTS + i for i in range(TAPS)]
    # warm-up: a few of each, not counted
    warm = [FIRST_ID + STARTS + TAPS + i for i in range(10)]
    await _sequential(api, pid, warm, lambda u: api.push_user_message(u, command("/start")))
    _, start_lat = await _sequential(
        api, pid, starts, lambda u: api.push_user_message(u, command("/start"))
    )
    cpu, _ = await _sequential(api, pid, taps, lambda u: api.push_callback_query(u, 1, tap_data))
    return Figures(cpu / len(taps) * 1e3, statistics.median(start_lat) * 1e3, idle)


async def mixed(api: FakeBotApi, tappers: list[int], charts: list[int], tap_data: str) -> float:
    """200 people tap over about 4 s (and `charts` people ask for /progress at the start): the
    tappers' p95 latency in ms."""
    for uid in charts:
        api.push_user_message(uid, command("/progress"))
    waits = []
    for uid in tappers:
        seen = len(api.history(uid))
        pushed = time.time()
        api.push_callback_query(uid, 1, tap_data)
        waits.append(asyncio.create_task(_reply_after(api, uid, seen, pushed)))
        await asyncio.sleep(0.02)
    latencies = await asyncio.gather(*waits)
    # every chart out before the next phase (a chart still drawing would be lost at the stop)
    with contextlib.suppress(TimeoutError):
        await api.wait_until(
            lambda: all(any(m.photo for m in api.messages(uid)) for uid in charts) or None,
            timeout=CHARTS_TIMEOUT_S,
        )
    await api.wait_idle(quiet=1.0, timeout=120)
    return statistics.quantiles(latencies, n=20)[-1] * 1e3


async def run() -> dict[str, float]:
    total = STARTS + TAPS + 10 + 2 * TAPS
    ids = [FIRST_ID + i for i in range(total)]
    chart_ids = [FIRST_ID + total + i for i in range(CHARTS)]
    today = datetime.now(UTC).date().strftime("%Y%m%d")
    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{tmp}/bench.db"
        await asyncio.to_thread(upgrade_to_head, url)
        runtime = Runtime.create(make_settings(url))
        try:
            await seed_crowd(runtime, ids, zone="UTC", after=datetime.now(UTC))
            # The CPU figure's tappers answer a question that went out; the mixed load's tap
            # a button of a morning never asked (a short reply), as before.
            await ask_checkin(runtime, ids[STARTS : STARTS + TAPS])
            for uid in chart_ids:
                await seed_three_weeks(runtime, uid, "Chart")
        finally:
            await runtime.close()
        async with FakeBotApi() as api:
            for uid in ids + chart_ids:
                api.user(uid, "U")
            bare = BotProcess(
                api,
                url,
                ENV,
                command=[sys.executable, "-m", "benchmarks.bare_bot"],
                log_dir=Path(tmp),
            )
            await bare.start()
            bare_figures = await measure(api, bare, "3")
            await bare.stop()
            ours = BotProcess(api, url, ENV, log_dir=Path(tmp))
            await ours.start()
            our_figures = await measure(api, ours, f"mc:{today}:3")
            base_tappers = ids[STARTS + TAPS + 10 : STARTS + 2 * TAPS + 10]
            chart_tappers = ids[STARTS + 2 * TAPS + 10 :]
            out["mixed_p95_without_charts_ms"] = await mixed(api, base_tappers, [], f"mc:{today}:3")
            out["mixed_p95_with_charts_ms"] = await mixed(
                api, chart_tappers, chart_ids, f"mc:{today}:3"
            )
            charts_sent = sum(1 for uid in chart_ids for m in api.messages(uid) if m.photo)
            await ours.stop()
    out |= {
        "bare_tap_cpu_ms": bare_figures.tap_cpu_ms,
        "ours_tap_cpu_ms": our_figures.tap_cpu_ms,
        "bare_start_p50_ms": bare_figures.start_p50_ms,
        "ours_start_p50_ms": our_figures.start_p50_ms,
        "bare_idle_rss_mib": bare_figures.idle_rss_mib,
        "ours_idle_rss_mib": our_figures.idle_rss_mib,
        "charts_sent": float(charts_sent),
    }
    return out


if __name__ == "__main__":
    for name, value in asyncio.run(run()).items():
        print(f"{name}: {value:.2f}")
