"""/start and /help."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import ContextTypes

from bot import texts
from bot.context import runtime_of
from bot.handlers import commands, onboarding
from service_layer import users
from storage import handling

log = logging.getLogger(__name__)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Store or refresh the user, then onboard them or show their status."""
    tg_user = update.effective_user
    chat = update.effective_chat
    if tg_user is None or chat is None or update.effective_message is None:
        return
    # Safe to run again after a crash (the registration is an upsert, onboarding resumes):
    # a crash before the reply then replays /start rather than leaving it unanswered.
    handling.mark_replay_safe()
    registration = await users.register(
        runtime_of(context),
        user_id=tg_user.id,
        chat_id=chat.id,
        first_name=tg_user.first_name,
        language=tg_user.language_code,
    )
    # /start reactivates a user who had blocked the bot: bring their reminders back.
    await runtime_of(context).reschedule(tg_user.id)
    # New users (or a setup in progress) go through onboarding; the others see their status.
    if not await onboarding.start_or_resume(update, context):
        await commands.show_status(update, context)
    log.debug("start for user %s (new=%s)", registration.user_id, registration.created)


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List the commands."""
    if update.effective_message is not None:
        await update.effective_message.reply_text(texts.help_text())


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A command the bot does not know."""
    if update.effective_message is not None:
        await update.effective_message.reply_text(texts.UNKNOWN_COMMAND)
