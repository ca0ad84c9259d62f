"""A user's multi-step conversation, kept in the database (table `flows`), not in memory.

A user is in at most one flow at a time (onboarding, a session, a gate test, a settings change,
a red-flag confirmation, …). Every step has a version number that the adapter's buttons carry,
so a tap meant for an older step is recognised as stale (bot/flows.py dispatches them).

What a flow keeps between steps is typed, one model per flow (service_layer/flow_data.py):
validated when the row is loaded, dumped when it is stored. A row whose data is not its flow's
(corrupt, or forged) counts as no flow at all: the person's next tap is answered as expired and
/start begins afresh, instead of every message failing on the same row.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import ValidationError

from service_layer import flow_data
from service_layer.flow_data import FlowData, LastTap
from service_layer.runtime import Runtime
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)

D = TypeVar("D", bound=FlowData)


class FlowDataMismatch(TypeError):
    """A flow's data asked for as another flow's model (a flow name not checked first)."""


@dataclass
class FlowView:
    """A detached copy of a user's flow row."""

    user_id: int
    name: str
    step: str
    version: int
    data: FlowData = field(default_factory=FlowData)

    def data_as(self, kind: type[D]) -> D:
        """The data as flow model `kind` (the one service_layer.flow_data.MODELS names for
        this flow); FlowDataMismatch if it is another flow's."""
        if not isinstance(self.data, kind):
            raise FlowDataMismatch(f"flow {self.name!r} holds {type(self.data).__name__}")
        return self.data


# -- persistence -------------------------------------------------------------------------------


async def load(uow: UnitOfWork, user_id: int) -> FlowView | None:
    """The user's flow, None if there is none or its data cannot be read (see above)."""
    row = await uow.flows.get(user_id)
    if row is None:
        return None
    try:
        data = flow_data.parse(row.name, row.data)
    except ValidationError as exc:  # the values may be health data: only where it failed
        where = sorted({".".join(str(part) for part in error["loc"]) for error in exc.errors()})
        log.warning("flow %r of user %s unreadable at %s: ignored", row.name, user_id, where)
        return None
    return FlowView(row.user_id, row.name, row.step, row.version, data)


async def current(runtime: Runtime, user_id: int) -> FlowView | None:
    async with runtime.uow() as uow:
        return await load(uow, user_id)


async def begin(
    uow: UnitOfWork, user_id: int, name: str, step: str, data: FlowData, now: Any
) -> FlowView:
    """Start (or restart) a flow at `step`; stale buttons of the previous one stop working."""
    row = await uow.flows.start(user_id, name, step, data.stored(), now)
    return FlowView(row.user_id, row.name, row.step, row.version, data.model_copy(deep=True))


async def advance(
    uow: UnitOfWork,
    flow: FlowView,
    step: str,
    data: FlowData | None = None,
    *,
    now: Any,
    accepted_payload: str | None = None,
) -> FlowView:
    """Move `flow` to `step` (bumping its version) inside the caller's unit of work; `data`
    None keeps the stored data."""
    row = await uow.flows.get(flow.user_id)
    if row is None:
        raise LookupError(f"user {flow.user_id} has no flow")
    new_data = (data if data is not None else flow_data.parse(row.name, row.data)).model_copy(
        deep=True
    )
    if accepted_payload is not None:
        new_data.last_tap = LastTap(version=row.version, payload=accepted_payload)
    row.step = step
    row.data = new_data.stored()
    row.version += 1
    row.updated_at = now
    await uow.session.flush()
    flow.step, flow.version, flow.data = step, row.version, new_data
    return flow


async def finish(uow: UnitOfWork, user_id: int) -> None:
    await uow.flows.clear(user_id)
