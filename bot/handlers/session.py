"""The guided session in chat: exercise cards, Go, timers, pain after every set, the summary.

The position lives in the database (service_layer/sessions.py); this module only shows it. Timers
run on the job queue, carry ids only, and do nothing when the user has moved on.
"""

from __future__ import annotations

import logging
from html import escape
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest, RetryAfter
from telegram.ext import ContextTypes

import rehab
from bot import flows, i18n, texts, views
from bot.callbacks import flow_data
from bot.context import runtime_of
from bot.flows import FlowSpec
from bot.handlers import learn
from bot.html_fit import send_long
from bot.keyboards import pain_keyboard
from service_layer import reader, sessions
from service_layer import settings as settings_service
from service_layer.flow_data import SessionData
from service_layer.flows import FlowView
from service_layer.sessions import OpenKind, Outcome, Position, Step, Summary

log = logging.getLogger(__name__)

MIN_TIMER_S = 0.05
# The hold and rest messages show the time left, edited this often (seconds of session time).
COUNTDOWN_EVERY_S = 5
JOB_PREFIX = "session-timer"


# -- presentation --------------------------------------------------------------------------------


def _g(value: float) -> str:
    """Seconds or minutes as the person writes numbers (`1.5`, `1,5`; `3`, not `3.0`)."""
    return i18n.number(value, 2)


def describe_dose(ex: rehab.ExercisePrescription) -> str:
    """One line for the exercise card and /today: sets × reps or hold, stance, load and rest."""
    return texts.dose_text(ex, stance=True, rest=True)


def per_set(ex: rehab.ExercisePrescription) -> str:
    """What one set is: "20 s hold", "15 reps, +5 kg", "20 contacts" (only one leg is worth a
    word in the short set header)."""
    return texts.dose_text(ex, sets=False, stance=ex.stance == rehab.Stance.SINGLE_LEG)


def exercise_card(ex: rehab.ExercisePrescription) -> str:
    """Name, a short how-to, the dose, where and the tempo."""
    tempo = ""
    if ex.tempo_s:
        up, down = ex.tempo_s
        if ex.pause_top_s:
            tempo = texts.CARD_TEMPO_PAUSE.format(
                up=_g(up), down=_g(down), seconds=_g(ex.pause_top_s)
            )
        else:
            tempo = texts.CARD_TEMPO.format(up=_g(up), down=_g(down))
    return texts.CARD_TEMPLATE.format(
        name=escape(texts.exercise_name(ex.exercise_id, ex.name)),
        how_to=escape(texts.exercise_how_to(ex.exercise_id) or ex.how_to),
        dose=escape(describe_dose(ex)),
        surface=texts.SURFACE_MACHINE
        if texts.is_machine(ex.exercise_id)
        else texts.surface_name(str(ex.surface)),
        tempo=tempo,
    )


def set_seconds(ex: rehab.ExercisePrescription) -> float | None:
    """How long a set takes when the bot times it (holds and slow reps); None: the user says."""
    if ex.kind == rehab.ExerciseKind.RUN:
        return 60.0 * (ex.reps or 1) * ((ex.walk_min or 0) + (ex.jog_min or 0))
    if ex.hold_s:
        return float(ex.hold_s * max(ex.reps or 1, 1))
    if ex.tempo_s and ex.reps:
        up, down = ex.tempo_s
        return float(ex.reps * (up + down + (ex.pause_top_s or 0)))
    return None


def run_phases(ex: rehab.ExercisePrescription) -> list[tuple[float, str]]:
    """The walk-jog's switches: (seconds from the start, what to say), after the first walk."""
    walk, jog, rounds = ex.walk_min or 0, ex.jog_min or 0, ex.reps or 1
    out: list[tuple[float, str]] = []
    if not walk:
        return out
    for k in range(rounds):
        start = 60.0 * k * (walk + jog)
        if k > 0:
            text = texts.SESSION_RUN_WALK.format(minutes=_g(walk), round=k + 1, rounds=rounds)
            out.append((start, text))
        text = texts.SESSION_RUN_JOG.format(minutes=_g(jog), round=k + 1, rounds=rounds)
        out.append((start + 60.0 * walk, text))
    return out


