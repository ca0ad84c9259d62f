"""Building and running the Telegram Application."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable
from typing import Any

from telegram import BotCommand, Update
from telegram.ext import Application, ApplicationBuilder, BaseUpdateProcessor

from bot import texts
from bot.charts import shutdown_renderer
from bot.context import attach_runtime
from bot.handlers import register_handlers
from bot.locks import KeyedLocks
from bot.notifier import TelegramNotifier
from bot.pacing import FloodPacer
from bot.runtime import Clock, Runtime, system_clock
from bot.settings import Settings
from scheduler.interface import NoScheduler
from scheduler.queue import DueQueueScheduler

log = logging.getLogger(__name__)

AnyApplication = Application[Any, Any, Any, Any, Any, Any]

# Telegram allows ~30 messages/s overall (bot/pacing.py keeps to it); retry a 429 a few times.
RATE_LIMIT_RETRIES = 5
POLL_TIMEOUT_S = 10
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


def build_application(runtime: Runtime) -> AnyApplication:
    """The Application for `runtime.settings`: base URL, rate limiter, handlers."""
    settings = runtime.settings
    if settings.telegram_bot_token is None:
        raise ValueError("TELEGRAM_BOT_TOKEN is required to build the bot")
    application = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token.get_secret_value())
        .base_url(settings.api_base_url)
        .base_file_url(settings.api_file_base_url)
        .rate_limiter(FloodPacer(settings.telegram_flood_rate, max_retries=RATE_LIMIT_RETRIES))
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

    async def start(self) -> None:
        app = self.application
        await app.initialize()
        await app.start()
        # Reminders: the due-queue lives in the database; its timer runs beside the Application.
        self.scheduler = DueQueueScheduler(self.runtime, TelegramNotifier(app.bot))
        self.runtime.scheduler = self.scheduler
        assert app.updater is not None
        await app.updater.start_polling(
            poll_interval=0.0,
            timeout=POLL_TIMEOUT_S,
            allowed_updates=Update.ALL_TYPES,
            drop_pending_updates=False,
        )
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
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        if app.running:
            await app.stop()
        await app.shutdown()
        await self.runtime.close()
        shutdown_renderer()

    async def run_until_signalled(self) -> None:
        """Run until SIGINT or SIGTERM, then shut down cleanly."""
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await self.start()
        try:
            await stop.wait()
        finally:
            log.info("shutting down")
            await self.stop()
