"""Onboarding and the /settings questions: rendering steps and routing answers to the service."""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape
from typing import Any

from telegram import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.ext import ContextTypes

from bot import flows, i18n, texts, views
from bot.callbacks import flow_data
from bot.context import runtime_of
from bot.edits import edit_or_send
from bot.flows import FlowSpec
from bot.keyboards import pain_rows
from service_layer import flows as flow_state
from service_layer import languages, reader, timezones
from service_layer import onboarding as ob
from service_layer import settings as settings_service
from service_layer.flow_data import OnboardingData, SettingsData, StepsData
from service_layer.flows import FlowView

BACK = "back"

# The dicts below are read at import, so they hold the English: each text and label is put
# through the catalogue (`i18n._`) where it is shown.
TEXT_HINTS = {
    ob.REST_PAIN: texts.OB_PAIN_HINT,
    ob.MORNING_PAIN: texts.OB_PAIN_HINT,
    ob.STIFFNESS: texts.OB_STIFFNESS_HINT,
    ob.HEEL_RAISES: texts.OB_COUNT_HINT,
    ob.WEIGHT: texts.OB_WEIGHT_HINT,
    ob.LOAD: texts.OB_LOAD_HINT,
    ob.ZONE: texts.OB_ZONE_HINT,
    ob.TIME1: texts.OB_TIME_HINT,
    ob.TIME2: texts.OB_TIME_HINT,
    ob.DAYS: texts.OB_DAYS_HINT,
    ob.WEEKLY_TIME: texts.OB_TIME_HINT,
    ob.CHECKIN: texts.OB_TIME_HINT,
}

CHOICES: dict[str, tuple[str, Sequence[tuple[str, str]], int]] = {
    ob.SIDE: (texts.OB_SIDE, texts.OB_SIDES, 3),
    ob.SITE: (texts.OB_SITE, texts.OB_SITES, 1),
    ob.STIFFNESS: (texts.OB_STIFFNESS, texts.OB_STIFFNESS_CHOICES, 2),
    ob.HEEL_RAISES: (texts.OB_HEEL_RAISES, texts.OB_HEEL_RAISE_CHOICES, 4),
    ob.HAS_STEP: (texts.OB_HAS_STEP, texts.OB_YES_NO, 2),
    ob.LOAD: (texts.OB_LOAD, texts.OB_LOAD_CHOICES, 3),
    ob.GYM: (texts.OB_GYM, texts.OB_YES_NO, 2),
    ob.ENTRY: (texts.OB_ENTRY, texts.OB_ENTRY_CHOICES, 1),
    ob.TIME1: (texts.OB_TIME1, [(t, t) for t in ob.TIME1_CHOICES], 4),
    ob.TIME2: (
        texts.OB_TIME2,
        [*((t, t) for t in ob.TIME2_CHOICES), (texts.OB_TIME2_ONCE, ob.ONCE)],
        4,
    ),
    ob.DAYS: (texts.OB_DAYS, texts.OB_DAYS_CHOICES, 2),
    ob.WEEKLY_TIME: (texts.OB_WEEKLY_TIME, [(t, t) for t in ob.WEEKLY_TIME_CHOICES], 3),
    ob.CHECKIN: (texts.OB_CHECKIN, [(t, t) for t in ob.CHECKIN_CHOICES], 3),
}


def _keyboard(
    flow: FlowView, options: Sequence[tuple[str, str]], per_row: int = 2, back: bool = True
) -> InlineKeyboardMarkup:
    buttons = [
        InlineKeyboardButton(i18n._(label), callback_data=flow_data(flow.version, payload))
        for label, payload in options
    ]
    rows = [buttons[i : i + per_row] for i in range(0, len(buttons), per_row)]
    if back and flow.data_as(StepsData).history:
        rows.append([InlineKeyboardButton(texts.OB_BACK, callback_data=_back(flow))])
    return InlineKeyboardMarkup(rows)


def _back(flow: FlowView) -> str:
    return flow_data(flow.version, BACK)


async def _send(
    context: ContextTypes.DEFAULT_TYPE, chat_id: int, text: str, markup: Any = None
) -> Message:
    if isinstance(markup, InlineKeyboardMarkup):
        await flows.close_before(context, chat_id, markup)
    sent = await context.bot.send_message(chat_id, text, reply_markup=markup)
    flows.note_keyboard(context, chat_id, sent)  # a private chat: its id is the user's
    return sent


