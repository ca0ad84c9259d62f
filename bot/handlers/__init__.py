"""Every handler is registered here, in one function, so that the order is visible."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, CommandHandler

from bot.handlers import common, errors


def register_handlers(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Register all handlers. Order matters: PTB runs the first matching handler per group."""
    # Commands first: a command always wins over whatever flow the user is in.
    application.add_handler(CommandHandler("start", common.start))
    application.add_handler(CommandHandler("help", common.help_command))
    application.add_error_handler(errors.on_error)
