"""Two replicas of the bot on one PostgreSQL database, in webhook mode: each person's updates
are posted alternately to both, and each one twice (as Telegram may repeat one whose answer was
slow): every step happens exactly once and none is lost."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import rehab
from bot import texts
from service_layer.runtime import Runtime
from standin.process import BotProcess
from standin.server import FakeBotApi
from storage.migrate import upgrade_to_head
from tests.conftest import make_settings
from tests.databases import postgres_url, temporary_postgres_database
from tests.e2e.conftest import WEBHOOK_SECRET, free_port
from tests.e2e.test_inbox_crash import STEPS, _onboarding, _state
from tests.integration.scheduler.crowd import seed_crowd

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(postgres_url() is None, reason="TEST_POSTGRES_URL not set"),
]

PEOPLE = range(9601, 9606)  # five (odd: one person's updates alternate between replicas)


def _replica(api: FakeBotApi, url: str, log_dir: Path) -> tuple[BotProcess, str]:
    port = free_port()
    hook = f"http://127.0.0.1:{port}/telegram/webhook"
    env = {"WEBHOOK_URL": hook, "WEBHOOK_SECRET": WEBHOOK_SECRET, "HTTP_PORT": str(port)}
    log_dir.mkdir()
    return BotProcess(api, url, env, log_dir=log_dir), hook


async def test_two_replicas_each_update_twice_every_step_exactly_once(
    standin: FakeBotApi, tmp_path: Path
) -> None:
    server = postgres_url()
    assert server is not None
    async with temporary_postgres_database(server) as url:
        await asyncio.to_thread(upgrade_to_head, url)
        (first, first_hook), (second, second_hook) = (
            _replica(standin, url, tmp_path / "a"),
            _replica(standin, url, tmp_path / "b"),
        )
        await first.start()
        await second.start()
        assert standin.webhook is not None
        standin.webhook.targets = [first_hook, second_hook]
        standin.webhook.repeat = True
        # Telegram is slow to take the replies: each replica's queue backs up, so a person's
        # next update often reaches one replica before the other has handled the one before.
        standin.delays["sendmessage"] = 0.05

        drivers = [standin.user(uid, first_name=f"R{uid}") for uid in PEOPLE]
        for text_or_data, _ in STEPS:
            for driver in drivers:
                if text_or_data.startswith("f:"):
                    await driver.tap_data(text_or_data, message_id=1)
                else:
                    await driver.send(text_or_data)

        async def all_done() -> bool:
            states = [await _onboarding(url, uid) for uid in PEOPLE]
            return all(s is not None and s[1] >= len(STEPS) for s in states)

        loop = asyncio.get_running_loop()
        deadline = loop.time() + 90
        while not await all_done():
            assert loop.time() < deadline, "not every step was applied"
            await asyncio.sleep(0.2)
        await drivers[0].wait_idle(quiet=1.0, timeout=30)
        await first.stop()
        await second.stop()

        # Both replicas took updates, and each update reached both.
        delivered = standin.webhook.delivered
        assert {hook for hook, _, _ in delivered} == {first_hook, second_hook}
        per_update: dict[int, int] = {}
        for _, update_id, status in delivered:
            per_update[update_id] = per_update.get(update_id, 0) + (status == 200)
        assert set(per_update.values()) == {2}
        for process in (first, second):
            assert "Traceback" not in process.stderr, process.stderr

        steps = set()
        for uid in PEOPLE:
            state = await _onboarding(url, uid)
            assert state is not None
            step, version, answers = state
            steps.add(step)
            assert version == len(STEPS), (uid, state)  # 0 lost, 0 applied twice
            assert answers["flags"] == len(rehab.RED_FLAG_CHECKLIST), (uid, state)
            assert (answers["side"], answers["rest_pain"]) == ("left", 3), (uid, state)
        assert len(steps) == 1  # everyone at the same question
        users, _, unfinished = await _state(url)
        assert (users, unfinished) == (len(PEOPLE), set())


async def test_a_persons_next_update_on_the_other_replica_waits_for_the_one_before(
    standin: FakeBotApi, tmp_path: Path
) -> None:
    """Update n goes to replica n % 2. Replica B is slow with Y (Telegram takes long to deliver
    to Y), so X's /start waits in B's queue while X's next tap reaches A: A must answer the
    /start first (it is stored, so A sees it), then the tap; B later finds both done."""
    server = postgres_url()
    assert server is not None
    async with temporary_postgres_database(server) as url:
        await asyncio.to_thread(upgrade_to_head, url)
        (a, a_hook), (b, b_hook) = (
            _replica(standin, url, tmp_path / "a"),
            _replica(standin, url, tmp_path / "b"),
        )
        await a.start()
        await b.start()
        assert standin.webhook is not None
        standin.webhook.targets = [a_hook, b_hook]
        x, y, z = (standin.user(uid, first_name=f"P{uid}") for uid in (9701, 9702, 9703))
        standin.chat_delays[9702] = 2.0
        await y.send("/start")  # update 1: B, slow
        await z.send("/start")  # update 2: A
        await x.send("/start")  # update 3: B, behind Y
        for text_or_data, _ in STEPS[1:]:  # updates 4..8 alternate, from A
            if text_or_data.startswith("f:"):
                await x.tap_data(text_or_data, message_id=1)
            else:
                await x.send(text_or_data)

        async def done() -> bool:
            state = await _onboarding(url, 9701)
            return state is not None and state[1] >= len(STEPS)

        loop = asyncio.get_running_loop()
        deadline = loop.time() + 30
        while not await done():
            assert loop.time() < deadline, await _onboarding(url, 9701)
            await asyncio.sleep(0.2)
        await x.wait_idle(quiet=1.0, timeout=30)
        await a.stop()
        await b.stop()
        state = await _onboarding(url, 9701)
        assert state is not None
        assert state[1] == len(STEPS), state  # every step once, in order
        assert (state[2]["side"], state[2]["rest_pain"]) == ("left", 3), state
        for uid in (9702, 9703):
            assert await _onboarding(url, uid) == ("welcome", 1, {"flags": 0})
        assert (await _state(url))[2] == set()


REMINDED = range(310_000, 310_200)  # 200 people whose reminder is due
WORKERS = 4  # sends in flight at once per replica


async def test_kill_9_one_replica_while_200_reminders_are_due(
    standin: FakeBotApi, tmp_path: Path
) -> None:
    """Both replicas drain the same due-queue; one is killed half way. Every reminder arrives
    (the dead replica's claimed rows come back when their lease ends), and only a send that
    was in flight at the kill (Telegram took it, the record did not follow) may come twice."""
    server = postgres_url()
    assert server is not None
    ids = list(REMINDED)
    for uid in ids:
        standin.user(uid, "U")
    async with temporary_postgres_database(server) as url:
        await asyncio.to_thread(upgrade_to_head, url)
        runtime = Runtime.create(make_settings(url))
        now = datetime.now(UTC)
        try:
            await seed_crowd(
                runtime,
                ids,
                zone="UTC",
                after=now - timedelta(minutes=3),
                session_times=(
                    (now - timedelta(seconds=60)).strftime("%H:%M"),
                    (now + timedelta(hours=6)).strftime("%H:%M"),
                ),
            )
        finally:
            await runtime.close()
        env = {"REMINDER_LEASE_SECONDS": "3", "REMINDER_WORKERS": str(WORKERS)}
        replicas = []
        for name in "ab":
            process, _ = _replica(standin, url, tmp_path / name)
            process.extra_env |= env
            replicas.append(process)
        standin.delays["sendmessage"] = 0.02  # so the kill falls in the middle
        await asyncio.gather(*(p.start() for p in replicas))

        def delivered() -> Counter[int]:
            return Counter(
                uid
                for uid in ids
                for m in standin.messages(uid)
                if m.content.startswith((texts.REMINDER_ON_TIME, texts.REMINDER_LATE))
            )

        await standin.wait_until(
            lambda: len(delivered()) >= 40 or None, timeout=60, what="40 reminders"
        )
        replicas[0].kill9()
        assert await replicas[0].wait() < 0
        assert len(delivered()) < len(ids), "all sent before the kill: nothing tested"

        await standin.wait_until(
            lambda: len(delivered()) == len(ids) or None, timeout=90, what="every reminder"
        )
        await standin.wait_idle(quiet=1.0, timeout=30)
        await replicas[1].stop()
        got = delivered()
        assert set(got) == set(ids)  # none lost
        twice = [uid for uid, n in got.items() if n > 1]
        assert len(twice) <= WORKERS, twice  # only what was in flight at the kill
        assert max(got.values()) <= 2
        assert "Traceback" not in replicas[1].stderr, replicas[1].stderr