async def render(update: Update, context: ContextTypes.DEFAULT_TYPE, flow: FlowView) -> None:
    """Show the step `flow` is on (a new message, so old buttons stay visibly behind)."""
    chat = update.effective_chat
    if chat is None:
        return
    step = flow.step
    if step == ob.TIME2:
        first = str(flow.data_as(StepsData).answers.get(ob.TIME1) or "")
        seconds = [(t, t) for t in ob.second_time_choices(first)]
        seconds.append((texts.OB_TIME2_ONCE, ob.ONCE))
        await _send(context, chat.id, texts.OB_TIME2, _keyboard(flow, seconds, 4))
    elif step == ob.CHECKIN:
        first_time = await ob.first_session_time(runtime_of(context), flow)
        checkins = [(t, t) for t in ob.checkin_choices(first_time)]
        await _send(context, chat.id, texts.OB_CHECKIN, _keyboard(flow, checkins, 3))
    elif step in CHOICES:
        question, options, per_row = CHOICES[step]
        await _send(context, chat.id, i18n._(question), _keyboard(flow, options, per_row))
    elif step == ob.WELCOME:
        await _send(context, chat.id, *_welcome(update, flow))
    elif step == ob.LANGUAGE:
        options = texts.language_buttons(i18n.current())
        await _send(context, chat.id, texts.SETTINGS_LANGUAGE_QUESTION, _keyboard(flow, options, 3))
    elif step == ob.FLAGS:
        questions = "\n".join(
            f"• {escape(texts.red_flag_question(flag.code))}" for flag in ob.red_flags()
        )
        options = [(texts.OB_FLAGS_NONE, "none"), (texts.OB_FLAGS_SOME, "some")]
        await _send(
            context,
            chat.id,
            texts.OB_FLAGS.format(questions=questions),
            _keyboard(flow, options, 1),
        )
    elif step == ob.RF:
        checklist = ob.red_flags()
        index = flow.data_as(OnboardingData).red_flag_index
        text = texts.OB_RF_QUESTION.format(
            n=index + 1,
            total=len(checklist),
            question=escape(texts.red_flag_question(checklist[index].code)),
        )
        await _send(context, chat.id, text, _keyboard(flow, texts.OB_YES_NO))
    elif step == ob.FLAGGED:
        flag = flow.data_as(OnboardingData).flag
        advice = escape(texts.red_flag_advice(flag.code) if flag is not None else "")
        cleared = await ob.clearance(runtime_of(context), flow)
        if cleared.offered:
            name = texts.red_flag_name(cleared.code)
            text = texts.OB_FLAGGED_AGAIN.format(advice=advice, flag=escape(name))
            await _send(
                context, chat.id, text, _keyboard(flow, [(texts.OB_FLAGGED_CLEARED, "ok")], 1)
            )
        else:  # never in the same sitting: the clearance is offered from tomorrow
            await _send(context, chat.id, texts.OB_FLAGGED.format(advice=advice))
    elif step == ob.CLEARED:
        cleared = await ob.clearance(runtime_of(context), flow)
        await _send(
            context,
            chat.id,
            texts.OB_CLEARED_CONFIRM.format(flag=escape(texts.red_flag_name(cleared.code))),
            _keyboard(flow, [(texts.OB_CLEARED_YES, "yes")], 1),
        )
    elif step in (ob.REST_PAIN, ob.MORNING_PAIN):
        question = texts.OB_REST_PAIN if step == ob.REST_PAIN else texts.OB_MORNING_PAIN
        rows = pain_rows(lambda v: flow_data(flow.version, str(v)))
        rows.append([InlineKeyboardButton(texts.OB_BACK, callback_data=_back(flow))])
        await _send(context, chat.id, question, InlineKeyboardMarkup(rows))
    elif step == ob.WEIGHT:
        await _send(context, chat.id, texts.OB_WEIGHT, _keyboard(flow, []))
    elif step == ob.ZONE:
        await _send(context, chat.id, texts.OB_ZONE_SHARE, _location_keyboard())
        await _send(context, chat.id, texts.OB_ZONE, _keyboard(flow, views.zone_choices(), 2))
    elif step == ob.ZONE_OK:
        await _render_zone_ok(context, chat.id, flow)
    elif step == ob.DONE:
        await _render_summary(context, chat.id, flow)
    elif step == ob.MENU:
        await _render_menu(context, chat.id, flow)


