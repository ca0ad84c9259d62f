"""A bare python-telegram-bot bot, the yardstick of benchmarks/updates.py: the same Application
set-up as ours (polling, PTB's rate limiter) and handlers that do nothing but answer: /start
replies, a button tap is answered and replied to.

Run as `python -m benchmarks.bare_bot` with TELEGRAM_BOT_TOKEN and TELEGRAM_API_BASE_URL set.
"""

from __future__ import annotations

import asyncio
import os
import signal

from telegram import Update
from telegram.ext import (
    AIORateLimiter,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.effective_chat is not None:
        await context.bot.send_message(update.effective_chat.id, "Hello! Welcome back.")


async def tap(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if query is None or update.effective_chat is None:
        return
    await query.answer()
    await context.bot.send_message(update.effective_chat.id, f"Noted: {query.data}")


async def main() -> None:
    base = os.environ["TELEGRAM_API_BASE_URL"]
    app = (
        ApplicationBuilder()
        .token(os.environ["TELEGRAM_BOT_TOKEN"])
        .base_url(base)
        .rate_limiter(AIORateLimiter(max_retries=5))
        .build()
    )
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(tap))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with app:
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=10)
        await stop.wait()
        await app.updater.stop()
        await app.stop()


if __name__ == "__main__":
    asyncio.run(main())