def set_cue(ex: rehab.ExercisePrescription) -> str:
    """What to do now, in one message (never edited every second)."""
    if ex.kind == rehab.ExerciseKind.RUN:
        if not ex.walk_min:
            return texts.SESSION_RUN_CONTINUOUS_CUE.format(jog=_g(ex.jog_min or 0))
        return texts.SESSION_RUN_CUE.format(
            walk=_g(ex.walk_min), jog=_g(ex.jog_min or 0), reps=ex.reps or 1
        )
    if ex.hold_s:
        return texts.SESSION_HOLD_CUE.format(seconds=ex.hold_s)
    if ex.tempo_s and ex.reps:
        up, down = ex.tempo_s
        if ex.pause_top_s:
            cue = texts.SESSION_TEMPO_CUE_PAUSE.format(
                reps=ex.reps, up=_g(up), down=_g(down), seconds=_g(ex.pause_top_s)
            )
        else:
            cue = texts.SESSION_TEMPO_CUE.format(reps=ex.reps, up=_g(up), down=_g(down))
        return f"{cue}\n{texts.SESSION_TEMPO_DONE}"
    return texts.reps_cue(ex.reps, ex.contacts)


def effort_choices(ex: rehab.ExercisePrescription) -> tuple[tuple[str, str], ...]:
    """Easy / right / hard, in words that fit the exercise (a hold has no reps left)."""
    return texts.session_efforts(bool(ex.hold_s))


def _button(label: str, position: Position, action: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        label, callback_data=flow_data(position.version, f"{position.session_id}:{action}")
    )


def _ready_keyboard(position: Position) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [_button(texts.SESSION_GO, position, "go")],
            [
                _button(texts.SESSION_PAUSE, position, "pause"),
                _button(texts.SESSION_ABANDON, position, "abandon"),
            ],
        ]
        + ([row] if (row := learn.show_me_row(position.exercise)) else [])
    )


def _pain_markup(position: Position, action: str) -> InlineKeyboardMarkup:
    return pain_keyboard(
        lambda v: flow_data(position.version, f"{position.session_id}:{action}:{v}"),
        extra=[],
    )


async def _send(
    context: ContextTypes.DEFAULT_TYPE,
    chat_id: int,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
) -> Message:
    await flows.close_before(context, chat_id, markup)
    sent = await send_long(context.bot, chat_id, text, markup)
    flows.note_keyboard(context, chat_id, sent)  # a private chat: its id is the user's
    return sent


async def render(
    context: ContextTypes.DEFAULT_TYPE,
    position: Position,
    prefix: str | None = None,
    *,
    with_pictures: bool = True,
) -> None:
    """Show the step the session is at, with its buttons; arm the timer a step needs. Before
    the first set of an exercise the picture comes too, unless the step is only shown again
    (`with_pictures=False`: after a stray message or an expired button)."""
    ex = position.exercise
    lead = f"{prefix}\n\n" if prefix else ""
    chat = position.chat_id
    if position.step == Step.READY:
        header = texts.SESSION_SET_HEADER.format(
            set_no=position.set_no, sets=ex.sets, dose=escape(per_set(ex))
        )
        body = f"{exercise_card(ex)}\n\n{header}" if position.set_no == 1 else header
        if position.set_no == 1 and with_pictures:
            await learn.show_exercise(context, position)
        await _send(context, chat, lead + body, _ready_keyboard(position))
    elif position.step == Step.ACTIVE:
        markup = InlineKeyboardMarkup([[_button(texts.SESSION_DONE, position, "done")]])
        text = lead + set_cue(ex)
        sent = await _send(context, chat, text, markup)
        seconds = set_seconds(ex)
        if seconds is not None:
            if ex.kind == rehab.ExerciseKind.RUN:
                _arm(context, position, "set", seconds)
                _arm_run_phases(context, position, ex)  # walk and jog timers, not a countdown
            else:
                _arm(context, position, "set", seconds, (sent.message_id, text, markup))
                _arm_countdown(context, position, seconds, sent.message_id, text, markup)
    elif position.step == Step.PAIN:
        await _send(context, chat, lead + texts.SESSION_PAIN_QUESTION, _pain_markup(position, "p"))
    elif position.step == Step.REST:
        rest = ex.rest_s or 0
        markup = InlineKeyboardMarkup(
            [
                [_button(texts.SESSION_SKIP_REST, position, "skip")],
                [_button(texts.SESSION_PAUSE, position, "pause")],
            ]
        )
        text = lead + texts.SESSION_REST.format(seconds=rest)
        sent = await _send(context, chat, text, markup)
        _arm(context, position, "rest", float(rest), (sent.message_id, text, markup))
        _arm_countdown(context, position, float(rest), sent.message_id, text, markup)
    elif position.step == Step.EFFORT:
        markup = InlineKeyboardMarkup(
            [[_button(label, position, f"e:{key}")] for key, label in effort_choices(ex)]
        )
        await _send(context, chat, lead + texts.SESSION_EFFORT_QUESTION, markup)
    elif position.step == Step.AFTER:
        await _send(context, chat, lead + texts.SESSION_AFTER_QUESTION, _pain_markup(position, "a"))


