"""The reminder buttons: `rem:<yyyymmdd>:<slot>:<start|snooze|skip>`."""

from __future__ import annotations

import importlib
import logging
from datetime import date, datetime

from telegram import Update
from telegram.ext import ContextTypes

from bot import flows, texts
from bot.callbacks import CallbackDataError, unpack
from bot.context import runtime_of
from bot.notifier import REMINDER_PREFIX, Action
from service_layer import reminders
from service_layer.planner import SESSION_SLOTS

log = logging.getLogger(__name__)


def parse_reminder_data(data: str | None) -> tuple[date, str, str]:
    """(local date, slot, action) from the button's data; CallbackDataError if malformed."""
    day, slot, action = unpack(data, REMINDER_PREFIX, 3)
    if slot not in SESSION_SLOTS or action not in (Action.START, Action.SNOOZE, Action.SKIP):
        raise CallbackDataError(f"unknown reminder button {data!r}")
    try:
        return datetime.strptime(day, "%Y%m%d").date(), slot, action  # noqa: DTZ007
    except ValueError as exc:
        raise CallbackDataError(f"bad date in {data!r}") from exc


async def on_reminder_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Start, snooze or skip the session a reminder was about."""
    query = update.callback_query
    user = update.effective_user
    chat = update.effective_chat
    if query is None or user is None or chat is None:
        return
    runtime = runtime_of(context)
    try:
        local_date, slot, action = parse_reminder_data(query.data)
    except CallbackDataError:
        await query.answer(texts.REMINDER_STALE)
        await context.bot.send_message(chat.id, texts.REMINDER_STALE)
        return
    if action == Action.START:
        await query.answer()
        await flows.close_tapped(context, query)
        await _open_session(update, context, chat.id)
        return
    if not await reminders.reminder_is_for(runtime, user.id, local_date, slot):
        await query.answer(texts.REMINDER_STALE)
        await context.bot.send_message(chat.id, texts.REMINDER_STALE)
        return
    if action == Action.SNOOZE:
        due = await reminders.snooze(runtime, user.id, local_date, slot)
        if due is None:
            await query.answer(texts.REMINDER_ALREADY_SNOOZED)
            return
        await runtime.reschedule(user.id)
        await query.answer()
        await context.bot.send_message(
            chat.id, texts.REMINDER_SNOOZE_OK.format(minutes=runtime.settings.snooze_minutes)
        )
        return
    result = await reminders.skip(runtime, user.id, local_date, slot)
    if result is reminders.TapResult.ALREADY:
        await query.answer(texts.ALREADY_NOTED)
        return
    await query.answer()
    await flows.close_tapped(context, query)
    await context.bot.send_message(chat.id, texts.REMINDER_SKIP_OK)


async def _open_session(update: Update, context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> None:
    """Hand over to the guided session (bot.handlers.session.open_session)."""
    try:
        session_handlers = importlib.import_module("bot.handlers.session")
        open_session = session_handlers.open_session
    except (ImportError, AttributeError):
        log.warning("bot.handlers.session.open_session is not available")
        await context.bot.send_message(chat_id, texts.REMINDER_STALE)
        return
    await open_session(update, context)
