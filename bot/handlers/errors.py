"""The error handler: log with context, tell the person what is true, leave them a way on."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import ContextTypes

from bot import flows, texts
from bot.context import runtime_of
from bot.handlers.privacy import is_private
from service_layer import reminders
from storage import handling

log = logging.getLogger(__name__)


def describe(update: object) -> str:
    """A short, secret-free description of an update for the log."""
    if isinstance(update, Update):
        user = update.effective_user
        kind = "callback" if update.callback_query else "message"
        data = update.callback_query.data if update.callback_query else None
        text = update.effective_message.text if update.effective_message else None
        # What a person types can be about their health: a command is logged, a text only by
        # its length.
        said = (
            f"command={text.split()[0][:32]!r}"
            if text and text.startswith("/")
            else f"text_chars={len(text) if text else 0}"
        )
        return (
            f"update_id={update.update_id} user={user.id if user else None} kind={kind} "
            f"data={data!r} {said}"
        )
    return repr(update)[:200]


def unreachable(error: BaseException | None) -> bool:
    """403 (blocked, deactivated) or 400 "chat not found": nothing can reach the person."""
    if isinstance(error, Forbidden):
        return True
    return isinstance(error, BadRequest) and "chat not found" in error.message.lower()


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the failure with the update that caused it and tell the person what happened:
    saved or not, decided by whether this update committed anything before it failed."""
    log.error("error while handling %s", describe(update), exc_info=context.error)
    if not isinstance(update, Update) or not is_private(update):
        return
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None
    assert user is not None
    if unreachable(context.error):
        # They blocked the bot or their chat is gone: no reminders until they /start again.
        try:
            await reminders.mark_blocked(runtime_of(context), user.id)
        except Exception:
            log.exception("could not mark user %s unreachable", user.id)
        return
    saved = handling.committed()
    try:
        if update.callback_query is not None:
            await update.callback_query.answer()
        if saved:
            await context.bot.send_message(chat.id, texts.ERROR_SAVED)
            await flows.show_current_step(update, context)
        else:
            await context.bot.send_message(chat.id, texts.ERROR_NOT_SAVED)
    except TelegramError:
        log.warning("could not tell chat %s about the error", chat.id)
    except Exception:
        log.exception("could not show chat %s where they are after the error", chat.id)
