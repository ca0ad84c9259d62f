"""Graceful shutdown of a real bot process: SIGTERM finishes the update in hand (its reply is
sent and it is stored as done), takes no new one, and the process exits 0 well within systemd's
TimeoutStopSec; what it did not take is handled once after the restart."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest

from standin.process import REPO_ROOT, BotProcess
from standin.server import FakeBotApi
from tests.e2e.test_inbox_crash import _state, _welcomes

pytestmark = pytest.mark.e2e

FIRST, SECOND = 9401, 9402
SLOW_REPLY_S = 2.0


def timeout_stop_sec() -> float:
    unit = (REPO_ROOT / "deploy" / "achilles-coach.service").read_text()
    found = re.search(r"^TimeoutStopSec=(\d+)$", unit, re.MULTILINE)
    assert found is not None
    return float(found.group(1))


async def test_sigterm_finishes_the_update_in_hand_and_takes_no_new_one(
    standin: FakeBotApi, e2e_database_url: str, tmp_path: Path
) -> None:
    first, second = standin.user(FIRST, "Ada"), standin.user(SECOND, "Bo")
    process = BotProcess(standin, e2e_database_url, log_dir=tmp_path)
    await process.start()

    standin.delays["sendmessage"] = SLOW_REPLY_S  # Telegram is slow: the reply takes a while
    since = len(standin.requests)
    await first.send("/start")
    await standin.wait_for_request("sendMessage", since=since)  # the reply is under way
    await second.send("/start")  # arrives while the first is in hand

    loop = asyncio.get_running_loop()
    signalled = loop.time()
    code = await process.stop(timeout=timeout_stop_sec())
    took = loop.time() - signalled
    assert code == 0, process.stderr
    assert took < timeout_stop_sec()
    assert "Traceback" not in process.stderr, process.stderr

    # The update in hand was finished: its reply reached the person and it is stored as done.
    assert _welcomes(standin, FIRST) == 1
    # The second /start came before the signal: not taken yet (then it waits in Telegram or
    # in the inbox), or taken and, being in hand too (people are handled in parallel), finished.
    users, _, unfinished = await _state(e2e_database_url)
    if _welcomes(standin, SECOND) == 0:
        assert users == 1
        assert unfinished <= {SECOND}
    else:
        assert (users, unfinished) == (2, set())

    # After the restart the second person is answered, once; the first is not answered again.
    standin.delays.clear()
    await process.start()
    await standin.wait_until(lambda: _welcomes(standin, SECOND) or None, 15, "the welcome")
    await standin.wait_idle(quiet=0.5)
    await process.stop()
    assert (_welcomes(standin, FIRST), _welcomes(standin, SECOND)) == (1, 1)
    assert (await _state(e2e_database_url))[0] == 2
