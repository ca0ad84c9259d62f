"""Session steps that race: a timer (the end of a hold or a rest) and a tap at the same moment."""

from __future__ import annotations

import asyncio

import pytest

from service_layer import flows, sessions
from service_layer.runtime import Runtime
from service_layer.sessions import Step
from tests.e2e.test_session import UID, seed_user

pytestmark = pytest.mark.integration


async def resting(runtime: Runtime) -> sessions.Position:
    """Set 1 done (pain 2): the session rests before set 2."""
    await seed_user(runtime)
    opened = await sessions.open_today(runtime, UID)
    assert opened.position is not None
    sid = opened.position.session_id
    assert await sessions.start_set(runtime, UID, sid, "go") is not None
    assert await sessions.end_set(runtime, UID, sid, 0, 1) is not None
    result = await sessions.log_pain(runtime, UID, sid, 2, "p:2")
    assert result is not None
    assert result.position.step == Step.REST
    return result.position


async def flow_version(runtime: Runtime) -> int:
    async with runtime.uow() as uow:
        flow = await flows.load(uow, UID)
    assert flow is not None
    return flow.version


async def test_the_rest_timer_and_skip_rest_at_once_move_on_once(runtime: Runtime) -> None:
    rest = await resting(runtime)
    before = await flow_version(runtime)
    at = (rest.session_id, rest.exercise_index, rest.set_no)
    timer, tap = await asyncio.gather(
        sessions.end_rest(runtime, UID, *at),
        sessions.end_rest(runtime, UID, *at, payload=f"{rest.session_id}:skip"),
    )
    moved = [p for p in (timer, tap) if p is not None]
    assert len(moved) == 1
    assert moved[0].step == Step.READY
    assert (moved[0].set_no, moved[0].version) == (2, before + 1)
    assert await flow_version(runtime) == before + 1


async def test_the_hold_timer_and_pause_at_once_leave_the_session_paused(
    runtime: Runtime,
) -> None:
    await seed_user(runtime)
    opened = await sessions.open_today(runtime, UID)
    assert opened.position is not None
    sid = opened.position.session_id
    assert await sessions.start_set(runtime, UID, sid, "go") is not None
    timer, paused = await asyncio.gather(
        sessions.end_set(runtime, UID, sid, 0, 1),
        sessions.pause(runtime, UID, sid, f"{sid}:pause"),
    )
    assert paused
    async with runtime.uow() as uow:
        row = await uow.sessions.get(sid)
        flow = await flows.load(uow, UID)
    assert row is not None
    assert flow is not None
    assert row.status == "paused"
    # Whichever came first, the pause is not undone: the flow is parked, not at a session step.
    assert flow.step not in set(Step)
    assert (timer is None) == (row.step == Step.READY)
