"""A user's multi-step conversation, kept in the database (table `flows`), not in memory.

A user is in at most one flow at a time (onboarding, a session, a gate test, a settings change,
a red-flag confirmation, …). Every step has a version number that the adapter's buttons carry,
so a tap meant for an older step is recognised as stale (bot/flows.py dispatches them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from service_layer.runtime import Runtime
from storage.uow import UnitOfWork


@dataclass
class FlowView:
    """A detached copy of a user's flow row."""

    user_id: int
    name: str
    step: str
    version: int
    data: dict[str, Any] = field(default_factory=dict)


# -- persistence -------------------------------------------------------------------------------


async def load(uow: UnitOfWork, user_id: int) -> FlowView | None:
    row = await uow.flows.get(user_id)
    if row is None:
        return None
    return FlowView(row.user_id, row.name, row.step, row.version, dict(row.data or {}))


async def current(runtime: Runtime, user_id: int) -> FlowView | None:
    async with runtime.uow() as uow:
        return await load(uow, user_id)


async def begin(
    uow: UnitOfWork, user_id: int, name: str, step: str, data: dict[str, Any], now: Any
) -> FlowView:
    """Start (or restart) a flow at `step`; stale buttons of the previous one stop working."""
    row = await uow.flows.start(user_id, name, step, data, now)
    return FlowView(row.user_id, row.name, row.step, row.version, dict(row.data))


async def advance(
    uow: UnitOfWork,
    flow: FlowView,
    step: str,
    data: dict[str, Any] | None = None,
    *,
    now: Any,
    accepted_payload: str | None = None,
) -> FlowView:
    """Move `flow` to `step` (bumping its version) inside the caller's unit of work."""
    row = await uow.flows.get(flow.user_id)
    if row is None:
        raise LookupError(f"user {flow.user_id} has no flow")
    new_data = dict(data if data is not None else row.data or {})
    if accepted_payload is not None:
        new_data["_last"] = {"version": row.version, "payload": accepted_payload}
    row.step = step
    row.data = new_data
    row.version += 1
    row.updated_at = now
    await uow.session.flush()
    flow.step, flow.version, flow.data = step, row.version, dict(new_data)
    return flow


async def finish(uow: UnitOfWork, user_id: int) -> None:
    await uow.flows.clear(user_id)
