"""Red-flag words in free text ("snap", "pop", "swollen calf", …): confirm, then act."""

from __future__ import annotations

from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot import flows, texts
from bot.callbacks import flow_data
from bot.context import runtime_of
from bot.flows import FlowSpec
from bot.handlers.session import refuse
from service_layer import safety
from service_layer.flow_data import RedFlagData
from service_layer.flows import FlowView

# Typed answers in every language we speak (the hint asks for yes or no in the person's words).
YES_WORDS = frozenset({"yes", "y", "yeah", "yep", "ja", "sí", "si", "да", "ага"})
NO_WORDS = frozenset({"no", "n", "nope", "nein", "нет", "не"})


def _keyboard(version: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(texts.REDFLAG_YES, callback_data=flow_data(version, "y")),
                InlineKeyboardButton(texts.REDFLAG_NO, callback_data=flow_data(version, "n")),
            ]
        ]
    )


async def _ask(
    context: ContextTypes.DEFAULT_TYPE, chat_id: int, question: str, version: int
) -> None:
    await context.bot.send_message(
        chat_id,
        texts.REDFLAG_QUESTION.format(question=escape(question)),
        reply_markup=_keyboard(version),
    )


async def screen(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> bool:
    """If the text suggests a red flag, ask the engine's confirmation question."""
    user = update.effective_user
    chat = update.effective_chat
    if user is None or chat is None:
        return False
    suspicion = await safety.suspect(runtime_of(context), user.id, text)
    if suspicion is None:
        return False
    question = texts.red_flag_suspected(suspicion.code, suspicion.matched)
    await _ask(context, chat.id, question, suspicion.version)
    return True


async def _answer(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    flow: FlowView,
    flagged: bool,
    payload: str | None,
) -> None:
    user = update.effective_user
    chat = update.effective_chat
    if user is None or chat is None:
        return
    runtime = runtime_of(context)
    confirmed = await safety.confirm(runtime, user.id, flow, flagged, payload)
    if confirmed is None:
        await refuse(update, context)
        return
    if confirmed.flagged:
        await context.bot.send_message(
            chat.id,
            texts.REDFLAG_STOPPED.format(
                advice=escape(texts.red_flag_advice(flow.data_as(RedFlagData).code))
            ),
        )
        # The programme is stopped: the reminders go too.
        await runtime.reschedule(user.id)
        return
    await context.bot.send_message(chat.id, texts.REDFLAG_CLEARED)
    restored = confirmed.restored
    spec = flows.spec_for(restored.name) if restored is not None else None
    if restored is not None and spec is not None:
        await spec.render(update, context, restored)


async def on_button(
    update: Update, context: ContextTypes.DEFAULT_TYPE, flow: FlowView, payload: str
) -> None:
    """Yes or No to the confirmation question."""
    if payload not in ("y", "n"):
        await refuse(update, context)
        return
    await _answer(update, context, flow, payload == "y", payload)


async def on_text(
    update: Update, context: ContextTypes.DEFAULT_TYPE, flow: FlowView, text: str
) -> bool:
    """A typed yes or no; anything else gets a hint and the question again."""
    word = text.strip().lower().rstrip(".!")
    if word in YES_WORDS or word in NO_WORDS:
        await _answer(update, context, flow, word in YES_WORDS, None)
        return True
    chat = update.effective_chat
    if chat is not None:
        await context.bot.send_message(chat.id, texts.REDFLAG_HINT)
    await render(update, context, flow)
    return True


async def render(update: Update, context: ContextTypes.DEFAULT_TYPE, flow: FlowView) -> None:
    """Ask the confirmation question again."""
    chat = update.effective_chat
    if chat is not None:
        data = flow.data_as(RedFlagData)
        # A question asked before the matched words were stored: its stored English.
        question = texts.red_flag_suspected(data.code, data.matched) if data.matched else None
        await _ask(context, chat.id, question or data.question, flow.version)


# The flow this module answers (registered in bot/handlers/__init__.py, with `screen`).
FLOWS = {safety.REDFLAG_FLOW: FlowSpec(on_button, render, on_text)}
