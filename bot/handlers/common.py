"""/start and /help."""

from __future__ import annotations

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot import texts
from bot.context import runtime_of
from bot.services import users


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Store or refresh the user and greet them."""
    tg_user = update.effective_user
    chat = update.effective_chat
    if tg_user is None or chat is None or update.effective_message is None:
        return
    registration = await users.register(
        runtime_of(context),
        user_id=tg_user.id,
        chat_id=chat.id,
        first_name=tg_user.first_name,
        language=tg_user.language_code,
    )
    # /start reactivates a user who had blocked the bot: bring their reminders back.
    await runtime_of(context).reschedule(tg_user.id)
    await update.effective_message.reply_text(
        texts.greeting(registration.first_name), parse_mode=ParseMode.HTML
    )


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List the commands."""
    if update.effective_message is not None:
        await update.effective_message.reply_text(texts.help_text(), parse_mode=ParseMode.HTML)


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A command the bot does not know."""
    if update.effective_message is not None:
        await update.effective_message.reply_text(texts.UNKNOWN_COMMAND)
