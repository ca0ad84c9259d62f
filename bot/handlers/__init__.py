"""Every handler is registered here, in one function, so that the order is visible."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import flows
from bot.handlers import (
    checkin,
    commands,
    common,
    errors,
    gate,
    learn,
    messages,
    onboarding,
    plan,
    privacy,
    reminders,
    safety,
    session,
)
from bot.handlers import outcomes as outcome_handlers
from bot.handlers import records as records_handlers

# Every message handler is limited to a person's private chat with the bot.
# Edited messages are not answers: an edit of an old "80" must not answer today's question.
PRIVATE = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE


def register_handlers(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Register all handlers. Order matters: PTB runs the first matching handler in a group."""
    # The multi-step conversations: which module answers each flow's buttons and text.
    for module in (onboarding, commands, session, gate, safety):
        for name, spec in module.FLOWS.items():
            flows.register_flow(name, spec)
    # The red-flag screen reads every free text before any flow, /learn or the FAQ does: a
    # warning sign stops the programme whatever step the person is on (protocol section 8).
    messages.set_red_flag_screen(safety.screen)
    # 0. Private chats only: anything from a group, a channel or without a person stops here
    # (a command gets one general answer). The filters below say the same again.
    application.add_handler(TypeHandler(Update, privacy.guard), group=-1)
    # 1. Commands first: a command always works, whatever flow the user is in.
    application.add_handler(CommandHandler("start", common.start, filters=PRIVATE))
    application.add_handler(CommandHandler("help", common.help_command, filters=PRIVATE))
    # Everyday commands (onboarding engineer): before the unknown-command catch-all, mid-flow too.
    application.add_handler(CommandHandler("about", commands.about, filters=PRIVATE))
    application.add_handler(CommandHandler("cancel", commands.cancel, filters=PRIVATE))
    application.add_handler(CommandHandler("pause", commands.pause, filters=PRIVATE))
    application.add_handler(CommandHandler("resume", commands.resume, filters=PRIVATE))
    application.add_handler(CommandHandler("settings", commands.settings, filters=PRIVATE))
    # Session commands: before the unknown-command catch-all; they also work mid-flow.
    application.add_handler(CommandHandler("today", plan.today, filters=PRIVATE))
    application.add_handler(CommandHandler("plan", plan.plan, filters=PRIVATE))
    application.add_handler(CommandHandler("stage", plan.stage, filters=PRIVATE))
    application.add_handler(CommandHandler("test", gate.test_command, filters=PRIVATE))
    # Records: plain commands, before the unknown-command catch-all; they never touch a flow.
    application.add_handler(CommandHandler("progress", records_handlers.progress, filters=PRIVATE))
    application.add_handler(CommandHandler("history", records_handlers.history, filters=PRIVATE))
    application.add_handler(CommandHandler("export", records_handlers.export, filters=PRIVATE))
    application.add_handler(CommandHandler("delete", records_handlers.delete, filters=PRIVATE))
    # /learn and its topic links (/learn_<topic>, in the session intros).
    application.add_handler(CommandHandler("learn", learn.learn_command, filters=PRIVATE))
    application.add_handler(
        MessageHandler(
            PRIVATE & filters.COMMAND & filters.Regex(learn.TOPIC_COMMAND), learn.topic_command
        )
    )

    # 2. Buttons, by anchored prefix. Each handler checks the data against the user's own state.
    application.add_handler(CallbackQueryHandler(flows.on_flow_button, pattern=r"^f:"))
    application.add_handler(
        CallbackQueryHandler(flows.on_answered_button, pattern=rf"^{flows.ANSWERED_DATA}$")
    )
    # /delete confirmation (del:<issued>:yes|no): anchored, before the catch-all that expires.
    application.add_handler(
        CallbackQueryHandler(records_handlers.on_delete_button, pattern=r"^del:")
    )
    # Reminder buttons (rem:<yyyymmdd>:<slot>:<act>): before the catch-all, which would expire them.
    application.add_handler(CallbackQueryHandler(reminders.on_reminder_button, pattern=r"^rem:"))
    # Morning check-in answers and /today's Start: anchored, before the catch-all that expires.
    application.add_handler(CallbackQueryHandler(checkin.on_checkin_button, pattern=r"^mc:"))
    application.add_handler(CallbackQueryHandler(session.on_open_button, pattern=r"^ses:open$"))
    # /learn's topics, "Show me" and "Tempo guide" (learn:<key>, show:<exercise>,
    # tempo:<up>-<down>-<pause>): the handlers check the value against the catalogue.
    application.add_handler(CallbackQueryHandler(learn.on_learn_button, pattern=r"^learn:"))
    application.add_handler(CallbackQueryHandler(learn.on_show_button, pattern=r"^show:"))
    application.add_handler(CallbackQueryHandler(learn.on_tempo_button, pattern=r"^tempo:"))
    # Issue 11: the referral's "I've been seen" and the week 6 / 12 review's rating.
    application.add_handler(
        CallbackQueryHandler(outcome_handlers.on_seen_button, pattern=r"^ref:seen$")
    )
    application.add_handler(
        CallbackQueryHandler(outcome_handlers.on_review_button, pattern=r"^rv:\d{1,2}:[a-z_]+$")
    )
    application.add_handler(
        CallbackQueryHandler(outcome_handlers.on_running_button, pattern=r"^run:(yes|no)$")
    )
    application.add_handler(
        CallbackQueryHandler(outcome_handlers.on_stiffness_button, pattern=r"^st:\d{8}:\d{1,3}$")
    )

    # /start's status buttons and the Stage 3 notice's "Choose my days" (home:over|cleared|days):
    # anchored, before the catch-all that expires anything else.
    application.add_handler(
        CallbackQueryHandler(commands.on_home_button, pattern=r"^home:(over|cleared|days)$")
    )
    # A shared location (time zone step): before the catch-all for other messages.
    application.add_handler(MessageHandler(PRIVATE & filters.LOCATION, onboarding.on_location))

    # 3. Free text goes to the current flow (or the red-flag screen); anything else gets a hint.
    application.add_handler(
        MessageHandler(PRIVATE & filters.TEXT & ~filters.COMMAND, messages.on_text)
    )
    application.add_handler(MessageHandler(PRIVATE & filters.COMMAND, common.unknown_command))

    # 4. Last: whatever is left (unknown buttons, stickers, …) still gets an answer.
    application.add_handler(CallbackQueryHandler(messages.on_unknown_callback))
    application.add_handler(MessageHandler(PRIVATE, messages.on_other_message))
    application.add_error_handler(errors.on_error)
