"""Show and explain: exercise pictures and tempo guides with the first set, "Show me" and
"Tempo guide", /learn and its topics, typed questions.

Typed text reaches `answer_question` only after the red-flag screen has let it pass
(bot/handlers/messages.py); a text with a red-flag word is never answered from here.
"""

from __future__ import annotations

import logging
import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

import rehab
from bot import faq, flows, media, pictures, texts
from bot.callbacks import CallbackDataError, pack, unpack
from bot.context import runtime_of
from rehab.protocol import EXERCISES
from service_layer.sessions import Position

log = logging.getLogger(__name__)

LEARN_PREFIX = "learn"
SHOW_PREFIX = "show"
TEMPO_PREFIX = "tempo"
# /learn_<topic>: the links in the session intros.
TOPIC_COMMAND = re.compile(r"^/learn_([a-z]{1,16})(?:@\w+)?$")


def learn_data(key: str) -> str:
    return pack(LEARN_PREFIX, key)


def show_data(exercise_id: str) -> str:
    return pack(SHOW_PREFIX, exercise_id)


def tempo_data(up: int, down: int, pause: int) -> str:
    return pack(TEMPO_PREFIX, f"{up}-{down}-{pause}")


def _tempo(ex: rehab.ExercisePrescription) -> tuple[int, int, int] | None:
    if not ex.tempo_s or not ex.reps:
        return None
    up, down = ex.tempo_s
    return int(up), int(down), int(ex.pause_top_s or 0)


def show_me_row(ex: rehab.ExercisePrescription) -> list[InlineKeyboardButton]:
    """Show me (the picture again) and, for a tempo exercise, Tempo guide; only buttons that
    have a file to send."""
    row: list[InlineKeyboardButton] = []
    if pictures.picture_path(ex.exercise_id) is not None:
        row.append(InlineKeyboardButton(texts.SHOW_ME, callback_data=show_data(ex.exercise_id)))
    tempo = _tempo(ex)
    if tempo is not None and pictures.tempo_path(tempo) is not None:
        row.append(InlineKeyboardButton(texts.TEMPO_GUIDE, callback_data=tempo_data(*tempo)))
    return row


async def show_exercise(context: ContextTypes.DEFAULT_TYPE, position: Position) -> None:
    """Before the first set of an exercise: its picture, and the tempo guide when this is the
    session's first exercise at that tempo. A picture that cannot be sent is logged and skipped."""
    ex = position.exercise
    runtime = runtime_of(context)
    await media.send_exercise_picture(context.bot, runtime, position.chat_id, ex.exercise_id)
    tempo = _tempo(ex)
    earlier = {_tempo(e) for e in position.exercises[: position.exercise_index]}
    if tempo is not None and tempo not in earlier:
        await media.send_tempo_guide(context.bot, runtime, position.chat_id, tempo)


def topics_keyboard() -> InlineKeyboardMarkup:
    rows = [
        [InlineKeyboardButton(label, callback_data=learn_data(key))] for key, label in faq.topics()
    ]
    return InlineKeyboardMarkup(rows)


def stage_link(stage: int) -> str:
    """The line of a session intro that links the stage's most useful topic ("" if none)."""
    linked = faq.stage_topic(stage)
    if linked is None:
        return ""
    key, title = linked
    return texts.LEARN_STAGE_LINK.format(title=title, key=key)


async def _send_answer(update: Update, context: ContextTypes.DEFAULT_TYPE, key: str) -> bool:
    chat = update.effective_chat
    text = faq.answer(key)
    if chat is None or text is None:
        return False
    await context.bot.send_message(chat.id, text + texts.LEARN_MORE)
    return True


async def learn_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/learn: the topics, as buttons."""
    chat = update.effective_chat
    if chat is not None:
        await context.bot.send_message(chat.id, texts.LEARN_INTRO, reply_markup=topics_keyboard())


async def topic_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/learn_<topic> (the link in a session intro); an unknown topic gets the list."""
    message = update.effective_message
    found = TOPIC_COMMAND.match(message.text or "") if message is not None else None
    if found is None or not await _send_answer(update, context, found.group(1)):
        await learn_command(update, context)


async def on_learn_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A topic button (learn:<key>); a forged key is treated like any stale button."""
    query = update.callback_query
    if query is None:
        return
    try:
        (key,) = unpack(query.data, LEARN_PREFIX, 1)
    except CallbackDataError:
        key = ""
    if faq.answer(key) is None:
        await flows.expired(update, context)
        return
    await query.answer()
    await _send_answer(update, context, key)


async def on_show_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The Show me button (show:<exercise id>): the exercise's picture again."""
    query = update.callback_query
    chat = update.effective_chat
    if query is None or chat is None:
        return
    try:
        (exercise_id,) = unpack(query.data, SHOW_PREFIX, 1)
    except CallbackDataError:
        exercise_id = ""
    exercise = EXERCISES.get(exercise_id)
    if exercise is None:
        await flows.expired(update, context)
        return
    await query.answer()
    sent = await media.send_exercise_picture(context.bot, runtime_of(context), chat.id, exercise.id)
    if not sent:
        await context.bot.send_message(chat.id, texts.MEDIA_UNAVAILABLE)


def _parse_tempo(data: str | None) -> tuple[int, int, int] | None:
    try:
        (value,) = unpack(data, TEMPO_PREFIX, 1)
        up, down, pause = (int(part) for part in value.split("-"))
    except (CallbackDataError, ValueError):
        return None
    return up, down, pause


async def on_tempo_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The Tempo guide button (tempo:<up>-<down>-<pause>): the looping animation."""
    query = update.callback_query
    chat = update.effective_chat
    if query is None or chat is None:
        return
    tempo = _parse_tempo(query.data)
    if tempo is None or tempo not in pictures.tempos():
        await flows.expired(update, context)
        return
    await query.answer()
    if not await media.send_tempo_guide(context.bot, runtime_of(context), chat.id, tempo):
        await context.bot.send_message(chat.id, texts.MEDIA_UNAVAILABLE)


async def answer_question(
    update: Update, context: ContextTypes.DEFAULT_TYPE, text: str, *, questions_only: bool
) -> bool:
    """Answer `text` from the catalogue if it is a question about one of the topics (without
    `questions_only`, a message that only names a topic does too: "heel lifts"); True if it
    was answered."""
    if rehab.scan_free_text(text) is not None:
        return False  # a warning sign is never answered with general advice
    if faq.is_question(text):
        found = faq.match(text)
    elif questions_only:
        return False
    else:
        found = faq.names_topic(text)
    if found is None:
        return False
    log.info("question answered with topic %s (cues %s)", found.key, ", ".join(found.cues))
    return await _send_answer(update, context, found.key)


async def offer_topics(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An unmatched question: what I can explain, as buttons, and /help."""
    chat = update.effective_chat
    if chat is not None:
        await context.bot.send_message(
            chat.id, texts.LEARN_NO_MATCH, reply_markup=topics_keyboard()
        )
