"""/progress, /history, /export and /delete (with its `del:` confirmation buttons)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
from datetime import timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatAction
from telegram.ext import ContextTypes

from bot import flows, texts, views
from bot.callbacks import CallbackDataError, pack, unpack
from bot.charts import render_off_loop
from bot.context import runtime_of
from bot.edits import edit_or_send
from bot.handlers.session import JOB_PREFIX as SESSION_TIMER_PREFIX
from service_layer import records
from service_layer.export_schema import CSV_FILENAME, JSON_FILENAME, to_csv, to_json
from service_layer.records import ProgressStatus

log = logging.getLogger(__name__)

DELETE_PREFIX = "del"
DELETE_YES = "yes"
DELETE_NO = "no"
# A confirmation button older than this (or from the future) has expired.
DELETE_BUTTON_LIFETIME = timedelta(minutes=10)


async def progress(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send the progress chart with its caption, or say why there is none yet."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    await context.bot.send_chat_action(message.chat_id, ChatAction.UPLOAD_PHOTO)
    result = await records.progress(runtime_of(context), user.id)
    if result.status == ProgressStatus.NOT_ONBOARDED:
        await message.reply_text(await _newcomer(context, user.id))
    elif result.facts is None or result.chart is None:
        await message.reply_text(texts.PROGRESS_TOO_LITTLE.format(points=result.points))
    else:
        png = await render_off_loop(result.chart)
        caption = views.progress_caption(result.facts)
        await message.reply_photo(png, caption=caption)


async def history(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """List the last 14 days."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    text = views.history_text(await records.history_days(runtime_of(context), user.id))
    if text == texts.RECORDS_NOT_ONBOARDED:
        text = await _newcomer(context, user.id)
    await message.reply_text(text)


async def export(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send the CSV and JSON exports as two documents."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    document = await records.export(runtime_of(context), user.id, texts.reason_text)
    if document is None:
        await message.reply_text(texts.EXPORT_NOTHING)
        return
    await message.reply_text(texts.EXPORT_INTRO)
    await context.bot.send_chat_action(message.chat_id, ChatAction.UPLOAD_DOCUMENT)
    await message.reply_document(to_csv(document), filename=CSV_FILENAME)
    await message.reply_document(to_json(document), filename=JSON_FILENAME)


def confirmation_code(secret: str, user_id: int, message_id: int, issued: int) -> str:
    """A short code that ties a /delete confirmation to its person, its message and its time;
    made with a key derived from the bot token, so a forged one cannot be made up."""
    key = hashlib.sha256(b"achilles-coach delete confirmation:" + secret.encode()).digest()
    mac = hmac.new(key, f"{user_id}:{message_id}:{issued}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac[:9]).decode()


def delete_keyboard(issued_epoch: int, code: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    texts.DELETE_YES,
                    callback_data=pack(DELETE_PREFIX, issued_epoch, code, DELETE_YES),
                )
            ],
            [
                InlineKeyboardButton(
                    texts.DELETE_NO,
                    callback_data=pack(DELETE_PREFIX, issued_epoch, code, DELETE_NO),
                )
            ],
        ]
    )


def _secret(context: ContextTypes.DEFAULT_TYPE) -> str:
    token = runtime_of(context).settings.telegram_bot_token
    return token.get_secret_value() if token is not None else context.bot.token


async def delete(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Ask for confirmation before deleting everything."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    runtime = runtime_of(context)
    if not await records.is_known(runtime, user.id):
        await message.reply_text(texts.DELETE_NOTHING)
        return
    issued = int(runtime.now().timestamp())
    # The buttons name the question they are on (its message id is known once it is sent).
    question = await message.reply_text(texts.DELETE_CONFIRM)
    code = confirmation_code(_secret(context), user.id, question.message_id, issued)
    await context.bot.edit_message_reply_markup(
        question.chat_id, question.message_id, reply_markup=delete_keyboard(issued, code)
    )


async def on_delete_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`del:<issued>:<code>:yes|no`: delete everything (if fresh, and on the question that was
    asked: the code names the person, the message and the time), or keep it."""
    query, user = update.callback_query, update.effective_user
    if query is None or user is None:
        return
    runtime = runtime_of(context)
    try:
        issued_text, code, choice = unpack(query.data, DELETE_PREFIX, 3)
        issued = int(issued_text)
    except (CallbackDataError, ValueError):
        await flows.expired(update, context)
        return
    age = runtime.now().timestamp() - issued
    asked = query.message.message_id if query.message is not None else 0
    genuine = hmac.compare_digest(code, confirmation_code(_secret(context), user.id, asked, issued))
    if (
        not genuine
        or choice not in (DELETE_YES, DELETE_NO)
        or not (0 <= age <= DELETE_BUTTON_LIFETIME.total_seconds())
    ):
        await flows.expired(update, context)
        return
    if choice == DELETE_NO:
        await query.answer()
        await _replace_question(update, context, texts.DELETE_KEPT)
        return
    existed = await records.delete_everything(runtime, user.id)
    _forget_in_memory(context, user.id)
    if not existed:
        await query.answer(texts.DELETE_ALREADY)
        return
    await query.answer()
    await _replace_question(update, context, texts.DELETE_DONE)


def _forget_in_memory(context: ContextTypes.DEFAULT_TYPE, user_id: int) -> None:
    """Drop what the process holds about the user: in-session timers and PTB's user_data."""
    if context.job_queue is not None:
        for job in context.job_queue.get_jobs_by_name(f"{SESSION_TIMER_PREFIX}:{user_id}"):
            job.schedule_removal()
    if context.user_data is not None:
        context.user_data.clear()


async def _replace_question(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
    """Turn the confirmation message into the outcome (or send it when that fails)."""
    query = update.callback_query
    chat = update.effective_chat
    if chat is None:
        return
    message = query.message if query is not None else None
    await edit_or_send(context.bot, chat.id, message.message_id if message else None, text)


async def _newcomer(context: ContextTypes.DEFAULT_TYPE, user_id: int) -> str:
    """Mid-setup: where they are; else how to begin."""
    text = await views.newcomer_text(runtime_of(context), user_id)
    return texts.OB_IN_SETUP if text == texts.OB_IN_SETUP else texts.RECORDS_NOT_ONBOARDED