def summary_text(summary: Summary, next_session: str | None = None) -> str:
    """What was done, the pain now, when the morning check-in comes, and (after a full
    session) when the next one is."""
    title = (
        texts.SESSION_SUMMARY_ENDED_TITLE if summary.ended_early else texts.SESSION_SUMMARY_TITLE
    )
    lines = [title]
    lines += [
        texts.summary_line(texts.exercise_name(e.exercise_id, e.name), e.sets, e.top_pain)
        for e in summary.exercises
    ]
    if summary.pain_after is not None:
        lines.append(texts.SESSION_SUMMARY_PAIN_AFTER.format(pain=summary.pain_after))
    if next_session and not summary.ended_early:  # in time order: it may be later today
        lines.append(texts.SESSION_SUMMARY_NEXT.format(when=escape(next_session)))
    if summary.checkin_time:
        lines.append(texts.SESSION_SUMMARY_CHECKIN.format(time=summary.checkin_time))
    else:
        lines.append(texts.SESSION_SUMMARY_CHECKIN_DEFAULT)
    return "\n".join(lines)


# -- timers --------------------------------------------------------------------------------------


def _arm(
    context: ContextTypes.DEFAULT_TYPE,
    position: Position,
    kind: str,
    seconds: float,
    counted: tuple[int, str, InlineKeyboardMarkup] | None = None,
) -> None:
    """Run the end of a hold or a rest later, on the job queue, scaled by settings.timer_scale.
    `counted`: the message that counts down to it (id, text, buttons), shown without its last
    "⏱ 5 s left" once the time is up."""
    queue = context.job_queue
    if queue is None:
        log.warning("no job queue: the %s timer of user %s cannot run", kind, position.user_id)
        return
    scale = runtime_of(context).settings.timer_scale
    data: dict[str, Any] = {
        "kind": kind,
        "user_id": position.user_id,
        "session_id": position.session_id,
        "exercise_index": position.exercise_index,
        "set_no": position.set_no,
    }
    if counted is not None and seconds > COUNTDOWN_EVERY_S:
        data["counted"] = counted
    queue.run_once(
        _on_timer,
        when=max(seconds * scale, MIN_TIMER_S),
        data=data,
        name=f"{JOB_PREFIX}:{position.user_id}",
        chat_id=position.chat_id,
        user_id=position.user_id,
    )


