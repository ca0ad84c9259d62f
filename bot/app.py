"""Building and running the Telegram Application."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable
from typing import Any

from telegram import BotCommand, Update
from telegram.ext import Application, ApplicationBuilder, BaseUpdateProcessor
from telegram.request import BaseRequest, HTTPXRequest

from bot import texts
from bot.charts import shutdown_renderer
from bot.context import attach_runtime
from bot.handlers import register_handlers
from bot.locks import KeyedLocks
from bot.notifier import TelegramNotifier
from bot.pacing import FloodPacer
from bot.polling import InboxPoller
from bot.runtime import Clock, Runtime, system_clock
from bot.settings import Settings
from bot.telegram_bot import CoachApplication, CoachBot
from scheduler.interface import NoScheduler
from scheduler.queue import DueQueueScheduler

log = logging.getLogger(__name__)

AnyApplication = Application[Any, Any, Any, Any, Any, Any]

# Telegram allows ~30 messages/s overall (bot/pacing.py keeps to it); retry a 429 a few times.
RATE_LIMIT_RETRIES = 5
POLL_TIMEOUT_S = 10
# Exit status of a bot that stopped listening (a rejected token, a poller that ended).
EXIT_POLLING_STOPPED = 1

# Updates processed at once (for different people; one person's run one at a time).
CONCURRENT_UPDATES = 64


class PerUserUpdateProcessor(BaseUpdateProcessor):
    """Updates of different people in parallel, each person's in the order they came.

    PTB hands every update over as soon as it arrives (up to CONCURRENT_UPDATES at once); this
    holds it until that person's previous update is done (a per-user lock, keyed by the user, or
    the chat when an update has no user). So one person's chart or slow database call never
    makes anyone else wait, and a person's taps never race each other.
    """

    def __init__(self, max_concurrent_updates: int = CONCURRENT_UPDATES) -> None:
        super().__init__(max_concurrent_updates)
        self._locks = KeyedLocks()

    @staticmethod
    def key(update: object) -> int | None:
        if not isinstance(update, Update):
            return None
        if update.effective_user is not None:
            return update.effective_user.id
        if update.effective_chat is not None:
            return update.effective_chat.id
        return None

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = self.key(update)
        if key is None:
            await coroutine
            return
        async with self._locks(key):
            await coroutine

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None


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
        rate_limiter=(
            FloodPacer(settings.telegram_flood_rate, max_retries=RATE_LIMIT_RETRIES)
            if rate_limited
            else None
        ),
    )
    # No Updater: bot/polling.py polls through the inbox instead.
    application = (
        ApplicationBuilder()
        .application_class(CoachApplication)
        .bot(bot)
        .updater(None)
        .concurrent_updates(PerUserUpdateProcessor())
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
        self.scheduler: DueQueueScheduler | None = None
        bot, app = self.application.bot, self.application
        assert isinstance(bot, CoachBot)
        assert isinstance(app, CoachApplication)
        self.poller = InboxPoller(app, self.runtime, bot, timeout=POLL_TIMEOUT_S)

    async def start(self) -> None:
        app = self.application
        await app.initialize()
        await app.start()
        # Reminders: the due-queue lives in the database; its timer runs beside the Application.
        self.scheduler = DueQueueScheduler(self.runtime, TelegramNotifier(app.bot))
        self.runtime.scheduler = self.scheduler
        await self.poller.start()
        log.info("bot is polling as @%s", app.bot.username)
        due = await self.scheduler.check()  # one query; nothing is read per person
        self.scheduler.start()
        log.info("reminder queue started: %d due now", due)
        await set_command_menu(app)  # after the first poll: nobody waits for the menu

    async def stop(self) -> None:
        app = self.application
        if self.scheduler is not None:
            await self.scheduler.stop()
            self.runtime.scheduler = NoScheduler()
        await self.poller.stop()
        if app.running:
            await app.stop()
        await app.shutdown()
        await self.runtime.close()
        shutdown_renderer()

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
