"""Multi-step conversations whose state lives in the database (table `flows`), not in memory.

A user is in at most one flow at a time (onboarding, a session, a gate test, a settings change,
a red-flag confirmation, …). Every step has a version number; buttons carry it
(`f:<version>:<payload>`). A tap whose version is not the current one is stale: the user gets
"that button has expired" and the current step again. A repeat of the last accepted tap (a
double tap, or a second try after the next question failed to arrive) is acknowledged, stores
nothing twice, and shows the current step again.

Features plug in by registering, per flow name:
  - a button handler   (update, context, flow, payload) -> None
  - a text handler     (update, context, flow, text) -> bool  (False: not handled)
  - a renderer         (update, context, flow) -> None        (shows the current step again)
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot import texts
from bot.callbacks import CallbackDataError, unpack
from bot.context import runtime_of
from service_layer.flows import FlowView, current

log = logging.getLogger(__name__)
# The line a hold's or rest's message ends with while it counts down (texts.SESSION_COUNTDOWN).
_COUNTDOWN = re.compile(
    "\n" + re.escape(texts.SESSION_COUNTDOWN).replace(r"\{seconds\}", r"\d+") + "$"
)


ButtonHandler = Callable[[Update, ContextTypes.DEFAULT_TYPE, FlowView, str], Awaitable[None]]
TextHandler = Callable[[Update, ContextTypes.DEFAULT_TYPE, FlowView, str], Awaitable[bool]]
Renderer = Callable[[Update, ContextTypes.DEFAULT_TYPE, FlowView], Awaitable[None]]


@dataclass
class FlowSpec:
    on_button: ButtonHandler
    render: Renderer
    on_text: TextHandler | None = None
    # A tap that leaves its message's buttons live (a menu edited in place); default: none.
    keeps_buttons: Callable[[FlowView, str], bool] | None = None


_REGISTRY: dict[str, FlowSpec] = {}


def register_flow(name: str, spec: FlowSpec) -> None:
    """Make a flow known to the dispatcher (bot/handlers/__init__.py registers every flow)."""
    _REGISTRY[name] = spec


def spec_for(name: str) -> FlowSpec | None:
    return _REGISTRY.get(name)


# -- dispatch ------------------------------------------------------------------------------------


async def show_current_step(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Render the step the user is on, or a pointer to /today when nothing is open."""
    user = update.effective_user
    message = update.effective_message
    if user is None:
        return
    flow = await current(runtime_of(context), user.id)
    spec = spec_for(flow.name) if flow else None
    if flow is not None and spec is not None:
        await spec.render(update, context, flow)
    elif message is not None:
        await context.bot.send_message(message.chat_id, texts.NOTHING_PENDING)


async def on_flow_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Route an `f:<version>:<payload>` tap to the user's current flow, if it is still current."""
    query = update.callback_query
    user = update.effective_user
    if query is None or user is None:
        return
    try:
        version_text, payload = unpack(query.data, "f", 2)
        version = int(version_text)
    except (CallbackDataError, ValueError):
        await expired(update, context)
        return
    flow = await current(runtime_of(context), user.id)
    spec = spec_for(flow.name) if flow else None
    if flow is None or spec is None:
        await expired(update, context)
        return
    if version != flow.version:
        last = flow.data.last_tap
        if last is not None and (last.version, last.payload) == (version, payload):
            # The step was answered already. Its next question may never have arrived (a
            # failure after the answer was saved): show it again, so a tap always leads on.
            await query.answer(texts.ALREADY_NOTED)
            if _tapped_a_real_button(query):
                await close_tapped(context, query)
            await spec.render(update, context, flow)
            return
        await expired(update, context)
        return
    await query.answer()
    keeps = spec.keeps_buttons is not None and spec.keeps_buttons(flow, payload)
    closing = not keeps and _tapped_a_real_button(query)
    message = query.message if isinstance(query.message, Message) else None
    if closing and message is not None:  # the handler's next question leaves it to us
        _open(context, user.id).pop(message.message_id, None)
    await spec.on_button(update, context, flow, payload)
    if closing and message is not None:
        after = await current(runtime_of(context), user.id)
        if after is None or (after.name, after.version) != (flow.name, flow.version):
            await close_tapped(context, query)  # answered and saved: the answer stays shown
        else:  # not taken (a bad value): the question is still open
            note_markup(context, user.id, message.chat_id, message.message_id, message.reply_markup)
    await close_answered(context, user.id)


