"""Scale benchmarks: the bot as a real process (`python -m bot run`) against the Bot API stand-in
with Telegram's flood limit (30 messages/s), many people in the database.

* fan-out: N people due at the same instant (SQLite, and PostgreSQL when TEST_POSTGRES_URL is
  set), with and without a tenth of the sends failing with a 5xx: delivered, lost, duplicated,
  seconds against the ideal N/30, the bot's peak RSS;
* start-up with 100,000 people on SQLite: time to the first getUpdates, to every next due
  instant known (the queue checked and nobody left to plan), RSS.

Used by benchmarks/run.py (`make bench`); not part of the tests.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import update

from bot import texts
from service_layer.runtime import Runtime
from standin.process import BotProcess
from standin.server import FakeBotApi
from storage.migrate import upgrade_to_head
from storage.models import DueJob
from tests.conftest import make_settings
from tests.databases import temporary_postgres_database
from tests.integration.scheduler.crowd import seed_crowd

FLOOD_RATE = 30
FIRST_ID = 1_000_000
REMINDER_HEADS = (texts.REMINDER_ON_TIME, texts.REMINDER_LATE)


def postgres_server() -> str | None:
    return os.environ.get("TEST_POSTGRES_URL") or None


def rss_mib(pid: int) -> tuple[float, float]:
    """(current, peak) resident set size of a process, in MiB (Linux /proc)."""
    fields: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = float(value.split()[0]) / 1024
    return fields.get("VmRSS", 0.0), fields.get("VmHWM", 0.0)


@asynccontextmanager
async def database(backend: str) -> AsyncIterator[str]:
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite+aiosqlite:///{tmp}/bench.db"
            await asyncio.to_thread(upgrade_to_head, url)
            yield url
        return
    server = postgres_server()
    assert server is not None
    async with temporary_postgres_database(server) as url:
        await asyncio.to_thread(upgrade_to_head, url)
        yield url


@dataclass(frozen=True)
class Fanout:
    people: int
    delivered: int
    lost: int
    duplicated: int
    seconds: float
    peak_rss_mib: float
    server_errors: int
    too_many_requests: int

    @property
    def ideal(self) -> float:
        return self.people / FLOOD_RATE

    @property
    def vs_ideal(self) -> float:
        return self.seconds / self.ideal


async def fanout(
    people: int, backend: str, fail_share: float, env: dict[str, str] | None = None
) -> Fanout:
    """`people` due at the same instant; the bot a process; the stand-in at 30 messages/s."""
    ids = [FIRST_ID + i for i in range(people)]
    async with database(backend) as url, FakeBotApi(flood_limit=True, flood_rate=FLOOD_RATE) as api:
        for uid in ids:
            api.user(uid, "U")
        runtime = Runtime.create(make_settings(url))
        try:
            now = datetime.now(UTC)
            await seed_crowd(runtime, ids, zone="UTC", after=now)
            with tempfile.TemporaryDirectory() as logs:
                extra = {"LOG_LEVEL": "WARNING"} | (env or {})
                process = BotProcess(api, url, extra, log_dir=Path(logs))
                await process.start(timeout=120)
                assert process.process is not None
                pid = process.process.pid
                # Everyone's first reminder falls due at the same instant, 3 s from now.
                due = datetime.now(UTC) + timedelta(seconds=3)
                async with runtime.uow() as uow:
                    await uow.session.execute(
                        update(DueJob)
                        .where(DueJob.job == "s1")
                        .values(about=due, since=due, due_at=due)
                    )
                    await uow.commit()
                if fail_share:
                    api.fail_randomly("sendMessage", fail_share, "502", seed=7)
                started = due.timestamp()
                deadline = time.monotonic() + 3 + 3 * people / FLOOD_RATE + 60
                peak = 0.0
                while time.monotonic() < deadline:
                    await asyncio.sleep(1.0)
                    peak = max(peak, rss_mib(pid)[1])
                    # cheap (the stand-in shares this process: no scan of 10,000 chats here)
                    done = api.stats.requests["sendMessage"] - sum(api.stats.errors.values())
                    if os.environ.get("BENCH_VERBOSE"):
                        print(f"  {time.time() - started:6.1f} s: {done} delivered", flush=True)
                    if done >= people:
                        break
                await api.wait_idle(quiet=3.0, timeout=60)
                peak = max(peak, rss_mib(pid)[1])
                await process.stop()
        finally:
            await runtime.close()
    counts = Counter({uid: len(_reminders(api, uid)) for uid in ids})
    last = max((m.date for uid in ids for m in _reminders(api, uid)), default=started)
    return Fanout(
        people=people,
        delivered=sum(1 for c in counts.values() if c),
        lost=sum(1 for c in counts.values() if not c),
        duplicated=sum(c - 1 for c in counts.values() if c > 1),
        seconds=last - started,
        peak_rss_mib=peak,
        server_errors=api.stats.errors[502],
        too_many_requests=api.stats.too_many_requests,
    )


def _reminders(api: FakeBotApi, uid: int) -> list:  # type: ignore[type-arg]
    return [m for m in api.messages(uid) if m.content.startswith(REMINDER_HEADS)]


@dataclass(frozen=True)
class Startup:
    people: int
    first_poll_s: float
    all_known_s: float
    rss_mib: float
    peak_rss_mib: float


async def startup(people: int) -> Startup:
    """A bot process started on a SQLite database with `people` onboarded people."""
    ids = [FIRST_ID + i for i in range(people)]
    async with database("sqlite") as url, FakeBotApi() as api:
        runtime = Runtime.create(make_settings(url))
        try:
            await seed_crowd(runtime, ids, zone="Europe/Berlin", after=datetime.now(UTC))
        finally:
            await runtime.close()
        with tempfile.TemporaryDirectory() as logs:
            process = BotProcess(api, url, log_dir=Path(logs))
            since = len(api.requests)
            launched = time.time()
            await process.start(wait_ready=False)
            assert process.process is not None
            pid = process.process.pid
            first_poll = all_known = None
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and (first_poll is None or all_known is None):
                await asyncio.sleep(0.02)
                if first_poll is None:
                    polls = [r for r in api.requests[since:] if r.method.lower() == "getupdates"]
                    if polls:
                        first_poll = polls[0].time - launched
                if all_known is None and "scheduler rebuilt" in process.stderr:
                    all_known = time.time() - launched
            await asyncio.sleep(5)  # settled, idle
            rss, peak = rss_mib(pid)
            await process.stop()
    assert first_poll is not None, "the bot did not poll"
    assert all_known is not None, "the bot did not finish its start-up"
    return Startup(people, first_poll, all_known, rss, peak)