def _welcome(update: Update, flow: FlowView) -> tuple[str, InlineKeyboardMarkup]:
    """The greeting, the language it is in and the buttons: begin, or another language."""
    name = update.effective_user.first_name if update.effective_user else ""
    text = f"{texts.greeting(name)}\n\n{texts.OB_WELCOME}\n\n{texts.OB_LANGUAGE}"
    begin = [InlineKeyboardButton(texts.OB_BEGIN, callback_data=flow_data(flow.version, "go"))]
    switch = [
        InlineKeyboardButton(
            label, callback_data=flow_data(flow.version, ob.LANGUAGE_BUTTON + code)
        )
        for label, code in texts.language_buttons(i18n.current())
    ]
    return text, InlineKeyboardMarkup([begin, switch])


async def _on_language_button(
    update: Update, context: ContextTypes.DEFAULT_TYPE, flow: FlowView, language: str
) -> None:
    """A language tapped on the welcome: stored, and the welcome shown again in place, in it
    (so is everything after it)."""
    chat = update.effective_chat
    if chat is None:
        return
    moved = await ob.choose_language(runtime_of(context), flow, language)
    if moved is None:  # not a language we speak (a forged button): the welcome stays as it is
        await _send(context, chat.id, texts.OB_USE_BUTTONS)
        return
    i18n.speak(language)
    text, markup = _welcome(update, moved)
    query = update.callback_query
    message = query.message if query is not None else None
    if message is None:  # the language typed: the welcome again, below
        await _send(context, chat.id, text, markup)
        return
    await edit_or_send(context.bot, chat.id, message.message_id, text, markup)
    # Its buttons are the new version's: closed once the welcome is answered.
    flows.note_markup(context, chat.id, chat.id, message.message_id, markup)


