"""The user driver: against a bare PTB Bot, and against a PTB Application polling in-process."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from standin.server import FakeBotApi

pytestmark = pytest.mark.integration

ALEX = 1001
AnyApplication = Application[Any, Any, Any, Any, Any, Any]


async def test_wait_for_only_returns_messages_after_the_last_action(
    standin: FakeBotApi, bot: Bot
) -> None:
    alex = standin.user(ALEX)
    await bot.send_message(ALEX, "old")
    await alex.send("hi")
    with pytest.raises(AssertionError, match="sent since: nothing"):
        await alex.wait_for(timeout=0.2)
    await bot.send_message(ALEX, "one")
    await bot.send_message(ALEX, "two")
    assert (await alex.wait_for(contains="two")).text == "two"
    assert (await alex.wait_for()).text == "one"  # each message is returned once
    with pytest.raises(AssertionError, match="sent since: \\['one', 'two'\\]"):
        await alex.wait_for(timeout=0.2)


async def test_wait_for_waits_and_sees_edits(standin: FakeBotApi, bot: Bot) -> None:
    alex = standin.user(ALEX)
    await alex.send("hi")

    async def reply_later() -> None:
        await asyncio.sleep(0.2)
        sent = await bot.send_message(ALEX, "Pain today?")
        await bot.edit_message_text("Pain today: 2", ALEX, sent.message_id)

    task = asyncio.create_task(reply_later())
    first = await alex.wait_for(timeout=5)
    edit = await alex.wait_for(lambda m: m.edited, timeout=5)
    await task
    assert (first.text, first.edited) == ("Pain today?", False)
    assert (edit.text, edit.message_id) == ("Pain today: 2", first.message_id)
    assert alex.last_message.text == "Pain today: 2"


async def test_failed_requests_are_explained_on_timeout(standin: FakeBotApi, bot: Bot) -> None:
    alex = standin.user(ALEX)
    await alex.send("hi")
    with pytest.raises(Exception, match=r"(?i)too long"):
        await bot.send_message(ALEX, "x" * 5000)
    with pytest.raises(AssertionError, match=r"sendMessage -> 400"):
        await alex.wait_for(contains="x", timeout=0.2)


async def test_wait_answered_waits_for_the_answer_to_that_tap(
    standin: FakeBotApi, bot: Bot
) -> None:
    alex = standin.user(ALEX)
    sent = await bot.send_message(
        ALEX,
        "Ready?",
        reply_markup=InlineKeyboardMarkup([[InlineKeyboardButton("Go", callback_data="go")]]),
    )
    first = await alex.tap("Go", message=sent.message_id)
    second = await alex.tap("Go", message=sent.message_id)
    with pytest.raises(AssertionError, match=f"did not answer callback query {second}"):
        await alex.wait_answered(second, timeout=0.2)

    async def answer_later() -> None:
        await asyncio.sleep(0.2)
        await bot.answer_callback_query(second, "Noted already")
        await bot.answer_callback_query(first, "Go!")

    task = asyncio.create_task(answer_later())
    assert (await alex.wait_answered(first, timeout=5)).text == "Go!"
    assert (await alex.wait_answered(second)).text == "Noted already"
    await task


# ---- a real PTB Application polling the stand-in in the test's event loop ---------------------


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_chat is not None
    buttons = [[InlineKeyboardButton("Ready", callback_data="ready")]]
    await context.bot.send_message(
        update.effective_chat.id,
        "<b>Welcome</b>, ready?",
        parse_mode="HTML",
        reply_markup=InlineKeyboardMarkup(buttons),
    )


async def ready(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer("Let's go")
    await query.edit_message_text("Day 1 starts now")


async def burst(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_chat is not None
    for n in range(5):
        await context.bot.send_message(update.effective_chat.id, f"burst {n}")


async def location(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None
    assert update.message.location is not None
    where = update.message.location
    await update.message.reply_text(f"at {where.latitude:.2f},{where.longitude:.2f}")


@pytest.fixture
async def app(standin: FakeBotApi) -> AsyncIterator[AnyApplication]:
    application = (
        ApplicationBuilder()
        .token(standin.token)
        .base_url(standin.base_url)
        .base_file_url(standin.file_base_url)
        .rate_limiter(AIORateLimiter(max_retries=5))
        .build()
    )
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CommandHandler("burst", burst))
    application.add_handler(CallbackQueryHandler(ready, pattern="^ready$"))
    application.add_handler(MessageHandler(filters.LOCATION, location))
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(timeout=1, poll_interval=0)
        yield application
        await application.updater.stop()
        await application.stop()


async def test_start_tap_and_edit_round_trip(standin: FakeBotApi, app: AnyApplication) -> None:
    alex = standin.user(ALEX)
    await alex.send("/start")
    welcome = await alex.wait_for(contains="Welcome, ready?")
    assert welcome.source == "<b>Welcome</b>, ready?"
    assert alex.buttons() == [[("Ready", "ready")]]
    await alex.tap("Ready")
    edited = await alex.wait_for(contains="Day 1")
    assert (edited.message_id, edited.edited, edited.reply_markup) == (
        welcome.message_id,
        True,
        None,
    )
    await alex.wait_idle()
    assert [a.text for a in alex.callback_answers] == ["Let's go"]
    assert standin.unanswered_callback_queries == []


async def test_location(standin: FakeBotApi, app: AnyApplication) -> None:
    alex = standin.user(ALEX)
    await alex.share_location(52.52, 13.405)
    assert (await alex.wait_for()).text == "at 52.52,13.40"


async def test_flood_limit_is_absorbed_by_the_rate_limiter(
    standin: FakeBotApi, app: AnyApplication
) -> None:
    standin.flood_limit = True
    alex = standin.user(ALEX)
    await alex.send("/burst")
    await alex.wait_for(contains="burst 4", timeout=15)
    assert [m.text for m in alex.messages] == [f"burst {n}" for n in range(5)]
    assert standin.stats.flood_rejections >= 1
