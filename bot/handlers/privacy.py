"""Private chats only: health data never goes anywhere but the person's own chat with the bot.

Runs before every other handler (group -1). An update from a group, a supergroup or a channel,
or one without a person behind it, never reaches a handler: a command there gets one general
answer (no name, no data), a tap gets a short notice on the button, anything else is ignored.
"""

from __future__ import annotations

import logging

from telegram import Chat, Update
from telegram.error import TelegramError
from telegram.ext import ApplicationHandlerStop, ContextTypes

from bot import texts

log = logging.getLogger(__name__)


def is_private(update: Update) -> bool:
    """True for an update in a person's private chat with the bot (chat id = their user id)."""
    chat, user = update.effective_chat, update.effective_user
    return (
        chat is not None
        and user is not None
        and not user.is_bot
        and chat.type == Chat.PRIVATE
        and chat.id == user.id
    )


def _is_command_for_us(update: Update, bot_username: str | None) -> bool:
    """A /command, not addressed to another bot (`/start@other_bot` in a group is not ours)."""
    message = update.effective_message
    text = message.text if message is not None else None
    if not text or not text.startswith("/"):
        return False
    _, _, addressee = text.split(maxsplit=1)[0].partition("@")
    return not addressee or addressee.lower() == (bot_username or "").lower()


async def guard(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Let private-chat updates through; answer the others once, in general words, and stop."""
    if is_private(update):
        return
    chat = update.effective_chat
    log.info("ignored update %s from a %s chat", update.update_id, chat.type if chat else "missing")
    query = update.callback_query
    try:
        if query is not None:
            await query.answer(texts.PRIVATE_ONLY_SHORT)
        elif chat is not None and _is_command_for_us(update, context.bot.username):
            await context.bot.send_message(chat.id, texts.PRIVATE_ONLY)
    except TelegramError as exc:
        log.info("could not answer in chat %s: %s", chat.id if chat else None, exc)
    raise ApplicationHandlerStop
