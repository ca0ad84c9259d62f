"""FloodPacer: sends evenly spaced (no burst), a failed send's slot goes to the next one, a 429
pauses every send and the call is retried."""

from __future__ import annotations

import asyncio

import pytest
from telegram.error import NetworkError, RetryAfter

from bot.pacing import FloodPacer

RATE = 50.0  # one slot every 20 ms


class FakeApi:
    """Records when each call was made; the next `failures` calls raise `error`."""

    def __init__(self, failures: int = 0, error: Exception | None = None) -> None:
        self.at: list[float] = []
        self.failures = failures
        self.error = error

    async def call(self) -> bool:
        self.at.append(asyncio.get_running_loop().time())
        if self.failures > 0:
            self.failures -= 1
            assert self.error is not None
            raise self.error
        return True


async def send(pacer: FloodPacer, api: FakeApi, chat_id: int | None = 1) -> object:
    data = {} if chat_id is None else {"chat_id": chat_id}
    return await pacer.process_request(api.call, (), {}, "sendMessage", data, None)


async def test_sends_are_spread_over_their_slots_even_after_a_quiet_spell() -> None:
    pacer, api = FloodPacer(RATE), FakeApi()
    await send(pacer, api)
    await asyncio.sleep(0.2)  # a leaky bucket would let a burst through now
    await asyncio.gather(*(send(pacer, api, chat) for chat in range(10)))
    burst = api.at[1:]
    # ten slots, not one burst (a leaky bucket would send all ten at once here); a late
    # wake-up on a busy machine may shorten one gap, never the whole spread
    assert burst[-1] - burst[0] >= 9 / RATE - 0.005


async def test_requests_without_a_chat_are_not_paced() -> None:
    pacer, api = FloodPacer(1.0), FakeApi()
    started = asyncio.get_running_loop().time()
    await asyncio.gather(*(send(pacer, api, None) for _ in range(5)))
    assert asyncio.get_running_loop().time() - started < 0.5


async def test_a_send_that_failed_before_telegram_gives_its_slot_back() -> None:
    pacer = FloodPacer(5.0)  # 200 ms a slot
    failing = FakeApi(failures=1, error=NetworkError("Bad Gateway"))
    with pytest.raises(NetworkError):
        await send(pacer, failing)
    api = FakeApi()
    await send(pacer, api)
    assert api.at[0] - failing.at[0] < 0.1  # it did not wait for the failed call's slot


async def test_a_429_pauses_and_the_call_is_retried() -> None:
    pacer = FloodPacer(RATE)
    api = FakeApi(failures=1, error=RetryAfter(1))
    assert await send(pacer, api) is True
    assert len(api.at) == 2
    assert api.at[1] - api.at[0] >= 1.0


async def test_never_more_than_the_limit_in_flight_or_answered_within_a_second() -> None:
    """Telegram counts a send when it arrives, somewhere before its answer: with 30 in flight
    or answered in the last second, the 31st waits, however fast the slots come."""
    pacer = FloodPacer(1000.0, per_second=5)
    api = FakeApi()
    await asyncio.gather(*(send(pacer, api, chat) for chat in range(6)))
    assert api.at[5] - api.at[0] >= 1.0
    assert api.at[4] - api.at[0] < 0.5