def _location_keyboard() -> ReplyKeyboardMarkup:
    return ReplyKeyboardMarkup(
        [[KeyboardButton(texts.OB_ZONE_LOCATION, request_location=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


async def _render_zone_ok(context: ContextTypes.DEFAULT_TYPE, chat_id: int, flow: FlowView) -> None:
    zone = str(flow.data_as(StepsData).answers.get(ob.ZONE) or "UTC")
    local = timezones.local_time(zone, runtime_of(context).now())
    await _send(
        context, chat_id, texts.OB_ZONE_FOUND.format(zone=escape(zone)), ReplyKeyboardRemove()
    )
    text = texts.OB_ZONE_OK.format(time=i18n.clock(local), day=i18n.weekday_long(local.weekday()))
    await _send(context, chat_id, text, _keyboard(flow, texts.OB_ZONE_OK_CHOICES, 1))


async def _render_summary(context: ContextTypes.DEFAULT_TYPE, chat_id: int, flow: FlowView) -> None:
    runtime = runtime_of(context)
    start = await ob.starting_point(runtime, flow.user_id)
    if start is None:
        await _send(context, chat_id, texts.OB_NOT_STARTED)
        return
    lines = [
        texts.OB_EXERCISE_LINE.format(
            name=escape(texts.exercise_name(ex.exercise_id, ex.name)), dose=escape(dose_text(ex))
        )
        for ex in start.plan.exercises
    ]
    assessment = escape(texts.assessment_summary(start.assessment))
    if start.assessment.suggest_assessment:
        assessment += f"\n{texts.OB_SUMMARY_PHYSIO}"
    next_text = views.when_words(await settings_service.next_session_at(runtime, flow.user_id))
    text = texts.OB_SUMMARY.format(
        assessment=assessment,
        stage=start.plan.stage,
        exercises="\n".join(lines),
        next=escape(next_text or texts.OB_SUMMARY_FALLBACK),
    )
    options = [(texts.OB_START_NOW, "start"), (texts.OB_WAIT, "wait")]
    await _send(context, chat_id, text, _keyboard(flow, options, 1, back=False))


def dose_text(ex: Any) -> str:
    """A one-line dose: sets × reps or hold, with load, tempo and rest."""
    return texts.dose_text(ex, tempo=True, rest=True)


async def _render_menu(
    context: ContextTypes.DEFAULT_TYPE,
    chat_id: int,
    flow: FlowView,
    edit: CallbackQuery | None = None,
) -> bool:
    """The /settings menu: a new message, or the tapped one edited in place (`edit`).
    Returns whether the weekly summary is on."""
    view = await settings_service.describe(runtime_of(context), flow.user_id)
    if view is None:
        await _send(context, chat_id, texts.NOT_ONBOARDED)
        return False
    options = list(texts.SETTINGS_CHOICES)
    toggle = texts.SETTINGS_SUMMARY_ON if view.weekly_summary else texts.SETTINGS_SUMMARY_OFF
    options += [(texts.SETTINGS_LANGUAGE, ob.LANGUAGE), (toggle, "summary")]
    options += [(texts.SETTINGS_CLOSE, "close")]
    markup = _keyboard(flow, options, 2, back=False)
    if edit is not None:
        message = edit.message
        await edit_or_send(
            context.bot,
            chat_id,
            message.message_id if message else None,
            views.settings_menu_text(view),
            markup,
        )
        if message is not None:  # its buttons are the new step's: closed once it is answered
            flows.note_markup(context, chat_id, chat_id, message.message_id, markup)
    else:
        await _send(context, chat_id, views.settings_menu_text(view), markup)
    return view.weekly_summary


# -- answers -----------------------------------------------------------------------------------

FIXED_BUTTONS: dict[str, dict[str, Any]] = {
    ob.WELCOME: {"go": True},
    ob.FLAGS: {"none": True, "some": False},
    ob.RF: {"yes": True, "no": False},
    ob.FLAGGED: {"ok": True},
    ob.CLEARED: {"yes": True},
}


async def on_button(
    update: Update, context: ContextTypes.DEFAULT_TYPE, flow: FlowView, payload: str
) -> None:
    """A tap on the current step (the flow dispatcher checked it is current and answered it)."""
    runtime = runtime_of(context)
    chat = update.effective_chat
    if chat is None:
        return
    if payload == BACK:
        outcome = await ob.go_back(runtime, flow)
        await _after(update, context, outcome)
        return
    if payload == GUESS_NO:
        await _send(context, chat.id, texts.GUESS_AGAIN)
        return
    if payload.startswith(ob.CONFIRMED):
        value = ob.value_from_button(flow.step, payload)
        if value is None:
            await _send(context, chat.id, texts.OB_USE_BUTTONS)
            return
        await _submit(update, context, flow, value, payload)
        return
    if flow.step == ob.DONE:
        await _on_summary_button(update, context, flow, payload)
        return
    if flow.step == ob.MENU:
        await _on_menu_button(update, context, flow, payload)
        return
    if flow.step == ob.WELCOME and payload.startswith(ob.LANGUAGE_BUTTON):
        await _on_language_button(update, context, flow, payload.removeprefix(ob.LANGUAGE_BUTTON))
        return
    fixed = FIXED_BUTTONS.get(flow.step)
    value = fixed.get(payload) if fixed is not None else ob.value_from_button(flow.step, payload)
    if value is None:
        await _send(context, chat.id, texts.OB_USE_BUTTONS)
        await render(update, context, flow)
        return
    await _submit(update, context, flow, value, payload)


async def _submit(
    update: Update, context: ContextTypes.DEFAULT_TYPE, flow: FlowView, value: Any, payload: str
) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    problem = await ob.check_time(runtime_of(context), flow, value)
    if problem is not None:
        options = [(t, f"{ob.CONFIRMED}{t}") for t in problem.fixes]
        if problem.offer_once:
            options.append((texts.OB_TIME2_ONCE, ob.ONCE))
        text = views.time_problem_text(problem)
        await _send(context, chat.id, text, _keyboard(flow, options, 3, back=False))
        return
    outcome = await ob.answer(runtime_of(context), flow, value, payload=payload)
    await _after(update, context, outcome)


async def _after(update: Update, context: ContextTypes.DEFAULT_TYPE, outcome: ob.Outcome) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    user = update.effective_user
    if outcome.saved == ob.LANGUAGE and user is not None:
        # The confirmation is the first message in the new language.
        i18n.speak(await languages.language_of(runtime_of(context), user.id))
        await _send(context, chat.id, texts.SETTINGS_LANGUAGE_SAVED)
    elif outcome.saved is not None:
        text = texts.settings_saved(outcome.saved)
        if outcome.saved in texts.SETTINGS_TIME_KEYS and user is not None:
            now = await settings_service.times_saved(runtime_of(context), user.id)
            if now is not None:  # every time, in the person's zone
                text = f"{text}\n\n{views.times_now_text(now)}"
        await _send(context, chat.id, text)
    elif outcome.flow is None:
        await flows.expired(update, context)
    else:
        await render(update, context, outcome.flow)


async def _on_summary_button(
    update: Update, context: ContextTypes.DEFAULT_TYPE, flow: FlowView, payload: str
) -> None:
    runtime = runtime_of(context)
    chat = update.effective_chat
    if chat is None:
        return
    if payload == "start":
        await ob.finish(runtime, flow.user_id)
        from bot.handlers.session import open_session

        await open_session(update, context)
    elif payload == "wait":
        await ob.finish(runtime, flow.user_id)
        next_text = views.when_words(await settings_service.next_session_at(runtime, flow.user_id))
        await _send(
            context,
            chat.id,
            texts.OB_WAITING.format(next=escape(next_text or texts.OB_SUMMARY_FALLBACK)),
        )
    else:
        await _send(context, chat.id, texts.OB_USE_BUTTONS)


async def _on_menu_button(
    update: Update, context: ContextTypes.DEFAULT_TYPE, flow: FlowView, payload: str
) -> None:
    runtime = runtime_of(context)
    chat = update.effective_chat
    if chat is None:
        return
    if payload == "close":
        await settings_service.close(runtime, flow.user_id)
        await _send(context, chat.id, texts.SETTINGS_CLOSED)
    elif payload == "summary":
        moved = await settings_service.toggle_summary(runtime, flow)
        if moved is None:
            await _send(context, chat.id, texts.NOT_ONBOARDED)
            return
        # The menu is edited in place: its summary line and button show the new setting, and
        # its buttons (Done included) keep working.
        enabled = await _render_menu(context, chat.id, moved, update.callback_query)
        state = texts.SETTINGS_ON if enabled else texts.SETTINGS_OFF
        await _send(context, chat.id, texts.SETTINGS_SUMMARY_SAVED.format(state=state))
    else:
        await _after(update, context, await ob.choose_setting(runtime, flow, payload))


async def on_text(
    update: Update, context: ContextTypes.DEFAULT_TYPE, flow: FlowView, text: str
) -> bool:
    """Typed answers (numbers, weight, zone, times, days); anything else gets a hint."""
    chat = update.effective_chat
    if chat is None:
        return False
    reading = ob.read_answer(flow.step, text)
    if reading is None:
        payload = typed_choice(flow.step, text)
        if payload is not None:  # "mid", "not sure": as if the button was tapped
            await on_button(update, context, flow, payload)
            return True
        language = reader.read_language(text) if flow.step == ob.WELCOME else None
        if language is not None:  # "español" typed on the welcome: as if its button was tapped
            await _on_language_button(update, context, flow, language)
            return True
        if flow.step == ob.FLAGGED:  # the advice itself says what to do next
            await render(update, context, flow)
            return True
        # One short line; the question and its buttons are still just above.
        await _send(context, chat.id, i18n._(TEXT_HINTS.get(flow.step, texts.OB_USE_BUTTONS)))
        return True
    plain = ob.plain_answer(flow.step, reading.value)
    shown = views.shown_answer(flow.step, reading.value, _zone_of(flow))
    if not reading.sure or (ob.is_time_step(flow.step) and text.strip() != plain):
        # A guess, or a time said another way: shown back (with the zone) before it is kept.
        options = [
            (texts.GUESS_YES.format(answer=shown), f"{ob.CONFIRMED}{plain}"),
            (texts.GUESS_NO, GUESS_NO),
        ]
        await _send(
            context,
            chat.id,
            texts.DID_YOU_MEAN.format(answer=escape(shown)),
            _keyboard(flow, options, 1, back=False),
        )
        return True
    await _submit(update, context, flow, reading.value, payload=f"text:{text.strip()[:40]}")
    return True


GUESS_NO = "guess_no"


def _zone_of(flow: FlowView) -> str | None:
    data = flow.data_as(StepsData)
    zone = data.answers.get(ob.ZONE) or (data.zone if isinstance(data, SettingsData) else None)
    return str(zone) if zone else None


# Button steps whose answer may also be typed (the label, or its first word: "mid", "yes").
TYPED_CHOICES: dict[str, Sequence[tuple[str, str]]] = {
    ob.SIDE: texts.OB_SIDES,
    ob.SITE: texts.OB_SITES,
    ob.HAS_STEP: texts.OB_YES_NO,
    ob.GYM: texts.OB_YES_NO,
    ob.RF: texts.OB_YES_NO,
    ob.ZONE_OK: texts.OB_ZONE_OK_CHOICES,
    ob.DONE: ((texts.OB_START_NOW, "start"), (texts.OB_WAIT, "wait")),
}


def _words(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.casefold()).split())


def typed_choice(step: str, text: str) -> str | None:
    """The payload of the button on `step` that typed `text` names, or None."""
    typed = _words(text)
    if not typed:
        return None
    if step == ob.DONE and reader.read_action(text, "go"):  # "start", "go", "let's go"
        return "start"
    for label, payload in TYPED_CHOICES.get(step, ()):
        for said in {i18n._(label), label}:  # the person's words, or the English
            words = _words(said)
            if words and typed in (words, words.split()[0]):
                return payload
    return None


async def on_location(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A shared location: the time zone step takes it, elsewhere it gets a pointer."""
    message = update.effective_message
    user = update.effective_user
    if message is None or message.location is None or user is None:
        return
    flow = await flow_state.current(runtime_of(context), user.id)
    if (
        flow is None
        or flow.name not in (ob.ONBOARDING_FLOW, ob.SETTINGS_FLOW)
        or (flow.step != ob.ZONE)
    ):
        await message.reply_text(texts.OB_ZONE_NOT_NOW)
        return
    zone = timezones.zone_from_location(message.location.latitude, message.location.longitude)
    if zone is None:
        await message.reply_text(texts.OB_ZONE_HINT)
        await render(update, context, flow)
        return
    await _submit(update, context, flow, zone, payload=f"loc:{zone}")


async def parked_render(update: Update, context: ContextTypes.DEFAULT_TYPE, flow: FlowView) -> None:
    """An onboarding left with /cancel: point to /start."""
    if update.effective_chat is not None:
        await _send(context, update.effective_chat.id, texts.OB_PARKED)


async def parked_button(
    update: Update, context: ContextTypes.DEFAULT_TYPE, flow: FlowView, payload: str
) -> None:
    """A button of a parked onboarding: nothing happens, the user is pointed to /start."""
    await parked_render(update, context, flow)


async def start_or_resume(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """/start for someone not onboarded: resume their setup or begin it. False if onboarded."""
    user = update.effective_user
    chat = update.effective_chat
    if user is None or chat is None:
        return True
    runtime = runtime_of(context)
    flow = await ob.resume(runtime, user.id)
    if flow is not None:
        if flow.step != ob.WELCOME:
            await _send(context, chat.id, texts.OB_WELCOME_BACK)
        await render(update, context, flow)
        return True
    if await settings_service.is_onboarded(runtime, user.id):
        return False
    await render(update, context, await ob.begin(runtime, user.id))
    return True


def _keeps_buttons(flow: FlowView, payload: str) -> bool:
    """The menu's summary toggle and the welcome's language buttons edit their message in
    place, its buttons live."""
    if flow.step == ob.WELCOME:
        return payload.startswith(ob.LANGUAGE_BUTTON)
    return flow.step == ob.MENU and payload == "summary"


# The flows this module answers (registered in bot/handlers/__init__.py).
FLOWS = {
    ob.ONBOARDING_FLOW: FlowSpec(on_button, render, on_text, _keeps_buttons),
    ob.SETTINGS_FLOW: FlowSpec(on_button, render, on_text, _keeps_buttons),
    ob.PARKED_FLOW: FlowSpec(parked_button, parked_render),
}
