"""The demo in-process: the page's clock buttons, over HTTP, move the bot's clock and the
reminders that fall due arrive in the person's chat through the Bot API, at their local time."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from demo.server import DEMO_TOKEN, Demo
from tests.integration.scheduler.seed import seed_user

pytestmark = pytest.mark.integration

ANA, KEI = 1001, 1003
START = datetime(2026, 6, 10, 4, 0, tzinfo=UTC)  # Wednesday: 06:00 in Berlin, 13:00 in Tokyo


@pytest.fixture
async def demo(tmp_path: Path) -> AsyncIterator[Demo]:
    running = Demo(tmp_path / "demo", port=0, timer_scale=0.02, start=START)
    await running.start()
    try:
        assert running.runner is not None
        runtime = running.runner.runtime
        await seed_user(runtime, ANA, zone="Europe/Berlin", session_times=("07:30", "18:00"))
        await seed_user(runtime, KEI, zone="Asia/Tokyo", session_times=("07:30", "18:00"))
        for user_id in (ANA, KEI):
            await runtime.reschedule(user_id)
        yield running
    finally:
        await running.stop()


async def press(demo: Demo, user_id: int, action: str) -> dict[str, Any]:
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{demo.url}api/clock", json={"user": user_id, "action": action}) as response,
    ):
        assert response.status == 200, await response.text()
        return dict(await response.json())


async def test_next_reminder_stops_at_each_persons_own_reminder_in_their_zone(demo: Demo) -> None:
    await press(demo, ANA, "reminder")
    state = await demo.state(ANA)
    assert state["local"] == "Wed 10 Jun 2026, 07:30"  # Berlin
    assert "Time for your Achilles session" in state["messages"][-1]["text"]
    assert not [m for m in (await demo.state(KEI))["messages"] if "Time for" in m["text"]]

    await press(demo, KEI, "reminder")  # Tokyo's 07:30 is past: its 18:00 comes next
    state = await demo.state(KEI)
    assert state["local"] == "Wed 10 Jun 2026, 18:00"
    assert state["zone"] == "Asia/Tokyo"
    assert "Time for your Achilles session" in state["messages"][-1]["text"]
    # Ana's nudge came on the way (09:30 Berlin), in her chat only.
    assert any("nudge" in m["text"] for m in (await demo.state(ANA))["messages"])

    # The bot reached only the stand-in, with the demo's fake token.
    assert demo.api.token == DEMO_TOKEN
    assert demo.api.calls("sendMessage")
    assert all(r.error_code != 401 for r in demo.api.requests)


async def test_the_clock_buttons_only_move_forward(demo: Demo) -> None:
    before = demo.clock()
    result = await press(demo, ANA, "hour")
    after = datetime.fromisoformat(str(result["now"]))
    assert (after - before).total_seconds() >= 3600
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{demo.url}api/clock", json={"user": ANA, "action": "back"}) as response,
    ):
        assert response.status == 400
    assert demo.clock() >= after
