"""Building and running the Telegram Application."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from telegram import BotCommand, Update
from telegram.constants import ParseMode
from telegram.ext import Application, ApplicationBuilder, BaseUpdateProcessor, Defaults
from telegram.request import BaseRequest, HTTPXRequest

from bot import i18n, inbox, texts
from bot.charts import shutdown_renderer
from bot.context import attach_runtime
from bot.handlers import register_handlers
from bot.http import HttpListener
from bot.notifier import TelegramNotifier
from bot.pacing import FloodPacer
from bot.polling import ALLOWED_UPDATES, InboxPoller, hand_over
from bot.telegram_bot import CoachApplication, CoachBot
from scheduler.queue import DueQueueScheduler
from service_layer import languages
from service_layer.config import Settings
from service_layer.languages import DEFAULT, SUPPORTED
from service_layer.locks import KeyedLocks
from service_layer.runtime import Clock, Runtime, system_clock
from service_layer.scheduling import NoScheduler

log = logging.getLogger(__name__)

AnyApplication = Application[Any, Any, Any, Any, Any, Any]

# Telegram allows ~30 messages/s overall (bot/pacing.py keeps to it); retry a 429 a few times.
RATE_LIMIT_RETRIES = 5
POLL_TIMEOUT_S = 10
# Exit status of a bot that stopped listening (a rejected token, a poller that ended).
EXIT_POLLING_STOPPED = 1

# Updates processed at once (for different people; one person's run one at a time).
CONCURRENT_UPDATES = 64


# (user id, their Telegram app's language) → the language to answer them in.
LanguageOf = Callable[[int, str | None], Awaitable[str]]


class PerUserUpdateProcessor(BaseUpdateProcessor):
    """Updates of different people in parallel, each person's in the order they came.

    PTB hands every update over as soon as it arrives (up to CONCURRENT_UPDATES at once); this
    holds it until that person's previous update is done (a per-user lock, keyed by the user, or
    the chat when an update has no user). So one person's chart or slow database call never
    makes anyone else wait, and a person's taps never race each other. Each update is handled
    in its person's language (bot/i18n.py).
    """

    def __init__(
        self, language_of: LanguageOf, max_concurrent_updates: int = CONCURRENT_UPDATES
    ) -> None:
        super().__init__(max_concurrent_updates)
        self._locks = KeyedLocks()
        self._language_of = language_of

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
            # Everything said while handling this update is in this person's language.
            i18n.speak(await self._language(update))
            await coroutine

    async def _language(self, update: object) -> str:
        assert isinstance(update, Update)
        user = update.effective_user
        if user is None:
            return DEFAULT
        try:
            return await self._language_of(user.id, user.language_code)
        except Exception:  # the database is away: answer in their app's language, lose nothing
            log.warning("could not look up the language of user %s", user.id, exc_info=True)
            return languages.from_telegram(user.language_code)

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None


# Every text of the catalogue is Telegram HTML (and every value put into one is escaped).
DEFAULTS = Defaults(parse_mode=ParseMode.HTML)


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
        defaults=DEFAULTS,
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
        .concurrent_updates(PerUserUpdateProcessor(partial(languages.language_of, runtime)))
        .build()
    )
    attach_runtime(application, runtime)
    register_handlers(application)
    return application


async def set_command_menu(application: AnyApplication) -> None:
    """Publish the command list shown in Telegram's menu: English for everyone, and in each
    other language we speak for the people whose Telegram app is set to it."""
    for language in SUPPORTED:
        with i18n.using(language):
            commands = [BotCommand(name, description) for name, description in texts.commands()]
        await application.bot.set_my_commands(
            commands, language_code=None if language == DEFAULT else language
        )


class WebhookReceiver:
    """Webhook mode: Telegram POSTs updates to the HTTP listener (bot/http.py), which stores
    each in the inbox and hands it over here. At start-up the updates a crash left unfinished
    are queued first, then Telegram is told where to post (setWebhook with the secret, the
    kinds handled and drop_pending_updates=false: nothing waiting is thrown away)."""

    def __init__(self, application: CoachApplication, runtime: Runtime) -> None:
        self.application = application
        self.runtime = runtime

    async def start(self) -> None:
        settings = self.runtime.settings
        assert settings.webhook_url is not None
        assert settings.webhook_secret is not None
        await inbox.purge(self.runtime)
        left = await inbox.unfinished(self.runtime)
        if left:
            log.info("handling %d update(s) left unfinished by the last run first", len(left))
        for raw in left:
            await hand_over(self.application, self.runtime, raw)
        await self.application.bot.set_webhook(
            str(settings.webhook_url),
            secret_token=settings.webhook_secret.get_secret_value(),
            allowed_updates=ALLOWED_UPDATES,
            drop_pending_updates=False,
        )

    async def receive(self, raw: dict[str, Any]) -> None:
        await hand_over(self.application, self.runtime, raw)


class BotRunner:
    """Starts and stops the bot (long polling, or webhook mode when WEBHOOK_URL is set) and its
    HTTP listener in the current event loop; used by the CLI and tests."""

    def __init__(self, settings: Settings, clock: Clock = system_clock) -> None:
        self.settings = settings
        self.runtime = Runtime.create(settings, clock)
        self.application = build_application(self.runtime)
        self.scheduler: DueQueueScheduler | None = None
        bot, app = self.application.bot, self.application
        assert isinstance(bot, CoachBot)
        assert isinstance(app, CoachApplication)
        self.webhook: WebhookReceiver | None = None
        self.poller: InboxPoller | None = None
        if settings.webhook_url is not None:
            self.webhook = WebhookReceiver(app, self.runtime)
        else:
            self.poller = InboxPoller(app, self.runtime, bot, timeout=POLL_TIMEOUT_S)
        self.http = HttpListener(
            self.runtime,
            self.scheduler_state,
            self.webhook.receive if self.webhook is not None else None,
        )

    def scheduler_state(self) -> dict[str, Any]:
        """For /readyz: whether the reminder scheduler runs, and when it last ran something."""
        running = self.scheduler is not None and self.scheduler.aps.running
        return {"running": running, "last_tick": self.runtime.extras.get("last_tick")}

    async def start(self) -> None:
        app = self.application
        await app.initialize()
        await app.start()
        # Reminders: the due-queue lives in the database; its timer runs beside the Application.
        self.scheduler = DueQueueScheduler(
            self.runtime, TelegramNotifier(app.bot, partial(languages.language_of, self.runtime))
        )
        self.runtime.scheduler = self.scheduler
        await self.http.start()
        if self.poller is not None:
            await self.poller.start()
            log.info("bot is polling as @%s", app.bot.username)
        if self.webhook is not None:
            await self.webhook.start()
            log.info("bot takes updates by webhook as @%s", app.bot.username)
        due = await self.scheduler.check()  # one query; nothing is read per person
        self.scheduler.start()
        log.info("reminder queue started: %d due now", due)
        await set_command_menu(app)  # after the first poll: nobody waits for the menu

    async def stop(self) -> None:
        """Stop taking updates (the poller ends, the webhook answers 503), drop the queued ones
        not started (they stay unfinished in the inbox for the next start), finish the one in
        hand, then stop the scheduler and close."""
        app = self.application
        self.http.accepting = False
        if self.poller is not None:
            await self.poller.stop()
        self._drop_queued()
        if app.running:
            await app.stop()
        if self.scheduler is not None:
            await self.scheduler.stop()
            self.runtime.scheduler = NoScheduler()
        await self.http.stop()
        await app.shutdown()
        await self.runtime.close()
        shutdown_renderer()

    def _drop_queued(self) -> None:
        app = self.application
        assert isinstance(app, CoachApplication)
        dropped = 0
        while True:
            try:
                update = app.update_queue.get_nowait()
            except asyncio.QueueEmpty:
                break
            app.update_queue.task_done()
            if isinstance(update, Update):
                app.inbox_ids.discard(update.update_id)
            dropped += 1
        if dropped:
            log.info("%d queued update(s) left in the inbox for the next start", dropped)

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
            waiting: set[asyncio.Task[Any]] = {signalled}
            if self.poller is not None:
                assert self.poller.task is not None
                waiting.add(self.poller.task)
            await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
            if stop.is_set() or self.poller is None or self.poller.task is None:
                return 0
            task = self.poller.task
            error = task.exception() if not task.cancelled() else None
            log.critical("the bot stopped listening to Telegram (%s); exiting", error)
            return EXIT_POLLING_STOPPED
        finally:
            signalled.cancel()
            log.info("shutting down")
            await self.stop()
