"""Building and running the Telegram Application."""

from __future__ import annotations

import asyncio
import logging
import signal
from typing import Any

from telegram import BotCommand
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder
from telegram.request import BaseRequest, HTTPXRequest

from bot import texts
from bot.context import attach_runtime
from bot.handlers import register_handlers
from bot.notifier import TelegramNotifier
from bot.polling import InboxPoller
from bot.runtime import Clock, Runtime, system_clock
from bot.settings import Settings
from bot.telegram_bot import CoachApplication, CoachBot
from scheduler.aps import ApsReminderScheduler
from scheduler.interface import NoScheduler

log = logging.getLogger(__name__)

AnyApplication = Application[Any, Any, Any, Any, Any, Any]

# Telegram allows ~30 messages/s overall and ~1/s per chat; retry a 429 a few times.
RATE_LIMIT_RETRIES = 5
POLL_TIMEOUT_S = 10
# Exit status of a bot that stopped listening (a rejected token, a poller that ended).
EXIT_POLLING_STOPPED = 1


def build_application(
    runtime: Runtime, request: BaseRequest | None = None, *, rate_limited: bool = True
) -> AnyApplication:
    """The Application for `runtime.settings`: base URL, rate limiter, handlers. `request`
    replaces the HTTP transport and `rate_limited=False` drops Telegram's pacing (tests that
    talk to the stand-in in-process, thousands of updates at a time)."""
    settings = runtime.settings
    if settings.telegram_bot_token is None:
        raise ValueError("TELEGRAM_BOT_TOKEN is required to build the bot")
    bot = CoachBot(
        settings.telegram_bot_token.get_secret_value(),
        base_url=settings.api_base_url,
        base_file_url=settings.api_file_base_url,
        request=request or HTTPXRequest(connection_pool_size=256),
        get_updates_request=request or HTTPXRequest(),
        rate_limiter=AIORateLimiter(max_retries=RATE_LIMIT_RETRIES) if rate_limited else None,
    )
    # No Updater: bot/polling.py polls through the inbox instead.
    application = (
        ApplicationBuilder()
        .application_class(CoachApplication)
        .bot(bot)
        .updater(None)
        .concurrent_updates(False)
        .build()
    )
    attach_runtime(application, runtime)
    register_handlers(application)
    return application


async def set_command_menu(application: AnyApplication) -> None:
    """Publish the command list shown in Telegram's menu."""
    await application.bot.set_my_commands(
        [BotCommand(name, description) for name, description in texts.COMMANDS]
    )


class BotRunner:
    """Starts and stops the bot (polling) in the current event loop; used by the CLI and tests."""

    def __init__(self, settings: Settings, clock: Clock = system_clock) -> None:
        self.settings = settings
        self.runtime = Runtime.create(settings, clock)
        self.application = build_application(self.runtime)
        self.scheduler: ApsReminderScheduler | None = None
        bot, app = self.application.bot, self.application
        assert isinstance(bot, CoachBot)
        assert isinstance(app, CoachApplication)
        self.poller = InboxPoller(app, self.runtime, bot, timeout=POLL_TIMEOUT_S)

    async def start(self) -> None:
        app = self.application
        await app.initialize()
        await set_command_menu(app)
        await app.start()
        # Reminders: the scheduler runs beside the Application; jobs are rebuilt from the DB.
        self.scheduler = ApsReminderScheduler(self.runtime, TelegramNotifier(app.bot))
        self.scheduler.start()
        self.runtime.scheduler = self.scheduler
        await self.poller.start()
        log.info("bot is polling as @%s", app.bot.username)
        await self.scheduler.rebuild_all()

    async def stop(self) -> None:
        app = self.application
        if self.scheduler is not None:
            self.scheduler.shutdown()
            self.runtime.scheduler = NoScheduler()
        await self.poller.stop()
        if app.running:
            await app.stop()
        await app.shutdown()
        await self.runtime.close()

    async def run_until_signalled(self) -> int:
        """Run until SIGINT or SIGTERM (then shut down cleanly: status 0), or until polling
        stops for good (then shut down and return EXIT_POLLING_STOPPED)."""
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await self.start()
        signalled = asyncio.create_task(stop.wait())
        try:
            assert self.poller.task is not None
            await asyncio.wait({signalled, self.poller.task}, return_when=asyncio.FIRST_COMPLETED)
            if stop.is_set():
                return 0
            error = self.poller.task.exception() if not self.poller.task.cancelled() else None
            log.critical("the bot stopped listening to Telegram (%s); exiting", error)
            return EXIT_POLLING_STOPPED
        finally:
            signalled.cancel()
            log.info("shutting down")
            await self.stop()