# -- answered keyboards ----------------------------------------------------------------------------
# The bot remembers (in memory) which of its messages carry buttons of a flow step, and closes
# them once that step is answered: the tapped message keeps one button naming the answer, any
# other loses its buttons. After a restart the memory is empty; a tap on an old button is then
# answered as expired and that message's buttons are closed.

ANSWERED_DATA = "ans"
_OPEN = "open_flow_keyboards"


def _flow_version(markup: InlineKeyboardMarkup | None) -> int | None:
    for row in markup.inline_keyboard if markup is not None else ():
        for button in row:
            data = button.callback_data
            if isinstance(data, str) and data.startswith("f:"):
                try:
                    return int(unpack(data, "f", 2)[0])
                except (CallbackDataError, ValueError):
                    continue
    return None


def _open(context: ContextTypes.DEFAULT_TYPE, user_id: int) -> dict[int, tuple[int, int]]:
    """message id → (chat id, flow version) of the user's messages with live flow buttons."""
    open_: dict[int, dict[int, tuple[int, int]]] = context.bot_data.setdefault(_OPEN, {})
    return open_.setdefault(user_id, {})


def note_keyboard(context: ContextTypes.DEFAULT_TYPE, user_id: int, message: Message) -> None:
    """Remember a sent message whose buttons answer a flow step (so it is closed later)."""
    note_markup(context, user_id, message.chat_id, message.message_id, message.reply_markup)


def note_markup(
    context: ContextTypes.DEFAULT_TYPE,
    user_id: int,
    chat_id: int,
    message_id: int,
    markup: InlineKeyboardMarkup | None,
) -> None:
    """Remember that message `message_id` now shows `markup` (if it answers a flow step)."""
    version = _flow_version(markup)
    if version is not None:
        _open(context, user_id)[message_id] = (chat_id, version)


async def close_before(
    context: ContextTypes.DEFAULT_TYPE, user_id: int, markup: InlineKeyboardMarkup | None
) -> None:
    """Before a newer step's buttons are sent: close the buttons of the steps before it (so
    the chat never shows two live questions, and the edits come before the new question)."""
    version = _flow_version(markup)
    if version is None:
        return
    mine = _open(context, user_id)
    for message_id, (chat_id, shown) in list(mine.items()):
        if shown < version:
            del mine[message_id]
            await _edit_markup(context, chat_id, message_id, None)


def _chosen(query: CallbackQuery) -> InlineKeyboardMarkup | None:
    """The tapped message's keyboard replaced by one button naming the answer."""
    markup = query.message.reply_markup if isinstance(query.message, Message) else None
    for row in markup.inline_keyboard if markup is not None else ():
        for button in row:
            if button.callback_data == query.data:
                label = f"✓ {button.text}"
                return InlineKeyboardMarkup(
                    [[InlineKeyboardButton(label, callback_data=ANSWERED_DATA)]]
                )
    return None


def _tapped_a_real_button(query: CallbackQuery) -> bool:
    markup = query.message.reply_markup if isinstance(query.message, Message) else None
    return any(
        button.callback_data == query.data
        for row in (markup.inline_keyboard if markup is not None else ())
        for button in row
    )


