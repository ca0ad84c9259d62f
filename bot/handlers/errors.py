"""The error handler: log with context, tell the user briefly, never leave them in silence."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import Forbidden, TelegramError
from telegram.ext import ContextTypes

from bot import texts

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


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the failure with the update that caused it and apologise to the user."""
    log.error("error while handling %s", describe(update), exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if isinstance(context.error, Forbidden):
        return
    try:
        await context.bot.send_message(update.effective_chat.id, texts.ERROR_GENERIC)
    except TelegramError:
        log.warning("could not tell chat %s about the error", update.effective_chat.id)