def _arm_countdown(
    context: ContextTypes.DEFAULT_TYPE,
    position: Position,
    seconds: float,
    message_id: int,
    text: str,
    markup: InlineKeyboardMarkup,
) -> None:
    """Edit the hold or rest message with the time left, every COUNTDOWN_EVERY_S seconds (of
    session time) and never more often: Telegram throttles frequent edits."""
    queue = context.job_queue
    if queue is None:
        return
    scale = runtime_of(context).settings.timer_scale
    ticks = int((seconds - 1) // COUNTDOWN_EVERY_S)
    for tick in range(1, ticks + 1):
        elapsed = tick * COUNTDOWN_EVERY_S
        queue.run_once(
            _on_countdown,
            when=max(elapsed * scale, MIN_TIMER_S),
            data={
                "user_id": position.user_id,
                "session_id": position.session_id,
                "at": (position.step, position.exercise_index, position.set_no),
                "message_id": message_id,
                "text": text,
                "markup": markup,
                "left": int(seconds - elapsed),
            },
            name=f"{JOB_PREFIX}:{position.user_id}",
            chat_id=position.chat_id,
            user_id=position.user_id,
        )


def _arm_run_phases(
    context: ContextTypes.DEFAULT_TYPE, position: Position, ex: rehab.ExercisePrescription
) -> None:
    """Tell the walker when to jog and when to walk again, on the job queue."""
    queue = context.job_queue
    if queue is None:
        return
    scale = runtime_of(context).settings.timer_scale
    for at, text in run_phases(ex):
        queue.run_once(
            _on_run_phase,
            when=max(at * scale, MIN_TIMER_S),
            data={
                "user_id": position.user_id,
                "session_id": position.session_id,
                "at": (position.step, position.exercise_index, position.set_no),
                "text": text,
            },
            name=f"{JOB_PREFIX}:{position.user_id}",
            chat_id=position.chat_id,
            user_id=position.user_id,
        )


async def _job_still_at_its_step(
    context: ContextTypes.DEFAULT_TYPE,
) -> tuple[int, dict[str, Any]] | None:
    """(chat id, job data) of a step's job whose user is still on that step; None once they
    have moved on (done, skipped, paused or ended)."""
    job = context.job
    if job is None or not isinstance(job.data, dict) or job.chat_id is None:
        return None
    data = job.data
    position = await sessions.position_of(runtime_of(context), data["user_id"])
    if (
        position is None
        or position.session_id != data["session_id"]
        or (position.step, position.exercise_index, position.set_no) != data["at"]
    ):
        return None
    return job.chat_id, data


async def _on_run_phase(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Walk or jog now, if the user is still on that run."""
    found = await _job_still_at_its_step(context)
    if found is not None:
        chat_id, data = found
        await _send(context, chat_id, data["text"])


async def _on_countdown(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Show the time left on the hold or rest message, if the user is still on that step."""
    found = await _job_still_at_its_step(context)
    if found is None:
        return
    chat_id, data = found
    try:
        await context.bot.edit_message_text(
            f"{data['text']}\n{texts.SESSION_COUNTDOWN.format(seconds=data['left'])}",
            chat_id=chat_id,
            message_id=data["message_id"],
            reply_markup=data["markup"],
        )
    except (BadRequest, RetryAfter) as exc:
        # Gone (deleted, too old to edit) or flood-limited: the next tick, or "Time's up",
        # says it anyway; a countdown is not worth a new message or a wait.
        log.debug("countdown of user %s not shown: %s", data["user_id"], exc)


async def _on_timer(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Time's up for a hold or a rest; does nothing if the user has moved on."""
    job = context.job
    if job is None or not isinstance(job.data, dict):
        return
    data = job.data
    runtime = runtime_of(context)
    args = (data["user_id"], data["session_id"], data["exercise_index"], data["set_no"])
    if data["kind"] == "set":
        position = await sessions.end_set(runtime, *args)
        if position is not None:
            await _end_countdown(context, position.chat_id, data)
            await render(context, position, texts.SESSION_TIMES_UP)
    else:
        position = await sessions.end_rest(runtime, *args)
        if position is not None:
            await _end_countdown(context, position.chat_id, data)
            await render(context, position, texts.SESSION_REST_OVER)


async def _end_countdown(
    context: ContextTypes.DEFAULT_TYPE, chat_id: int, data: dict[str, Any]
) -> None:
    """The time is up: the message that counted down no longer says "⏱ 5 s left" (its buttons
    close as the next step's come)."""
    if "counted" not in data:
        return
    message_id, text, markup = data["counted"]
    try:
        await context.bot.edit_message_text(
            text,
            chat_id=chat_id,
            message_id=message_id,
            reply_markup=markup,
        )
    except (BadRequest, RetryAfter) as exc:  # gone, unchanged or flood-limited: not worth more
        log.debug("countdown of chat %s not cleared: %s", chat_id, exc)


# -- entry points --------------------------------------------------------------------------------


async def open_session(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Start or continue today's session for the user of `update` (the caller answers a tap)."""
    user = update.effective_user
    chat = update.effective_chat
    if user is None or chat is None:
        return
    opened = await sessions.open_today(runtime_of(context), user.id)
    simple = {
        OpenKind.NOT_ONBOARDED: texts.NOT_ONBOARDED,
        OpenKind.STOPPED: texts.PROGRAMME_STOPPED,
        OpenKind.PAUSED: texts.SESSION_PROGRAMME_PAUSED,
        OpenKind.NOTHING_TODAY: texts.SESSION_NOTHING_TODAY,
        OpenKind.DONE_TODAY: texts.SESSION_DONE_TODAY,
        OpenKind.PAIN_STOPPED_TODAY: texts.SESSION_PAIN_STOPPED_TODAY,
    }
    if opened.kind in simple or opened.position is None:
        await _send(context, chat.id, simple.get(opened.kind, texts.NOTHING_PENDING))
        return
    position = opened.position
    intro = (
        texts.session_started(len(position.exercises))
        if opened.kind == OpenKind.STARTED
        else texts.SESSION_CONTINUED
    )
    if opened.kind == OpenKind.STARTED and (link := learn.stage_link(position.stage)):
        intro = f"{intro}\n{link}"
    if opened.note is not None:
        note = texts.with_test_hint(texts.reason_text(opened.note), opened.note_kind)
        intro = f"{note}\n\n{intro}"
    await render(context, position, intro)


async def on_open_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The Start / Continue button of /today."""
    if update.callback_query is not None:
        await update.callback_query.answer()
    await open_session(update, context)


# -- the flow "session" --------------------------------------------------------------------------


async def refuse(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """flows.expired for a tap the dispatcher has already answered: the expiry message and the
    current step again, without answering the callback query a second time."""
    chat = update.effective_chat
    if chat is not None:
        await context.bot.send_message(chat.id, texts.BUTTON_EXPIRED)
    await flows.show_current_step(update, context)


def _parse(payload: str) -> tuple[int, str, str] | None:
    """`<session_id>:<action>[:<arg>]` → (session_id, action, arg)."""
    parts = payload.split(":")
    if len(parts) not in (2, 3) or not parts[0].isdigit():
        return None
    return int(parts[0]), parts[1], parts[2] if len(parts) == 3 else ""


async def on_button(
    update: Update, context: ContextTypes.DEFAULT_TYPE, flow: FlowView, payload: str
) -> None:
    """A tap in the session; another user's session id or a stale step gets the expiry reply."""
    user = update.effective_user
    parsed = _parse(payload)
    if user is None or parsed is None or parsed[0] != flow.data_as(SessionData).session_id:
        await refuse(update, context)
        return
    session_id, action, arg = parsed
    runtime = runtime_of(context)
    handled = True
    if action == "go":
        position = await sessions.start_set(runtime, user.id, session_id, payload)
        handled = position is not None
        if position is not None:
            await render(context, position)
    elif action == "done":
        current = await sessions.position_of(runtime, user.id)
        position = None
        if current is not None:
            position = await sessions.end_set(
                runtime,
                user.id,
                session_id,
                current.exercise_index,
                current.set_no,
                payload,
                by_user=True,
            )
        handled = position is not None
        if position is not None:
            await render(context, position)
    elif action == "skip":
        current = await sessions.position_of(runtime, user.id)
        position = None
        if current is not None:
            position = await sessions.end_rest(
                runtime, user.id, session_id, current.exercise_index, current.set_no, payload
            )
        handled = position is not None
        if position is not None:
            await render(context, position)
    elif action in ("p", "a") and arg.isdigit() and 0 <= int(arg) <= 10:
        handled = await _pain(update, context, session_id, action, int(arg), payload)
    elif action == "e":
        result = await sessions.log_effort(runtime, user.id, session_id, arg, payload)
        handled = result is not None
        if result is not None:
            await render(context, result[1])
    elif action == "pause":
        handled = await sessions.pause(runtime, user.id, session_id, payload)
        if handled:
            await _send(context, _chat_of(update, user.id), texts.SESSION_PAUSED)
    elif action == "no":  # "Did you mean 3/10?" No
        await _send(context, _chat_of(update, user.id), texts.SESSION_PAIN_HINT)
    elif action == "abandon":
        handled = await sessions.abandon(runtime, user.id, session_id, payload)
        if handled:
            await _send(context, _chat_of(update, user.id), texts.SESSION_ABANDONED)
    else:
        handled = False
    if not handled:
        await refuse(update, context)


def _chat_of(update: Update, fallback: int) -> int:
    return update.effective_chat.id if update.effective_chat is not None else fallback


async def _pain(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    session_id: int,
    action: str,
    pain: int,
    payload: str | None,
) -> bool:
    """Store a pain answer (during a set, or at the end) and show what follows."""
    user = update.effective_user
    if user is None:
        return False
    runtime = runtime_of(context)
    if action == "a":
        summary = await sessions.finish(runtime, user.id, session_id, pain, payload)
        if summary is None:
            return False
        next_session = views.when_words(await settings_service.next_session_at(runtime, user.id))
        await _send(context, _chat_of(update, user.id), summary_text(summary, next_session))
        return True
    result = await sessions.log_pain(runtime, user.id, session_id, pain, payload)
    if result is None:
        return False
    noted = texts.SESSION_NOTED.format(pain=pain)
    position = result.position
    if result.outcome == Outcome.ENDED and result.summary is not None:
        ended = texts.SESSION_ENDED.format(reason=escape(texts.reason_text(result.reason)))
        await _send(context, position.chat_id, f"{noted}\n{ended}")
        await _send(context, position.chat_id, summary_text(result.summary))
        return True
    if result.action == "drop_rung" or pain > rehab.THRESHOLDS.amber_ceiling:
        # A red set: the next set is lighter, or (the exercise's last set) what happens next.
        noted += "\n" + texts.SESSION_LIGHTER.format(
            reason=escape(texts.reason_text(result.reason))
        )
    elif result.action == "stop_exercise":
        noted += "\n" + texts.SESSION_STOP_EXERCISE.format(
            reason=escape(texts.reason_text(result.reason))
        )
    await render(context, position, noted)
    return True


async def on_text(
    update: Update, context: ContextTypes.DEFAULT_TYPE, flow: FlowView, text: str
) -> bool:
    """Typed pain scores ("7", "about 2/10", "hmm maybe 3?" with a question to confirm it), and
    "go"/"start" or "done" at the step that waits for them; otherwise one short hint."""
    user = update.effective_user
    if user is None:
        return False
    runtime = runtime_of(context)
    if await sessions.close_if_left_from_an_earlier_day(runtime, user.id):
        return False  # yesterday's session is over: the text is for today (the morning question)
    position = await sessions.position_of(runtime, user.id)
    if position is None:
        return False
    chat = _chat_of(update, user.id)
    if position.step in (Step.PAIN, Step.AFTER):
        reading = reader.read_pain(text)
        action = "p" if position.step == Step.PAIN else "a"
        if reading is not None and not reading.sure:
            answer = f"{reading.value}/10"
            data = f"{position.session_id}:{action}:{reading.value}"
            markup = InlineKeyboardMarkup(
                [
                    [
                        InlineKeyboardButton(
                            texts.GUESS_YES.format(answer=answer),
                            callback_data=flow_data(position.version, data),
                        ),
                        _button(texts.GUESS_NO, position, "no"),
                    ]
                ]
            )
            await _send(context, chat, texts.DID_YOU_MEAN.format(answer=answer), markup)
            return True
        if reading is not None and await _pain(
            update, context, position.session_id, action, reading.value, None
        ):
            return True
        await _send(context, chat, texts.SESSION_PAIN_HINT)
        return True
    if position.step == Step.READY and reader.read_action(text, "go"):
        started = await sessions.start_set(runtime, user.id, position.session_id, None)
        if started is not None:
            await render(context, started)
            return True
    if position.step == Step.ACTIVE and reader.read_action(text, "done"):
        ended = await sessions.end_set(
            runtime,
            user.id,
            position.session_id,
            position.exercise_index,
            position.set_no,
            None,
            by_user=True,
        )
        if ended is not None:
            await render(context, ended)
            return True
    await _send(context, chat, texts.SESSION_USE_BUTTONS)
    return True


async def render_flow(update: Update, context: ContextTypes.DEFAULT_TYPE, flow: FlowView) -> None:
    """Show the session step again (after an expired button or a restart)."""
    user = update.effective_user
    if user is None:
        return
    position = await sessions.position_of(runtime_of(context), user.id)
    if position is None:
        await _send(context, _chat_of(update, user.id), texts.NOTHING_PENDING)
        return
    await render(context, position, with_pictures=False)


# The flow this module answers (registered in bot/handlers/__init__.py).
FLOWS = {sessions.SESSION_FLOW: FlowSpec(on_button, render_flow, on_text)}
