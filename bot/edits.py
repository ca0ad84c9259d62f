"""Editing a message the person already has, and what to do when Telegram will not edit it."""

from __future__ import annotations

import logging

from telegram import Bot, InlineKeyboardMarkup
from telegram.error import BadRequest

log = logging.getLogger(__name__)

# Telegram's words for a message that can no longer be edited: deleted by the person, or older
# than 48 hours (or not the bot's). "Message is not modified" is no error at all (CoachBot).
GONE = ("message to edit not found", "message can't be edited")


def is_gone(error: BadRequest) -> bool:
    return any(words in error.message.lower() for words in GONE)


async def edit_or_send(
    bot: Bot,
    chat_id: int,
    message_id: int | None,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
) -> None:
    """Show `text` in place of message `message_id`; when that message cannot be edited any
    more, send it as a new message, so the person sees the outcome either way."""
    if message_id is not None:
        try:
            await bot.edit_message_text(
                text,
                chat_id=chat_id,
                message_id=message_id,
                reply_markup=markup,
            )
            return
        except BadRequest as error:
            if not is_gone(error):
                raise
            log.info(
                "message %s in chat %s can't be edited (%s); sending anew",
                message_id,
                chat_id,
                error.message,
            )
    await bot.send_message(chat_id, text, reply_markup=markup)
