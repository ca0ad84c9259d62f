"""Multi-step conversations whose state lives in the database (table `flows`), not in memory.

A user is in at most one flow at a time (onboarding, a session, a gate test, a settings change,
a red-flag confirmation, …). Every step has a version number; buttons carry it
(`f:<version>:<payload>`). A tap whose version is not the current one is stale: the user gets
"that button has expired" and the current step again. A repeat of the last accepted tap (a
double tap, or a second try after the next question failed to arrive) is acknowledged, stores
nothing twice, and shows the current step again.

Features plug in by registering, per flow name:
  - a button handler   (update, context, flow, payload) -> None
  - a text handler     (update, context, flow, text) -> bool  (False: not handled)
  - a renderer         (update, context, flow) -> None        (shows the current step again)
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import ContextTypes

from bot import texts
from bot.callbacks import CallbackDataError, unpack
from bot.context import runtime_of
from bot.runtime import Runtime
from storage.uow import UnitOfWork

log = logging.getLogger(__name__)


@dataclass
class FlowView:
    """A detached copy of a user's flow row."""

    user_id: int
    name: str
    step: str
    version: int
    data: dict[str, Any] = field(default_factory=dict)


ButtonHandler = Callable[[Update, ContextTypes.DEFAULT_TYPE, FlowView, str], Awaitable[None]]
TextHandler = Callable[[Update, ContextTypes.DEFAULT_TYPE, FlowView, str], Awaitable[bool]]
Renderer = Callable[[Update, ContextTypes.DEFAULT_TYPE, FlowView], Awaitable[None]]


@dataclass
class FlowSpec:
    on_button: ButtonHandler
    render: Renderer
    on_text: TextHandler | None = None


_REGISTRY: dict[str, FlowSpec] = {}


def register_flow(name: str, spec: FlowSpec) -> None:
    """Make a flow known to the dispatcher (called once per flow at import)."""
    _REGISTRY[name] = spec


def spec_for(name: str) -> FlowSpec | None:
    return _REGISTRY.get(name)


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


# -- dispatch ------------------------------------------------------------------------------------


async def show_current_step(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Render the step the user is on, or a pointer to /today when nothing is open."""
    user = update.effective_user
    message = update.effective_message
    if user is None:
        return
    flow = await current(runtime_of(context), user.id)
    spec = spec_for(flow.name) if flow else None
    if flow is not None and spec is not None:
        await spec.render(update, context, flow)
    elif message is not None:
        await context.bot.send_message(message.chat_id, texts.NOTHING_PENDING)


async def on_flow_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Route an `f:<version>:<payload>` tap to the user's current flow, if it is still current."""
    query = update.callback_query
    user = update.effective_user
    if query is None or user is None:
        return
    try:
        version_text, payload = unpack(query.data, "f", 2)
        version = int(version_text)
    except (CallbackDataError, ValueError):
        await expired(update, context)
        return
    flow = await current(runtime_of(context), user.id)
    spec = spec_for(flow.name) if flow else None
    if flow is None or spec is None:
        await expired(update, context)
        return
    if version != flow.version:
        last = flow.data.get("_last") or {}
        if last.get("version") == version and last.get("payload") == payload:
            # The step was answered already. Its next question may never have arrived (a
            # failure after the answer was saved): show it again, so a tap always leads on.
            await query.answer(texts.ALREADY_NOTED)
            await spec.render(update, context, flow)
            return
        await expired(update, context)
        return
    await query.answer()
    await spec.on_button(update, context, flow, payload)


async def expired(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Tell the user the button is stale and show where they are (in one message when
    nothing is waiting for an answer)."""
    query = update.callback_query
    user = update.effective_user
    if query is not None:
        await query.answer(texts.BUTTON_EXPIRED)
    chat = update.effective_chat
    if chat is None or user is None:
        return
    flow = await current(runtime_of(context), user.id)
    spec = spec_for(flow.name) if flow else None
    if flow is None or spec is None:
        await context.bot.send_message(chat.id, texts.BUTTON_EXPIRED_NOTHING_PENDING)
        return
    await context.bot.send_message(chat.id, texts.BUTTON_EXPIRED)
    await spec.render(update, context, flow)


async def on_flow_text(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> bool:
    """Offer free text to the current flow; True if it took it."""
    user = update.effective_user
    if user is None:
        return False
    flow = await current(runtime_of(context), user.id)
    spec = spec_for(flow.name) if flow else None
    if flow is None or spec is None or spec.on_text is None:
        return False
    return await spec.on_text(update, context, flow, text)