async def close_tapped(context: ContextTypes.DEFAULT_TYPE, query: CallbackQuery) -> None:
    """The tapped message's buttons replaced by one naming the answer."""
    message = query.message
    if not isinstance(message, Message) or message.reply_markup is None:
        return
    if query.from_user is not None:
        _open(context, query.from_user.id).pop(message.message_id, None)
    if _COUNTDOWN.search(message.text or ""):
        # Done or Skip rest on a message that counts down: the answer replaces the buttons,
        # and the time left goes (it would say "⏱ 20 s left" for ever).
        text = _COUNTDOWN.sub("", message.text_html)
        try:
            await context.bot.edit_message_text(
                text,
                chat_id=message.chat_id,
                message_id=message.message_id,
                reply_markup=_chosen(query),
            )
            return
        except TelegramError as exc:
            log.debug("countdown of message %s not cleared: %s", message.message_id, exc)
    await _edit_markup(context, message.chat_id, message.message_id, _chosen(query))


async def _edit_markup(
    context: ContextTypes.DEFAULT_TYPE,
    chat_id: int,
    message_id: int,
    markup: InlineKeyboardMarkup | None,
) -> None:
    try:
        await context.bot.edit_message_reply_markup(chat_id, message_id, reply_markup=markup)
    except TelegramError as exc:  # gone, or already without buttons: nothing to close
        log.debug("keyboard of message %s not closed: %s", message_id, exc)


async def close_answered(context: ContextTypes.DEFAULT_TYPE, user_id: int) -> None:
    """Close every remembered keyboard of `user_id` whose step is no longer current (a typed
    answer, or a flow that ended without a new question)."""
    flow = await current(runtime_of(context), user_id)
    version = flow.version if flow is not None else None
    mine = _open(context, user_id)
    for message_id, (chat_id, shown) in list(mine.items()):
        if shown != version:
            del mine[message_id]
            await _edit_markup(context, chat_id, message_id, None)
    if not mine:
        context.bot_data.get(_OPEN, {}).pop(user_id, None)


async def on_answered_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A tap on the ✓ that stands for an answer already given: a short reply, and the step
    the person is on (in case its question never arrived)."""
    query = update.callback_query
    chat = update.effective_chat
    if query is None:
        return
    await query.answer(texts.ALREADY_ANSWERED)
    if chat is None:
        return
    await context.bot.send_message(chat.id, texts.ALREADY_ANSWERED)
    user = update.effective_user
    flow = await current(runtime_of(context), user.id) if user is not None else None
    spec = spec_for(flow.name) if flow is not None else None
    if flow is not None and spec is not None:
        mine = _open(context, flow.user_id)
        for message_id, (chat_id, _) in list(mine.items()):  # the step comes anew, below
            del mine[message_id]
            await _edit_markup(context, chat_id, message_id, None)
        await spec.render(update, context, flow)  # where they are (a lost question arrives)


async def expired(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Tell the user the button is stale and show where they are (in one message when
    nothing is waiting for an answer)."""
    query = update.callback_query
    user = update.effective_user
    if query is not None:
        await query.answer(texts.BUTTON_EXPIRED)
        if _tapped_a_real_button(query):  # a stale keyboard: its buttons go
            await close_tapped(context, query)
    chat = update.effective_chat
    if chat is None or user is None:
        return
    flow = await current(runtime_of(context), user.id)
    spec = spec_for(flow.name) if flow else None
    if flow is None or spec is None:
        await context.bot.send_message(chat.id, texts.BUTTON_EXPIRED_NOTHING_PENDING)
        return
    await context.bot.send_message(chat.id, texts.BUTTON_EXPIRED)
    await spec.render(update, context, flow)


async def on_flow_text(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> bool:
    """Offer free text to the current flow; True if it took it."""
    user = update.effective_user
    if user is None:
        return False
    flow = await current(runtime_of(context), user.id)
    spec = spec_for(flow.name) if flow else None
    if flow is None or spec is None or spec.on_text is None:
        return False
    taken = await spec.on_text(update, context, flow, text)
    if taken:
        await close_answered(context, user.id)
    return taken
