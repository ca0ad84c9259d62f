"""Every user-facing sentence, in one place. HTML parse mode: escape anything the user typed.

Keep each message short enough to read on a phone without scrolling.

Each text is English source for the catalogues of bot/locales (bot/i18n.py): a module-level
text is read in the language in force (`texts.GREETING` is Spanish while speaking Spanish: see
`_Catalogue` at the end), and a function words its sentences with `_()` and `ngettext()`, named
placeholders only (`{name}`), never an f-string around words a translator must see.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Sequence
from datetime import date
from html import escape
from typing import Any, Protocol, assert_never

from babel.lists import format_list

from bot import i18n
from bot.i18n import N_, _, ngettext
from rehab import Assessment, Cadence, Presentation
from rehab import reasons as rr
from rehab.outcomes import ReviewStanding
from rehab.protocol import EXERCISES, LOADS, RUN_LADDER
from service_layer.records import DayOutcome

BOTFATHER_GUIDANCE = """\
Achilles Coach needs a Telegram bot token to run.

How to get one:
  1. In Telegram, open a chat with @BotFather and send /newbot.
  2. Choose a name and a username; BotFather replies with a token like
     123456789:AAH...xyz.
  3. Put it in a file called .env next to this project:
       TELEGRAM_BOT_TOKEN=123456789:AAH...xyz
     (or export TELEGRAM_BOT_TOKEN in your shell).
See deploy/.env.example for every setting.

No token yet? `make demo` (achilles-coach demo) shows the bot working in your browser."""


def commands() -> tuple[tuple[str, str], ...]:
    """The command menu: each command with its description in the language in force."""
    return (
        ("start", _("Begin, or see where you are")),
        ("today", _("Today's session")),
        ("plan", _("This week's plan")),
        ("stage", _("Your stage and the next step")),
        ("test", _("Take a test that is due")),
        ("progress", _("Chart of your progress")),
        ("history", _("The last 14 days")),
        ("pause", _("Pause reminders")),
        ("resume", _("Resume reminders")),
        ("settings", _("Language, times, zone, weight")),
        ("export", _("Download your data")),
        ("delete", _("Delete all your data")),
        ("learn", _("Why the programme works")),
        ("about", _("What this is based on")),
        ("help", _("List the commands")),
        ("cancel", _("Leave the current step")),
    )


def greeting(first_name: str) -> str:
    return _(
        "Hi {name}! I'm Achilles Coach. I guide you through a 12-week exercise "
        "programme for Achilles tendon pain, one set at a time, with your pain as the guide."
    ).format(name=escape(first_name))


def help_text() -> str:
    lines = [_("<b>What I can do</b>")]
    lines += [
        _("/{command} – {description}").format(command=name, description=escape(description))
        for name, description in commands()
    ]
    return "\n".join(lines)


# After a failure: nothing was stored (tap or send it again), or it was (here is where you are).
ERROR_NOT_SAVED = (
    "Sorry, that didn't go through on my side, so nothing was changed. "
    "Please tap the button or send it again in a moment."
)
ERROR_SAVED = (
    "Sorry, something went wrong on my side after I saved your answer. It is kept. "
    "Here is where you are now:"
)

PRIVATE_ONLY = (
    "I only talk one-to-one. Open a private chat with me to use me; "
    "nothing about anyone is shown here."
)
PRIVATE_ONLY_SHORT = "I only talk one-to-one: open a private chat with me."

BUTTON_EXPIRED = "That button has expired. Here is where you are now:"
BUTTON_EXPIRED_NOTHING_PENDING = (
    "That button has expired, and nothing is waiting for an answer right now. "
    "/today shows your next session."
)
ALREADY_NOTED = "Already noted ✓"
ALREADY_ANSWERED = "You've answered that one already ✓"
DID_YOU_MEAN = "Did you mean {answer}?"
GUESS_YES = "Yes, {answer}"
GUESS_NO = "No"
GUESS_AGAIN = "OK, please type it again or tap a button above."
# An answer shown back to be confirmed (views.shown_answer): "Did you mean 07:30 (Berlin time)?"
ANSWER_TIME_IN_ZONE = "{time} ({place} time)"
ANSWER_YES = "yes"
ANSWER_NO = "no"
ANSWER_KG = "{kg} kg"
ANSWER_MINUTES = "{minutes} min"
NOTHING_PENDING = "Nothing is waiting for an answer right now. /today shows your next session."
UNEXPECTED_TEXT = (
    "I didn't catch that. Use the buttons above, or /today for your session and /help for "
    "everything I can do."
)
UNKNOWN_COMMAND = "I don't know that command. /help lists what I can do."


# --- reminders and check-ins (scheduler) ---

REMINDER_START = "▶️ Start"
REMINDER_SNOOZE = "⏰ Snooze 30 min"
REMINDER_SKIP = "Skip today"
REMINDER_ON_TIME = "⏰ Time for your Achilles session."
REMINDER_LATE = "⏰ Sorry this comes late, I was offline for a bit. Your session is still on."
REMINDER_SNOOZED_AGAIN = "⏰ Here is the reminder you snoozed."
REMINDER_NUDGE = (
    "Just a gentle nudge: today's session is still waiting for you. "
    "If today isn't the day, that's fine too."
)
REMINDER_TODAY = "<b>Today:</b> {dose}"
REMINDER_SNOOZE_OK = "OK, I'll remind you once more in {minutes} minutes."
REMINDER_ALREADY_SNOOZED = "Already snoozed: one more reminder is on its way."
REMINDER_SKIP_OK = "Noted: today's session is skipped. Rest up, see you next time."
REMINDER_STALE = "That reminder is no longer current. /today shows your session."
REMINDER_PAUSED = "Your reminders are paused. /resume turns them back on."
STAGE_LABEL = "Stage {stage}"
CHECKIN_QUESTION = (
    "Good morning! How did your Achilles feel in your first steps today? (0 = none, 10 = worst)"
)
CADENCE_CHANGED = "Your new stage comes with a new rhythm: I'll remind you {rhythm}."
CADENCE_TWICE_DAILY = "twice a day, at {first} and {second}"
CADENCE_ONCE_DAILY = "once a day, at {first}"
CADENCE_THREE_WEEKLY = "three times a week, on {days} at {time}"
CADENCE_WEEKLY = "once a week, on {days} at {time}"
DAYS_DEFAULTED = (
    "Which three days suit you for training? Until you choose, I'll use {days}. "
    "You can change them any time in /settings."
)
DAYS_CHOOSE = "Choose my days"


def weekday_list(days: tuple[int, ...]) -> str:
    """ "Mon, Wed and Fri" in the language in force (its own list pattern and day names)."""
    names = [i18n.weekday_short(d) for d in days if 0 <= d < 7]
    if not names:
        return ""
    language = i18n.current()
    # The bot writes British English: "Mon, Wed and Fri", without the serial comma.
    return format_list(names, locale="en_GB" if language == "en" else i18n.locale(language))


def cadence_rhythm(
    cadence: str, session_times: tuple[str, ...], days: tuple[int, ...], at: str
) -> str:
    if cadence == Cadence.TWICE_DAILY and len(session_times) >= 2:
        return _(CADENCE_TWICE_DAILY).format(first=session_times[0], second=session_times[1])
    if cadence in (Cadence.TWICE_DAILY, Cadence.ONCE_DAILY) and session_times:
        return _(CADENCE_ONCE_DAILY).format(first=session_times[0])
    template = _(CADENCE_WEEKLY) if cadence == Cadence.WEEKLY else _(CADENCE_THREE_WEEKLY)
    return template.format(days=weekday_list(days), time=at)


# --- guided session, check-in answers, /today /plan /stage /test, red flags (session) ---

NOT_ONBOARDED = (
    "We haven't set up your programme yet. Send /start and I'll ask a few quick questions first."
)
OB_IN_SETUP = (
    "We're still setting up your programme: answer the question above, or send /start to see "
    "it again."
)
PROGRAMME_STOPPED = (
    "Your programme is stopped because of a possible warning sign. Please get checked by a "
    "clinician first; once you're cleared, /start lets you begin again."
)
SESSION_NOTHING_TODAY = "No session today: rest days are part of the plan. /plan shows the week."
SESSION_PROGRAMME_PAUSED = "Your programme is paused, so no session for now. /resume picks it up."
SESSION_DONE_TODAY = "You've done today's sessions. Well done! /plan shows what's next."
SESSION_PAIN_STOPPED_TODAY = (
    "Today's session stopped because it hurt too much, so no more training today. "
    "I'll ask about your morning pain tomorrow."
)
SESSION_CONTINUED = "Welcome back! Picking up where you left off."
SESSION_GO = "▶️ Go"
SESSION_DONE = "✅ Done"
SESSION_PAUSE = "⏸ Pause"
SESSION_ABANDON = "✖️ End session"
SESSION_SKIP_REST = "⏭ Skip rest"
SESSION_START_BUTTON = "▶️ Start"
SESSION_CONTINUE_BUTTON = "▶️ Continue"
SESSION_PAUSED = "Paused. Your session stays open today: /today → Continue picks it up."
SESSION_ABANDONED = "Session ended and noted. Rest up; the next one comes with a reminder."
SESSION_TIMES_UP = "⏱ Time's up! Relax."
SESSION_PAIN_QUESTION = "Pain during that set? (0 = none, 10 = worst)"
SESSION_PAIN_HINT = "Please send a number from 0 to 10, like 3 or 3/10, or tap a button."
SESSION_USE_BUTTONS = "Use the buttons below to carry on, or ⏸ Pause to stop for now."
SESSION_REST = "Rest {seconds} s. I'll tell you when the next set is ready."
SESSION_COUNTDOWN = "⏱ {seconds} s left"
SESSION_REST_OVER = "Rest over."
SESSION_EFFORT_QUESTION = "How did the last set feel?"
# Labels are English (marked N_ for extraction): session_efforts() gives them translated.
SESSION_EFFORTS = (
    ("easy", N_("😌 3+ more left")),
    ("right", N_("💪 1–2 left")),
    ("hard", N_("😣 Failed / form broke")),
)
# The same question after a loaded hold, where "reps left" means nothing.
SESSION_EFFORTS_HOLD = (
    ("easy", N_("😌 Could hold much longer")),
    ("right", N_("💪 Just about held it")),
    ("hard", N_("😣 Let go early / form broke")),
)
SESSION_AFTER_QUESTION = "All sets done! 🎉 Pain right now? (0 = none, 10 = worst)"
SESSION_NOTED = "Noted: {pain}/10 ✓"
SESSION_LIGHTER = "{reason}"
SESSION_STOP_EXERCISE = "{reason}\nLet's leave this exercise for today."
# The engine's reason already says to stop, rest and when to see a clinician.
SESSION_ENDED = "{reason}"
SESSION_SUMMARY_TITLE = "<b>Session done ✓</b>"
SESSION_SUMMARY_ENDED_TITLE = "<b>Session ended early</b>"
SESSION_SUMMARY_PAIN_AFTER = "Pain now: {pain}/10"
SESSION_SUMMARY_CHECKIN = "I'll ask about your first steps tomorrow at {time}."
SESSION_SUMMARY_CHECKIN_DEFAULT = "I'll ask about your first steps tomorrow morning."
SESSION_SUMMARY_NEXT = "Next session: {when}."
SESSION_SET_HEADER = "<b>Set {set_no} of {sets}</b> · {dose}"
SESSION_HOLD_CUE = "Hold for {seconds} s, steady, no bouncing. I'll tell you when time's up."
SESSION_TEMPO_CUE = "{reps} slow reps: up for {up} s · down for {down} s."
SESSION_TEMPO_CUE_PAUSE = (
    "{reps} slow reps: up for {up} s · hold {seconds} s at the top · down for {down} s."
)
# The walk-jog of the running block (Stage 4): level ground, easy pace, timed by the bot.
SESSION_RUN_CUE = (
    "🚶 Walk {walk} min, then 🏃 jog {jog} min, {reps} times. I'll tell you when to switch. "
    "Easy pace: you can still talk. Stop if the pain passes 3/10."
)
SESSION_RUN_CONTINUOUS_CUE = (
    "🏃 Run easily for {jog} min. I'll tell you when time's up. Stop if the pain passes 3/10."
)
SESSION_RUN_JOG = "🏃 Jog now: {minutes} min (round {round} of {rounds})."
SESSION_RUN_WALK = "🚶 Walk now: {minutes} min (round {round} of {rounds})."
RUN_DOSE = "{reps} × (walk {walk} min, jog {jog} min)"
RUN_DOSE_CONTINUOUS = "{jog} min of easy running"
SESSION_TEMPO_DONE = "I'll tell you when the time for the set is up, or tap Done."

CARD_TEMPLATE = "<b>{name}</b>\n{how_to}\n\n<b>Dose:</b> {dose}\n<b>Where:</b> {surface}{tempo}"
CARD_TEMPO = "\n<b>Tempo:</b> up {up} s · down {down} s"
CARD_TEMPO_PAUSE = "\n<b>Tempo:</b> up {up} s · down {down} s · {seconds} s pause at the top"
# The labels of these dicts are English, marked N_: read them through _() (surface_name()).
SURFACE_NAMES = {"floor": N_("flat floor"), "step": N_("edge of a step")}
SURFACE_MACHINE = "the machine, at the gym"
LOAD_ADDED = "+{kg} kg"  # held or worn, on top of body weight
LOAD_MACHINE = "{kg} kg on the machine"
STANCE_NAMES = {"two-legs": N_("both legs"), "single-leg": N_("one leg")}
# Single-leg work names its leg (issue 11); with both sides sore, every set on each leg.
LEG_NAMES = {"left": N_("left leg"), "right": N_("right leg"), "each": N_("each leg in turn")}


def session_started(count: int) -> str:
    return ngettext(
        "Let's go: {n} exercise today. Tap Go when you're ready for each set.",
        "Let's go: {n} exercises today. Tap Go when you're ready for each set.",
        count,
    ).format(n=count)


def session_efforts(hold: bool) -> tuple[tuple[str, str], ...]:
    """Easy / right / hard (callback key, label), the labels in the language in force."""
    return tuple(
        (key, _(label)) for key, label in (SESSION_EFFORTS_HOLD if hold else SESSION_EFFORTS)
    )


def surface_name(surface: str) -> str:
    """ "flat floor", "edge of a step" (an unknown surface as it is)."""
    return _(SURFACE_NAMES[surface]) if surface in SURFACE_NAMES else surface


def reps_cue(reps: int | None, contacts: int | None) -> str:
    """What to do in a set the user ends by tapping Done: "15 reps. Tap Done when …"."""
    if contacts:
        return ngettext(
            "{n} contact. Tap Done when you've finished the set.",
            "{n} contacts. Tap Done when you've finished the set.",
            contacts,
        ).format(n=contacts)
    n = reps or 0
    return ngettext(
        "{n} rep. Tap Done when you've finished the set.",
        "{n} reps. Tap Done when you've finished the set.",
        n,
    ).format(n=n)


def pain_label(pain: int | None) -> str:
    return "–" if pain is None else f"{pain}/10"


def summary_line(name: str, sets: int, top_pain: int | None) -> str:
    return ngettext(
        "• {name}: {n} set, top pain {pain}", "• {name}: {n} sets, top pain {pain}", sets
    ).format(name=escape(name), n=sets, pain=pain_label(top_pain))


# Morning check-in answers
CHECKIN_NOT_ONBOARDED = NOT_ONBOARDED
CHECKIN_ALREADY = "You already told me {pain}/10 for that morning, thanks. It's saved."
CHECKIN_TOO_OLD = "That question is from an earlier day. Tomorrow's will come as usual."
CHECKIN_DECISION = "Morning pain {pain}/10 noted ✓\n{reason}"
# Issue 11: the referral (the engine's reason says why and offers /export) and the reviews.
REFER_SEEN = "I've been seen"
REFER_SEEN_DONE = (
    "Thanks, noted ✓ We build up again from your next session, step by step. Follow what your "
    "clinician advised, and tell me if the pain gets worse."
)
REVIEW_QUESTION = (
    "<b>{summary}</b>\n\nHow would you rate your Achilles now, compared with the start?"
)
# Choices are (callback key, English label marked N_): translate the label where it is shown.
REVIEW_RATINGS = (
    ("much_better", N_("Much better")),
    ("better", N_("Better")),
    ("same", N_("About the same")),
    ("worse", N_("Worse")),
)
REVIEW_REFER = "Thanks for your answer.\n{reason}"
RUN_QUESTION = (
    "Your hops have stayed low in pain for two weeks and the hop test went well. Do you run, or "
    "would you like to? If so, a walk–jog block replaces one hop session a week."
)
RUN_CHOICES = (("yes", N_("Yes, I run")), ("no", N_("I don't run")))
RUN_STARTS = (
    "Great ✓ Your walk–jog starts at 4 × (walk 2 min, jog 2 min) on level ground; it grows a "
    "little after each run that goes well."
)
RUN_SKIPPED = "Noted ✓ No running block: the hop sessions carry on as they are."
REVIEW_DONE = (
    "Thanks, noted ✓ Keep going: a tendon keeps getting stronger with steady loading, even once "
    "the pain has settled."
)
REVIEW_DONE_12 = (
    "Thanks, noted ✓ That's 12 weeks of loading. /export makes a report for your "
    "physiotherapist, who can also give you the VISA-A questionnaire. After the last stage "
    "comes maintenance: heavy calf work once or twice a week keeps the tendon strong."
)

# /today, /plan, /stage
TODAY_TITLE = "<b>Today · {stage}</b>"
TODAY_OPEN = "You have a session in progress. Tap Continue to pick it up."
TODAY_REST = "Rest day today. Next session: {when}."
TODAY_DONE = "Today's sessions are done ✓"
TODAY_PARTLY_DONE = "{done} of {planned} sessions done today ✓ Next one:"
TODAY_PAIN_STOPPED = "No more training today: your session stopped because the pain was high."
PLAN_TITLE = "<b>This week · {stage}</b>"
PLAN_DAY = "{mark} {day}: {what}"
PLAN_PAUSED = "paused (/resume)"
PLAN_TODAY = "{day} (today)"
PLAN_BEFORE_START = "–"
PLAN_REST = "rest"
PLAN_MARK_DONE = "✅"
PLAN_MARK_PAST = "➖"
PLAN_MARK_AHEAD = "🔹"
PLAN_MARK_REST = "▫️"


def stage_label(stage: int, maintenance: bool) -> str:
    """The title's "Stage 3", or "Maintenance" once the programme has graduated."""
    return _(MAINTENANCE_LABEL) if maintenance else _(STAGE_LABEL).format(stage=stage)


def plan_sessions(
    planned: int, done: int, past: bool, times: Sequence[str] = (), *, ended_early: int = 0
) -> str:
    """What a /plan day holds: "2 sessions (07:00, 18:00)", "1 of 2 done", "2 sessions, not
    done"; a day ahead names its reminder times; a day a session ended on pain says so, as
    /history does."""
    if ended_early:
        full = done - ended_early
        if full:
            return ngettext(
                "{n} done · ⚠️ ended early, no more that day",
                "{n} done · ⚠️ ended early, no more that day",
                full,
            ).format(n=full)
        return _("⚠️ ended early, no more that day")
    if times and not past and done == 0:
        return ngettext("{n} session ({times})", "{n} sessions ({times})", planned).format(
            n=planned, times=", ".join(times)
        )
    if done >= planned:
        if planned == 1:
            return _("1 session ✓")
        return ngettext("{n} session, all done", "{n} sessions, all done", planned).format(
            n=planned
        )
    if done > 0:
        return ngettext("{done} of {n} done", "{done} of {n} done", planned).format(
            done=done, n=planned
        )
    if past:
        return ngettext("{n} session, not done", "{n} sessions, not done", planned).format(
            n=planned
        )
    return ngettext("{n} session", "{n} sessions", planned).format(n=planned)


PLAN_DOSE_TITLE = "<b>Each session:</b>"
STAGE_TITLE = "<b>Stage {stage}: {name}</b>"
# English, marked N_: stage_name() and stage_purpose() give them translated.
STAGE_NAMES = {
    1: N_("steady holds"),
    2: N_("slow strength"),
    3: N_("heavy slow strength"),
    4: N_("spring and hops"),
}
STAGE_PURPOSES = {
    1: N_("Holding still under load calms a grumpy tendon and starts to build it up."),
    2: N_("Slow lifting and lowering starts to rebuild the tendon's structure."),
    3: N_("Heavy, slow work on one leg builds the strength you'll need to run and jump."),
    4: N_("Hops and bounds teach the tendon to store and release energy again."),
}


def stage_name(stage: int) -> str:
    return _(STAGE_NAMES[stage]) if stage in STAGE_NAMES else ""


def stage_purpose(stage: int) -> str:
    return _(STAGE_PURPOSES[stage]) if stage in STAGE_PURPOSES else ""


STAGE_MAINTENANCE = "You're in maintenance: one or two heavy sessions a week keep the gains."
MAINTENANCE_TITLE = "<b>Maintenance</b>"
MAINTENANCE_LABEL = "Maintenance"  # in place of "Stage 4" in /today and /plan titles
STAGE_NEXT_GATE = "<b>To move on:</b>"
STAGE_REQ_MET = "✅"
STAGE_REQ_OPEN = "⬜"
STAGE_GATE_DUE = "A test for the next stage is due: send /test when you're fresh."
STAGE_RECHECK_DUE = "A re-check is due: send /test when you're fresh."
# Decisions that ask for a test: the user is told how to take it.
TEST_DECISION_KINDS = ("gate_test", "reassess")
TEST_HOW = "Send /test when you're rested and I'll walk you through it."


def with_test_hint(reason: str, decision_kind: str | None) -> str:
    """A decision's reason (HTML-escaped), and how to take the test it asks for, if any."""
    if decision_kind in TEST_DECISION_KINDS:
        return f"{escape(reason)}\n{_(TEST_HOW)}"
    return escape(reason)


STAGE_TOP = "This is the last stage of the programme."

# /test
TEST_NOT_DUE = "No test is due yet. /stage shows what's needed before the next one."
TEST_INTRO = "<b>Progress test</b>\nDo this when rested, not right after a session."
TEST_HEEL_RAISE = (
    "On your sore leg, rise up on your toes and lower slowly, as many times as you can, "
    "until you tire or the pain goes above 3/10. How many did you do? Type the number."
)
TEST_HEEL_RAISE_LEG = (
    "On your <b>{leg}</b>, rise up on your toes and lower slowly, as many times as you can, "
    "until you tire or the pain goes above 3/10. How many did you do? Type the number."
)
LEFT_LEG = "left leg"
RIGHT_LEG = "right leg"
TEST_HEEL_RAISE_OTHER = (
    "If you can, do the same on your other leg and type that count too. Or tap Skip."
)
TEST_LOADED_HOLD = (
    "Hold a single-leg heel raise for {seconds} s with {load} kg extra (a Smith machine, a leg "
    "press or a loaded backpack). Pain during the hold? If you couldn't hold it that long, say so."
)
TEST_HOLD_NOT_DONE = "Couldn't hold {seconds} s"
TEST_HOPS = "Do 10 small hops on your sore leg (each leg if both are sore). Pain during the hops?"
TEST_MORNING_PAIN = (
    "First, how did your Achilles feel in your first steps this morning? (0 = no pain, 10 = worst)"
)
TEST_COUNT_HINT = "Please type the number of raises, like 18."
TEST_SKIP = "Skip"
TEST_RESULT_PASSED = "<b>Test passed ✓</b>\n{reason}"
COUNT_INTRO = (
    "<b>Heel-raise count</b>\nEvery two weeks we count your heel raises: with morning pain and "
    "stiffness, it shows how the tendon is doing. Do it when rested."
)
COUNT_RESULT = "<b>Noted ✓</b>\n{reason}"
COUNT_DUE = (
    "It's time to count your heel raises again (every two weeks): send /test when you're rested."
)
STIFFNESS_QUESTION = "And how long were you stiff this morning?"
STIFFNESS_CHOICES = (
    ("0", N_("Not at all")),
    ("5", N_("A few minutes")),
    ("20", N_("About 20 min")),
    ("45", N_("About 45 min")),
    ("90", N_("An hour or more")),
)
STIFFNESS_NOTED = "Noted ✓ {minutes} min of stiffness."
TEST_RESULT_FAILED = "<b>Not yet</b>\n{reason}"

# Red flags in free text
REDFLAG_QUESTION = "⚠️ Before we go on, I need to check something:\n{question}"
REDFLAG_YES = "Yes"
REDFLAG_NO = "No"
REDFLAG_STOPPED = (
    "<b>I've stopped your programme and reminders.</b>\n{advice}\n\n"
    "Once a clinician has checked you and cleared you, /start lets you begin again."
)
REDFLAG_CLEARED = "Thanks, glad to hear it. Let's carry on."
REDFLAG_HINT = "Please tap Yes or No (or type yes or no)."


# --- progress, history, export, delete, weekly summary (records) ---

RECORDS_NOT_ONBOARDED = (
    "There's nothing to show yet: your programme hasn't started. Send /start to set it up."
)
PROGRESS_TOO_LITTLE = (
    "Not enough to draw yet: the chart needs 3 points, and each finished session and each "
    "morning answer is one (you have {points} so far). Try /progress again in a day or two. 📈"
)
PROGRESS_DRAWING = "Drawing your chart…"


def _avg(value: float | None) -> str:
    return "–" if value is None else i18n.number(value)


def progress_caption(
    *,
    week: int,
    total_weeks: int,
    stage: int | None,
    morning_week1: float | None,
    morning_now: float | None,
    sessions_done: int,
    sessions_missed: int,
) -> str:
    # Past the plan's end it is not "Week 13 of 12".
    if week <= total_weeks:
        title = _("<b>Week {week} of {weeks}</b>").format(week=week, weeks=total_weeks)
    else:
        title = _("<b>Week {week}</b> (beyond the {weeks}-week plan)").format(
            week=week, weeks=total_weeks
        )
    if stage:
        title = _("{title} · Stage {stage}").format(title=title, stage=stage)
    lines = [title]
    if morning_week1 is not None and morning_now is not None:
        lines.append(
            _("Morning pain: {week1} in week 1 → {now} now").format(
                week1=_avg(morning_week1), now=_avg(morning_now)
            )
        )
    elif morning_now is not None:
        lines.append(_("Morning pain lately: {now}").format(now=_avg(morning_now)))
    # Counts, not a percentage: the same numbers /history and /plan show.
    lines.append(
        _("Sessions finished: {done} · missed or stopped: {missed}").format(
            done=sessions_done, missed=sessions_missed
        )
    )
    lines.append(_("Red = pain during, orange = after, blue = mornings, green = load or hold."))
    return "\n".join(lines)


HISTORY_TITLE = "<b>Your last 14 days</b> (newest first)"
# English labels, marked N_: history_line() and decision_label() translate them.
HISTORY_OUTCOMES: dict[str, str] = {
    DayOutcome.DONE: N_("✅ done"),
    DayOutcome.ENDED_EARLY: N_("⚠️ ended early"),
    DayOutcome.OPEN: N_("⏸ open"),
    DayOutcome.STOPPED: N_("✖️ stopped"),
    DayOutcome.MISSED: N_("❌ missed"),
    DayOutcome.SKIPPED: N_("⏭ skipped"),
    DayOutcome.TODAY: N_("⏳ nothing yet today"),
    DayOutcome.REST: N_("💤 rest"),
}
DECISION_LABELS = {
    "progress": N_("⬆️ step up"),
    "hold": N_("➡️ same dose"),
    "regress": N_("⬇️ step down"),
    "stage_up": N_("🎉 next stage"),
    "stage_down": N_("⬇️ stage down"),
    "deload": N_("🪶 lighter"),
    "reassess": N_("🔎 re-check"),
    "gate_test": N_("🧪 test"),
    "stop": N_("🛑 stopped"),
}


def decision_label(kind: str) -> str:
    """A decision's short label (an unknown kind, escaped, as it is)."""
    return _(DECISION_LABELS[kind]) if kind in DECISION_LABELS else escape(kind)


HISTORY_FOOTER = "pain = the highest during a set · AM = your first steps that morning (0–10)"


def history_line(
    day_label: str,
    outcome: str,
    sessions_done: int,
    pain: int | None,
    morning: int | None,
    decision: str | None,
    *,
    ended_early: int = 0,
) -> str:
    """One day of /history: what happened, the worst pain during, the morning answer and the
    decision. A session the engine ended early is never called done."""
    label = HISTORY_OUTCOMES.get(outcome)
    parts = [f"<b>{escape(day_label)}</b>", _(label) if label else escape(outcome)]
    full = sessions_done - ended_early
    if outcome == DayOutcome.DONE and full > 1:
        parts[-1] += f" ×{full}"
    if outcome == DayOutcome.DONE and ended_early:
        parts.append(_(HISTORY_OUTCOMES[DayOutcome.ENDED_EARLY]))
    if pain is not None:
        parts.append(_("pain {pain}").format(pain=pain))
    if morning is not None:
        # Translators: "AM" is the morning answer (first steps), as HISTORY_FOOTER explains.
        parts.append(_("AM {pain}").format(pain=morning))
    if decision:
        parts.append(decision_label(decision))
    return " · ".join(parts)


def history(lines: list[str]) -> str:
    return "\n".join([_(HISTORY_TITLE), *lines, "", _(HISTORY_FOOTER)])


EXPORT_NOTHING = "I don't hold any programme data about you yet. /start sets one up."
EXPORT_INTRO = (
    "Here is everything I've stored about you: a CSV with your morning answers, every set and "
    "the pain after each session (opens in any spreadsheet) and a JSON file with the full "
    "record. Share them with your physio if you like."
)

DELETE_NOTHING = "I don't hold any data about you. Nothing to delete."
DELETE_CONFIRM = (
    "<b>Delete everything?</b>\n"
    "This removes your profile, schedule, every session, pain answer, decision and test, and "
    "stops all reminders. It can't be undone. (Tip: /export first to keep a copy.)"
)
DELETE_YES = "🗑 Yes, delete everything"
DELETE_NO = "Keep my data"
DELETE_DONE = (
    "Done: everything about you is deleted and your reminders are off. "
    "If you ever want to start again, just send /start."
)
DELETE_KEPT = "OK, nothing was deleted."
DELETE_ALREADY = "Already deleted ✓"


def weekly_summary(
    *,
    period: str,
    done: int,
    planned: int,
    morning_now: float | None,
    morning_before: float | None,
    stage: int | None,
    stage_to: int | None,
    decision_label: str | None,
    decision_reason: str | None,
    decision_kind: str | None = None,
) -> str:
    lines = [_("<b>Your week</b> ({period})").format(period=escape(period))]
    if planned:
        # Counts, not a percentage: the same numbers /progress, /history and /plan show.
        lines.append(
            ngettext(
                "Sessions: {done} of {n} done", "Sessions: {done} of {n} done", planned
            ).format(done=done, n=planned)
        )
    else:
        lines.append(_("Sessions done: {done}").format(done=done))
    if morning_now is None:
        lines.append(_("Morning pain: no answers this week."))
    elif morning_before is None:
        lines.append(_("Morning pain: {now} on average.").format(now=_avg(morning_now)))
    else:
        change = morning_now - morning_before
        if change <= -0.5:
            trend = _("Morning pain: {now}, down 👍 (last week {before}).")
        elif change >= 0.5:
            trend = _("Morning pain: {now}, up, so we'll go carefully (last week {before}).")
        else:
            trend = _("Morning pain: {now}, steady (last week {before}).")
        lines.append(trend.format(now=_avg(morning_now), before=_avg(morning_before)))
    if stage_to is not None:  # a move made this week: next week goes on in that stage
        lines.append(_("<b>This week:</b> on to Stage {stage}. 🎉").format(stage=stage_to))
        lines.append(
            _("<b>Next week:</b> Stage {stage}, keep going.").format(stage=stage or stage_to)
        )
    elif decision_label is not None:  # already made (and in force): this week's news
        if stage:
            news = _("<b>This week:</b> {decision} (Stage {stage})")
        else:
            news = _("<b>This week:</b> {decision}")
        lines.append(news.format(decision=decision_label, stage=stage))
    else:
        lines.append(_("<b>Next week:</b> same plan, keep going.") if stage else "")
    if decision_reason:  # a test it asks for: how to take it (as the morning answer says)
        lines.append(with_test_hint(decision_reason, decision_kind))
    lines.append(_("Turn these summaries off in /settings."))
    return "\n".join(line for line in lines if line)


# --- onboarding, /start status, /pause /resume /settings /about /cancel (onboarding) ---

OB_BACK = "⬅️ Back"
# Choices are (English label marked N_, callback data): the label is translated where shown.
OB_WELCOME = (
    "Over the next 12 weeks I'll give you calf and tendon exercises, walk you through every "
    "set, ask how it felt, and adjust the next session from your answers.\n\n"
    "<b>Please note:</b> I can't diagnose anything. If you can, have a physiotherapist or "
    "doctor look at your heel first. A few quick questions and we're set (about 3 minutes)."
)
OB_BEGIN = "Let's begin"
# Translators: name the language of this translation ("Te escribiré en español…").
OB_LANGUAGE = "🌐 I'll write to you in English. Prefer another language? Tap it below."
# Each language named in itself, the same in every catalogue (so not a text to translate).
LANGUAGE_NAMES: dict[str, str] = {"en": "English", "es": "Español", "ru": "Русский"}


def language_buttons(current: str) -> list[tuple[str, str]]:
    """(label, language code) for each language we speak; the one in force ticked."""
    return [
        (f"✓ {name}" if code == current else name, code) for code, name in LANGUAGE_NAMES.items()
    ]


OB_FLAGS = (
    "<b>First, a safety check.</b> Does any of this apply to you?\n\n{questions}\n\n"
    "If you're unsure about one, tap “Yes, one might”."
)
OB_FLAGS_NONE = "None of these"
OB_FLAGS_SOME = "Yes, one might"
OB_RF_QUESTION = "<b>Safety check {n} of {total}</b>\n{question}"
OB_YES = "Yes"
OB_NO = "No"
OB_FLAGGED = (
    "⚠️ <b>Let's stop here.</b>\n{advice}\n\nI won't set up a programme for now. Please get "
    "checked first. From tomorrow, once a clinician has examined you and said loading exercise "
    "is fine, send /start to tell me."
)
OB_FLAGGED_AGAIN = (
    "⚠️ <b>We stopped because of {flag}.</b>\n{advice}\n\nIf a doctor or physiotherapist has "
    "examined you for it since and said loading exercise is fine, tap below."
)
OB_FLAGGED_CLEARED = "I've been checked and cleared"
OB_CLEARED_CONFIRM = (
    "Just to be sure: a doctor or physiotherapist has examined you for {flag} since, and said "
    "it's OK to start a loading programme for your Achilles?"
)
OB_CLEARED_YES = "Yes, I've been cleared"
OB_SIDE = "Which Achilles hurts?"
OB_SIDES = ((N_("Left"), "left"), (N_("Right"), "right"), (N_("Both"), "both"))
OB_SITE = (
    "Where exactly does it hurt?\n"
    "• <b>Mid-portion</b>: in the cord, a few finger-widths (2–6 cm) above the heel bone.\n"
    "• <b>Insertional</b>: right where the tendon meets the back of the heel bone.\n"
    "Not sure? That's fine, I'll use the gentler floor-only version."
)
OB_SITES = ((N_("Mid-portion"), "mid"), (N_("Insertional"), "ins"), (N_("Not sure"), "unsure"))
OB_REST_PAIN = "How much does it hurt <b>at rest</b>, sitting still? (0 = none, 10 = worst)"
OB_MORNING_PAIN = (
    "And your <b>first steps in the morning</b>: how bad are they usually? (0 = none, 10 = worst)"
)
OB_PAIN_HINT = "Please tap a number, or type one from 0 to 10 (like 3 or 3/10)."
OB_STIFFNESS = "How long does the tendon feel stiff in the morning?"
OB_STIFFNESS_CHOICES = (
    (N_("No stiffness"), "0"),
    (N_("Under 10 min"), "5"),
    (N_("10–30 min"), "20"),
    (N_("30–60 min"), "45"),
    (N_("Over an hour"), "90"),
)
OB_STIFFNESS_HINT = "Tap a button, or type the minutes, like 15."
OB_HEEL_RAISES = (
    "Standing on the <b>sore leg only</b> (hold a wall for balance), how many heel raises can "
    "you do with pain no higher than 3/10? Stop at 25: no need to go further."
)
OB_HEEL_RAISE_CHOICES = (("0", "0"), ("1–9", "5"), ("10–24", "15"), ("25+", "25"))
OB_COUNT_HINT = "Tap a button, or type the number of raises, like 12."
OB_WEIGHT = (
    "What do you weigh? Type it in kg or lb, like <code>72</code>, <code>72 kg</code> or "
    "<code>160 lb</code>. Later stages add weight as a share of it."
)
OB_WEIGHT_HINT = "Please type your weight between 30 and 250 kg, like 72 or 160 lb."
OB_HAS_STEP = "Do you have a stair or a sturdy step you can stand on the edge of?"
OB_YES_NO = ((N_("Yes"), "yes"), (N_("No"), "no"))
OB_LOAD = (
    "Do you have weights to add (dumbbells, a loaded backpack, a weight vest)? "
    "Up to how many kg in total? Tap, or type it (like 12.5 or 25 lb)."
)
OB_LOAD_CHOICES = (
    (N_("None"), "0"),
    (N_("5 kg"), "5"),
    (N_("10 kg"), "10"),
    (N_("20 kg"), "20"),
    (N_("40 kg or more"), "40"),
)
OB_LOAD_HINT = "Tap a button, or type the kg, like 12.5 (or 25 lb)."
OB_GYM = "Can you get to a gym (leg press or calf-raise machine)?"
OB_ENTRY = (
    "Good news: your tendon seems calm and strong already. Start at the top of Stage 2, or "
    "take a short test first that may let you start Stage 3 (heavy slow work)?"
)
OB_ENTRY_CHOICES = ((N_("Start Stage 2"), "stage2"), (N_("Test for Stage 3"), "test"))
OB_ZONE = (
    "Which time zone are you in?\n"
    "• Tap “📍 Share my location” below, or\n"
    "• type your city or zone (like <code>Berlin</code> or <code>America/Chicago</code>), or\n"
    "• pick one:"
)
OB_ZONE_LOCATION = "📍 Share my location"
OB_ZONE_SHARE = "📍 Next, your time zone, so that reminders come at your local time."
OB_ZONE_HINT = (
    "I couldn't find that place. Try a bigger city nearby, a zone like "
    "<code>Europe/Paris</code>, share your location, or pick one of the buttons."
)
OB_ZONE_NOT_NOW = "I only need a location to set your time zone. Please use the buttons."
OB_ZONE_FOUND = "Found it: <b>{zone}</b>."
OB_ZONE_OK = "Then it's <b>{time}</b> on {day} where you are. Right?"
OB_ZONE_OK_CHOICES = ((N_("Yes, that's right"), "yes"), (N_("No, choose again"), "no"))
OB_TIME1 = (
    "In the first stages you train <b>twice a day</b>. When should I remind you for the "
    "first session? Tap, or type a time like 07:15."
)
OB_TIME2 = "And the second session? (Tap, type a time, or choose once a day.)"
OB_TIME2_ONCE = "Once a day is all I can do"
OB_TIME_HINT = "Please tap a time or type one like 07:30 or 6:45 pm."
OB_TIME_GAP = (
    "Sessions need at least 6 hours between them, the second after the first: "
    "{first} then {second} doesn't leave that. Pick a later second time, or train once a day."
)
OB_CHECKIN_LATE = (
    "The morning question comes before the first session, so that session's dose can follow "
    "your answer. {checkin} is not before {first}: pick an earlier time."
)
OB_FIRST_BEFORE_CHECKIN = (
    "Your morning question comes at {checkin}, and the first session should follow it (its dose "
    "depends on your answer). Pick a time after {checkin}, or change the check-in first."
)
OB_DAYS = (
    "Later stages train <b>three times a week</b> with a rest day in between. Which days suit "
    "you? Tap, or type three days like <code>mon wed fri</code>."
)
OB_DAYS_CHOICES = (
    (N_("Mon · Wed · Fri"), "024"),
    (N_("Tue · Thu · Sat"), "135"),
    (N_("Mon · Thu · Sat"), "035"),
    (N_("Wed · Fri · Sun"), "246"),
)
OB_DAYS_HINT = "Please choose three days with a rest day between them, like mon wed fri."
OB_WEEKLY_TIME = "At what time on those days? Tap, or type one like 18:30."
OB_CHECKIN = (
    "Each morning after a training day I'll ask how your first steps felt: it steers the next "
    "dose. When should I ask?"
)
OB_SUMMARY = (
    "<b>You're all set ✓</b>\n{assessment}\n\n<b>Your first session (Stage {stage}):</b>\n"
    "{exercises}\n\nStart now, or wait for the reminder {next}?"
)
OB_SUMMARY_FALLBACK = "at your next session time"
OB_SUMMARY_PHYSIO = "A physiotherapist can confirm which kind of tendon pain this is."
OB_START_NOW = "▶️ Start now"
OB_WAIT = "⏰ Wait for the reminder"
OB_WAITING = "Great. I'll remind you {next}. /today shows your session any time."
OB_EXERCISE_LINE = "• {name}: {dose}"
OB_WELCOME_BACK = "Welcome back! Let's carry on where you left off."
OB_PARKED = "Your setup is on hold. Send /start to carry on where you left off."
OB_USE_BUTTONS = "Please use the buttons below to answer."
OB_NOT_STARTED = "Send /start to set up your programme first."

STATUS = "<b>Hi {name}, welcome back.</b>\nStage {stage} · {status}\nNext session: {next}"
STATUS_ACTIVE = "reminders on"
STATUS_PAUSED = "reminders paused"
STATUS_PAUSED_UNTIL = "reminders paused until {day}"
STATUS_MAINTENANCE = "maintenance"
STATUS_STOPPED = (
    "⚠️ <b>Your programme is stopped</b> because of {flag}. Once a clinician has checked you "
    "for it and cleared you for exercise, tap below to begin again."
)
STATUS_STOPPED_WAIT = (
    "⚠️ <b>Your programme is stopped</b> because of {flag}. Please follow the advice and get "
    "checked. From tomorrow, /start lets you tell me once a clinician has cleared you."
)
STATUS_NEXT_NONE = "none planned"
STATUS_START_OVER = "↺ Start over"
START_OVER_CONFIRM = (
    "Start over? I'll ask the setup questions again and your programme restarts from the "
    "beginning. Your history is kept."
)
START_OVER_YES = "Yes, start over"
START_OVER_NO = "No, keep my programme"
START_OVER_KEPT = "OK, nothing changed. /today shows your session."
RESTARTED = "Welcome back. Your programme starts again: {summary}"
# When the next session is (views.when_words).
WHEN_TODAY = "today at {time}"
WHEN_TOMORROW = "tomorrow at {time}"
WHEN_DAY = "{day} at {time}"

ABOUT = (
    "<b>About Achilles Coach</b>\n"
    "I coach a self-managed loading programme for Achilles tendon pain. I'm not a doctor and "
    "don't diagnose: a physiotherapist's assessment is always a good idea, and any warning "
    "sign (a pop, a swollen calf, fever) means stop and see a clinician.\n\n"
    "<b>What the programme is built on</b>\n"
    "• Silbernagel et al. 2007: letting pain guide the load (a little, settling by next "
    "morning, is OK).\n"
    "• Alfredson et al. 1998: slow heel drops, twice a day, for 12 weeks.\n"
    "• Beyer et al. 2015: heavy slow calf work three times a week works as well.\n"
    "• Jonsson et al. 2008: floor-level heel drops for pain at the heel bone.\n"
    "• Silbernagel et al. 2020: a staged programme, from holds to hopping.\n\n"
    "Tendons remodel slowly: keep going for the full 12 weeks, even once the pain eases."
)

CANCEL_NOTHING = "Nothing to cancel. /today shows your session, /help lists what I can do."
CANCEL_ONBOARDING = "Setup paused. Your answers so far are kept: send /start to carry on."
CANCEL_DONE = "Cancelled. Everything you confirmed is kept. /today shows your session."

PAUSE_ASK = "Pause your reminders for how long?"
PAUSE_CHOICES = (
    (N_("3 days"), "3"),
    (N_("1 week"), "7"),
    (N_("2 weeks"), "14"),
    (N_("Until I /resume"), "0"),
)
PAUSE_KEEP = "Never mind"
PAUSE_DONE_UNTIL = "⏸ Reminders paused until {day}. /resume brings them back sooner."
PAUSE_DONE = "⏸ Reminders paused. Send /resume when you're ready to carry on."
PAUSE_KEPT = "OK, your reminders carry on as before."
PAUSE_ALREADY = "Your reminders are already paused ({until}). /resume turns them back on."
PAUSE_FOREVER = "until you /resume"
RESUMED = (
    "▶️ Welcome back, reminders are on again. If you've been away a week or more, the next "
    "session starts a little lighter (after two weeks I'll re-check first) so your tendon can "
    "catch up. /today shows it."
)
RESUME_NOT_PAUSED = "Your reminders aren't paused. /today shows your next session."

SETTINGS_MENU = (
    "<b>Your settings</b>\n"
    "Sessions: {times}\nTraining days (Stage 3 on): {days} at {weekly_time}\n"
    "Morning check-in: {checkin}\nTime zone: {zone}\nWeight: {weight} kg\n"
    "Equipment: {equipment}\nWeekly summary: {summary}\n\nWhat would you like to change?"
)
SETTINGS_CHOICES = (
    (N_("Session times"), "times"),
    (N_("Days"), "days"),
    (N_("Check-in time"), "checkin"),
    (N_("Time zone"), "zone"),
    (N_("Body weight"), "weight"),
    (N_("Equipment"), "equipment"),
)
SETTINGS_LANGUAGE = "🌐 Language"
SETTINGS_LANGUAGE_QUESTION = "Which language shall I write to you in?"
# Translators: name the language of this translation ("Guardado ✓ Desde ahora te escribo en…").
SETTINGS_LANGUAGE_SAVED = "Saved ✓ From now on I'll write to you in English."
SETTINGS_SUMMARY_ON = "Weekly summary: turn off"
SETTINGS_SUMMARY_OFF = "Weekly summary: turn on"
SETTINGS_CLOSE = "Done"
SETTINGS_CLOSED = "Settings closed."
SETTINGS_SAVED = "Saved ✓ Your reminders follow the new settings from now on."
SETTINGS_SAVED_DOSE = "Saved ✓ Your next sessions are worked out with it."
# Settings that change what is prescribed, not when the reminders come.
SETTINGS_DOSE_KEYS = ("weight", "equipment")


def settings_saved(what: str) -> str:
    return _(SETTINGS_SAVED_DOSE) if what in SETTINGS_DOSE_KEYS else _(SETTINGS_SAVED)


SETTINGS_TIMES_NOW = (
    "Sessions: {times}\nMorning question: {checkin}\nTraining days (Stage 3 on): {days} at "
    "{weekly_time}\nAll in your time zone, {zone}."
)
SETTINGS_TIME_KEYS = frozenset({"times", "checkin", "days", "zone"})
SETTINGS_SUMMARY_SAVED = "Saved ✓ Weekly summary is now {state}."
SETTINGS_ON = "on"
SETTINGS_OFF = "off"
SETTINGS_ONCE_DAILY = "once a day at {first}"
SETTINGS_TWICE_DAILY = "{first} and {second}"
SETTINGS_NO_EQUIPMENT = "floor only"
SETTINGS_STEP = "a step"
SETTINGS_WEIGHTS = "weights up to {kg} kg"
SETTINGS_GYM = "a gym"


def pause_until_text(day: str | None) -> str:
    return _(PAUSE_DONE_UNTIL).format(day=escape(day)) if day else _(PAUSE_DONE)


# --- pictures, tempo guides and answers to common questions (/learn) ---

SHOW_ME = "🖼 Show me"
TEMPO_GUIDE = "⏱ Tempo guide"
MEDIA_UNAVAILABLE = "Sorry, I can't send that picture right now; the card's words say the same."
PICTURE_CAPTION = "<b>{name}</b>"


def tempo_caption(up: int, down: int, pause: int) -> str:
    if pause:
        return _(
            "<b>Tempo:</b> {up} s up, hold {pause} s at the top, {down} s down. Move with the dot "
            "and the count."
        ).format(up=up, pause=pause, down=down)
    return _("<b>Tempo:</b> {up} s up, {down} s down. Move with the dot and the count.").format(
        up=up, down=down
    )


LEARN_INTRO = "<b>Questions people often ask</b>\nPick a topic, or just type your question."
LEARN_NO_MATCH = (
    "I don't have an answer to that one. These are the topics I can explain; "
    "/help lists everything else I can do."
)
LEARN_MORE = "\n\n/learn – more questions and answers"
LEARN_STAGE_LINK = "💡 {title} → /learn_{key}"

# (key, button label in English): the order /learn shows them in; `learn_topics()` words them.
LEARN_TOPICS: tuple[tuple[str, str], ...] = (
    ("load", N_("Why load it, not rest it?")),
    ("pain", N_("How much pain is OK?")),
    ("stretch", N_("Should I stretch?")),
    ("morning", N_("Morning stiffness")),
    ("activity", N_("Running, walking, cycling")),
    ("ice", N_("Ice and painkillers")),
    ("shoes", N_("Shoes and heel lifts")),
    ("badday", N_("Having a bad day")),
    ("clinician", N_("When to see a clinician")),
    ("duration", N_("How long it takes")),
)


def learn_topics() -> tuple[tuple[str, str], ...]:
    """(key, button label) of every /learn topic, in the language in force."""
    return tuple((key, _(label)) for key, label in LEARN_TOPICS)


def learn_answer(key: str) -> str | None:
    """The answer of a /learn topic, in the language in force; None for an unknown key."""
    text = LEARN_ANSWERS.get(key)
    return None if text is None else _(text)


LEARN_LOAD = (
    "<b>Why load it, not rest it?</b>\n"
    "A tendon gets stronger from the load it carries. Rest calms it for a while, but it also "
    "weakens, so the pain tends to come back as soon as you do more. Slow, steady work that "
    "rises a little at a time is what rebuilds it, and that is what every session here does. "
    "Some discomfort while you train is fine, as long as it settles by the next morning."
)
LEARN_PAIN = (
    "<b>How much pain is OK?</b>\n"
    "During a set, up to 3/10 is fine and 4/10 is the ceiling. Right after a session, 4/10 or "
    "less that is settling is fine. The next morning tells the most: first steps no worse "
    "than usual mean the dose was right. Above that I make the next set or session lighter, "
    "and at 7/10 or more we stop for the day."
)
LEARN_STRETCH = (
    "<b>Should I stretch?</b>\n"
    "Not if the pain is where the tendon meets the heel bone: stretching the calf squeezes the "
    "tendon against the bone and irritates it. That is also why your heel drops stay on flat "
    "floor and never go below a step. With pain higher up the tendon, stretching is not part "
    "of the programme; if you like it, keep it gentle and never into pain. "
    "No foam rolling or pressing on the tendon either."
)
LEARN_MORNING = (
    "<b>Is morning stiffness normal?</b>\n"
    "Yes. A stiff, sore tendon for the first steps is typical and usually eases as you get "
    "moving. That's why I ask every morning: your score is compared with your own usual. "
    "Two points or more above it (or 5/10 when you're usually low) counts as a flare, and "
    "the next session gets lighter. A morning like your usual means the dose suits you."
)
LEARN_ACTIVITY = (
    "<b>Can I run, walk or cycle?</b>\n"
    "Walking and cycling are usually fine if the pain stays at 3/10 or less and the next "
    "morning is no worse. Running loads the tendon most: keep it easy, never run through "
    "pain above 3/10, and ease off if your mornings get worse. If it flares, pause running; "
    "Stage 4 brings you back with a walk–jog plan. Swimming keeps you fit meanwhile."
)
LEARN_ICE = (
    "<b>Ice and painkillers?</b>\n"
    "Ice can ease the pain for a while after a session, but it doesn't heal the tendon. "
    "Anti-inflammatory tablets or gels may take the edge off; tendon pain is mostly not "
    "inflammation, though, and masking it can make you overdo a session. Ask a pharmacist or "
    "doctor before taking them. If the pain began around a course of antibiotics such as "
    "ciprofloxacin, stop exercising and contact the prescriber."
)
LEARN_SHOES = (
    "<b>Shoes and heel lifts?</b>\n"
    "Comfortable shoes with a slightly raised heel ease the strain on the tendon; flat shoes "
    "and a lot of barefoot walking add to it while it's sore. A small heel lift or heel cup "
    "in both shoes can help in the early weeks, especially with pain at the heel bone. Make "
    "sure no stiff heel counter rubs the back of your heel."
)
LEARN_BADDAY = (
    "<b>Having a bad day?</b>\n"
    "Flares happen and are part of the process. Answer honestly: a high score makes the next "
    "set or session lighter, and a second flare within a week takes you back a stage for a "
    "while. If it hurts too much to train, end the session; gentle walking is fine. Keep "
    "answering the morning check-in. Pain at 7/10 or more that doesn't settle is a reason "
    "to see a clinician."
)
LEARN_CLINICIAN = (
    "<b>When to see a clinician?</b>\n"
    "Urgently, the same day: after a sudden pop or snap, a feeling of being kicked at the "
    "back of the heel, or if you can't rise onto your toes; or if one calf is swollen, warm "
    "or red. Soon: severe pain at rest or at night, a hot swollen tendon with fever, or pain "
    "that began with an antibiotic. And book a physiotherapist if you keep flaring or make no "
    "progress for three weeks. An assessment is a good idea anyway."
)
LEARN_DURATION = (
    "<b>How long does it take?</b>\n"
    "Tendons rebuild slowly: plan on about 12 weeks of steady, rising load, and sometimes a "
    "few months more to be fully back to sport. The pain often eases sooner. When it does, "
    "keep going: the tendon is still catching up, and stopping early is the usual reason the "
    "pain comes back. At weeks 6 and 12 I'll show you how far you've come."
)
LEARN_ANSWERS: dict[str, str] = {
    "load": LEARN_LOAD,
    "pain": LEARN_PAIN,
    "stretch": LEARN_STRETCH,
    "morning": LEARN_MORNING,
    "activity": LEARN_ACTIVITY,
    "ice": LEARN_ICE,
    "shoes": LEARN_SHOES,
    "badday": LEARN_BADDAY,
    "clinician": LEARN_CLINICIAN,
    "duration": LEARN_DURATION,
}


# -- Decision reasons (rehab returns them as data: rehab.reasons) -------------------------------
# Plain text: escape before putting one into an HTML message. `reason_text` words any reason;
# the simulator's command words its output with it too.

REASON_SET_NOT_STARTED = "No set done yet."
REASON_SET_END_SESSION = (
    "You rated that set {pain}/10, which is too high to carry on. Stop for today and rest; if "
    "the pain has not settled in a day or two, contact a clinician."
)
REASON_SET_STOP_EXERCISE = (
    "A second set went above {ceiling}/10 ({pain}/10), so we stop this exercise for today and "
    "move on."
)
REASON_SET_RED_EXERCISE_DONE = (
    "That last set hurt {pain}/10, above our ceiling of {ceiling}, and this exercise is done for "
    "today. Because a set went above {ceiling}/10, your next session will be a step lighter."
)
REASON_SET_DROP_RUNG = (
    "That set hurt {pain}/10, above our ceiling of {ceiling}, so the next set is one step "
    "lighter ({dose})."
)
REASON_SET_AT_CEILING = "{pain}/10 is right at our ceiling: fine, but do not push past it."
REASON_SET_AT_CEILING_DONE = "Exercise done; the last set was {pain}/10, right at our ceiling."
REASON_SET_COMFORTABLE = "{pain}/10 is comfortable."
REASON_SET_COMFORTABLE_DONE = "{pain}/10 is comfortable. Exercise done."

REASON_STOPPED = (
    "The programme is stopped because of {flag}. Please follow the advice you were given; it "
    "can restart once a clinician has cleared you."
)
REASON_STOPPED_UNKNOWN_FLAG = "a red flag"
REASON_PAUSED = "The programme is paused; nothing changes until you resume."
REASON_FLARE_LIGHTER = "Because {answer}, the next sessions are one step lighter ({dose})."
REASON_FLARE_LIGHTEST = "Because {answer}, you stay at the lightest dose ({dose}) until it settles."
REASON_REFERRAL_OPEN = (
    "Please have a physiotherapist or doctor look at your tendon (/export makes a report for "
    "them). You stay at this light dose until you tell me you have been seen; then we build up "
    "again."
)
REASON_SAME_DOSE = "Same dose as last time, because {answer}."
REASON_TREND_HOLD = (
    "Your mornings were on average a point or more worse last week than the week before, so we "
    "hold everything steady until {until}."
)
REASON_FLARE_COOLDOWN = "You had a morning flare very recently, so the dose stays as it is for now."
REASON_RECHECK_DUE = (
    "Before building up again we need the re-check: morning pain and a heel-raise test."
)
REASON_GATE_OFFERS = {
    "heel_raise": N_(
        "You have done the work for Stage 3. Time for the test: as many slow single-leg heel "
        "raises as you can on the sore side, stopping at fatigue or pain above 3/10."
    ),
    "stage3_entry": N_(
        "You chose the Stage 3 entry test: as many slow single-leg heel raises as you can, "
        "stopping at fatigue or pain above 3/10."
    ),
    "loaded_hold": N_(
        "You are ready for the Stage 4 checkpoint: a single-leg heel-raise count, then a 30 s "
        "single-leg heel-raise hold at one and a half times your body weight."
    ),
    "endurance_hops": N_(
        "You are ready for the Stage 4 test: a single-leg heel-raise count, then 10 single-leg "
        "hops, rating the pain."
    ),
}
REASON_GATE_OFFER_OTHER = "A test is due."
GATE_HOLD_OUT_OF_REACH = (
    "The checkpoint hold needs about {need} kg added and you have {have} kg; a gym's leg "
    "press or Smith machine can reach it. Until then we use the endurance and hop test instead, "
    "after 6 weeks in Stage 3."
)
REASON_RUN_STEP_UP = (
    "Your walk–jog went well and the next morning was calm, so the next one has more jogging: "
    "{new} (was {old})."
)
REASON_NEW_WEEK_STAGE3 = "A new week of the heavy programme: {dose}"
REASON_NEW_WEEK_HEAVY_SESSION = "Your weekly heavy session moves on to {dose}"
REASON_EFFORT_LIGHTER = (
    "You said the last set failed or your form broke, so that exercise gets lighter: {lighter}."
)
REASON_EFFORT_LIGHTER_NEW_WEEK = (
    "{new_week}. You said the last set failed or your form broke, so that exercise gets "
    "lighter: {lighter}."
)
REASON_EFFORT_ALSO_HEAVIER = " These felt easy twice running and step up: {heavier}."
REASON_EFFORT_HEAVIER = "These felt easy two sessions running, so they step up: {heavier}."
REASON_EFFORT_HEAVIER_NEW_WEEK = (
    "{new_week}. These felt easy two sessions running, so they step up: {heavier}."
)
REASON_STEP_UP = (
    "Your last two sessions were complete with pain at {pain_max}/10 or less, so you step up to "
    "{dose}."
)
REASON_LOAD_STEP_WAIT = (
    "Your sessions went well. The next step adds weight, and weight goes up at most twice a "
    "week, a few days apart, so it comes on {on}."
)
REASON_NEW_WEEK_LOADS = "{new_week}; new loads: {loads}."
REASON_NEW_WEEK_SAME_LOADS = "{new_week}, at the same loads."
REASON_NOTHING_TO_JUDGE = "No new session to judge since last time: same dose."
REASON_LOADS_HOLD = (
    "Your last session stayed in the low-pain zone and the effort felt right, so the dose stays; "
    "it rises when a lift feels easy twice running or after a steady stretch."
)
REASON_TOP_OF_LADDER = "You are at the top of this stage's ladder."
REASON_STILL_TO_COME = " Still to come: {label} ({detail})."
REASON_ONE_MORE_SESSION = (
    "Your last session went well; one more complete session at this dose with pain at "
    "{pain_max}/10 or less and you step up."
)

REASON_ANSWERS = {
    "morning_flare": N_("your morning pain was {pain}/10, a flare"),
    "red_session": N_("a session hurt more than {ceiling}/10"),
    "morning_above_usual": N_("your morning pain ({pain}/10) was a little above your usual"),
    "set_at_ceiling": N_("a set reached {ceiling}/10, right at our ceiling"),
    "session_pain": N_("we are missing the pain answers of your session on {on}"),
    "morning_after": N_("we are missing your morning answer after the session on {on}"),
}

DOSE_MAINTENANCE = "weekly heavy calf work"
# A slow-reps dose in short, by (added load, tempo, pause at the top).
DOSE_SLOW_REPS: dict[tuple[bool, bool, bool], str] = {
    (False, False, False): N_("{sets} x {reps}"),
    (False, False, True): N_("{sets} x {reps} with a {seconds} s pause at the top"),
    (False, True, False): N_("{sets} x {reps} at {up} s up / {down} s down"),
    (False, True, True): N_(
        "{sets} x {reps} at {up} s up / {down} s down with a {seconds} s pause at the top"
    ),
    (True, False, False): N_("{sets} x {reps} with {kg} kg"),
    (True, False, True): N_("{sets} x {reps} with {kg} kg with a {seconds} s pause at the top"),
    (True, True, False): N_("{sets} x {reps} with {kg} kg at {up} s up / {down} s down"),
    (True, True, True): N_(
        "{sets} x {reps} with {kg} kg at {up} s up / {down} s down with a {seconds} s pause at "
        "the top"
    ),
}
RUN_DOSE_CHANGE = "{jog} min of running {change}"

LOAD_CHANGE_KG = "{name} {old} → {new} kg"
LOAD_CHANGE_HOLD = "{name} held {old} → {new} s"
LOAD_CHANGE_TEMPO = "{name} at {up} s up and {down} s down"
LOAD_CHANGE_TEMPO_PAUSE = (
    "{name} at {up} s up and {down} s down, with a {seconds} s pause at the top"
)

REASON_NO_TEST_ACTIVE = "No test is due: the programme is not active."
REASON_TEST_NOT_DUE = "This test is not due yet: {unmet}."
REASON_TEST_NEEDS = {
    "hop_test": N_("The hop test needs {answers}."),
    "recheck": N_("The re-check needs {answers}."),
    "stage3_entry": N_("The Stage 3 entry test needs {answers}."),
    "heel_raise": N_("The Stage 3 test needs {answers}."),
    "loaded_hold": N_("The Stage 4 checkpoint needs: {answers}."),
    "endurance_hops": N_("The Stage 4 test needs: {answers}."),
}
REASON_TEST_NEEDS_OTHER = "The test needs: {answers}."
TEST_ANSWER_NAMES = {
    "heel_raise_reps": N_("the heel-raise count"),
    "loaded_hold_pain": N_("the pain during the hold"),
    "hop_pain": N_("the pain during the hops"),
}
REASON_RECHECK_FAILED_SAME_STAGE = (
    "The re-check was not passed ({why}), so you restart Stage {stage} at its start."
)
REASON_RECHECK_FAILED_STAGE_DOWN = (
    "The re-check was not passed ({why}), so you restart one stage lower, at the entry of "
    "Stage {stage}."
)
RECHECK_SHORT_FLARE = "a morning flare"
REASON_HOLDS_REVIEW_PASSED = (
    "Three days of full holds with low pain and calm mornings: you move to Stage 2, slow calf "
    "raises and heel drops, starting gently."
)
REASON_GRADUATED = (
    "Two weeks on the full jumping ladder with pain in check: you graduate to maintenance, one "
    "heavy calf session a week. Keep it up for a strong tendon."
)
SHORT_HOLD_HURT = "The hold hurt {pain}/10; the limit is {limit}"
SHORT_HOPS_HURT = "The hops hurt {pain}/10; the limit is {limit}"
REASON_NO_MORNING_AFTER_TEST = (
    "We never got the morning answer after the test, so it has to be repeated before the next "
    "stage."
)
REASON_CALM_MORNING_STAGE_UP = (
    "Your morning after the test was calm ({pain}/10), so you move to {stage}."
)
STAGE_UP_WORDS = {
    3: N_("Stage 3: heavy slow resistance three times a week"),
    4: N_("Stage 4: hops and springy work, plus one heavy session a week"),
}

REASON_REFER = "{why} {see}"
REFER_SEE = (
    "It is time for a physiotherapist or doctor to look at your tendon. /export gives you a "
    "report to show them. You can keep going at the lightest dose of this stage; I won't step it "
    "up until you tell me you have been seen."
)
# What the person said of their tendon at a review, and the referral's sentence for it.
REFER_REVIEW_RATED = {
    "same": N_("At {week} weeks you rate your tendon no better than at the start."),
    "worse": N_("At {week} weeks you rate your tendon worse than at the start."),
    None: N_("At {week} weeks you rate your tendon no better than at the start."),
    "better": N_("At {week} weeks you rate your tendon better than at the start."),
    "much_better": N_("At {week} weeks you rate your tendon much better than at the start."),
}
# A gate's requirements: (label, detail) for /stage and the reasons that name one (those with a
# count: `_counted_requirement`).
REQUIREMENTS: dict[str, tuple[str, str]] = {
    "retest_from": (N_("Time since the last attempt"), N_("the test can be repeated from {on}")),
    "loaded_heel_drops": (
        N_("3 x 15 single-leg heel drops with {target_kg} kg added"),
        N_("now {sets} x {reps} with {load_kg} kg"),
    ),
    "pain_at_that_dose": (
        N_("Pain {max_pain}/10 or less at that dose"),
        N_("not yet done at that dose"),
    ),
    "full_jump_ladder": (N_("Reach the full jumping ladder"), N_("step {step} of {steps}")),
    "easy_running_30": (
        N_("Reach 30 minutes of easy running"),
        N_("step {step} of {steps} of the walk–jog"),
    ),
    "recheck_after_break": (N_("Re-check after a long break"), N_("morning pain + heel raises")),
    "calm_morning_after_test": (
        N_("Calm morning after the test"),
        N_("waiting for tomorrow's answer"),
    ),
    "chosen_at_onboarding": (N_("Chosen at onboarding"), N_("Stage 3 entry test")),
    "no_flare_yesterday_or_today": (N_("No flare yesterday or today"), ""),
    "hops_low_for_two_weeks": (N_("Hops low in pain for 2 weeks"), N_("ready for the hop test")),
}
REQUIREMENT_LAST_FLARE = "last one on {on}"
REQUIREMENT_DONE = "done"
REASON_RED_FLAG_STOP = "You confirmed a warning sign ({flag}). {advice}"


def day_words(day: date) -> str:
    """A date as people read it in a sentence: `Tue 1 Dec` (in the language in force)."""
    return i18n.day_month(day)


def dose_words(dose: rr.Dose | rr.ExerciseRef) -> str:
    """A stage's dose in short (`3 x 15 with 5 kg`), or a heavy exercise's name."""
    match dose:
        case rr.MaintenanceDose():
            return _(DOSE_MAINTENANCE)
        case rr.HoldsDose():
            return ngettext(
                "{sets} hold of {hold_s} s",
                "{sets} holds of {hold_s} s",
                dose.sets,
            ).format(sets=dose.sets, hold_s=dose.hold_s)
        case rr.SlowRepsDose():
            up, down = dose.tempo_s or (None, None)
            template = DOSE_SLOW_REPS[
                (bool(dose.load_kg), dose.tempo_s is not None, bool(dose.pause_top_s))
            ]
            return _(template).format(
                sets=dose.sets,
                reps=dose.reps,
                kg=i18n.number(dose.load_kg, 2),
                up=up,
                down=down,
                seconds=dose.pause_top_s,
            )
        case rr.HeavyDose():
            return _heavy_dose(dose.sets, dose.reps)
        case rr.JumpsDose():
            return ngettext(
                "{drills} jumping drill, {contacts} ground contacts",
                "{drills} jumping drills, {contacts} ground contacts",
                dose.drills,
            ).format(drills=dose.drills, contacts=dose.contacts)
        case rr.ExerciseRef():
            return exercise_name(dose.exercise_id)
    assert_never(dose)


def run_step_words(step: int) -> str:
    """A step of the walk-jog block: `4 × (walk 2 min, jog 2 min)`, `30 min of easy running`."""
    s = RUN_LADDER[step]
    if s.change:
        return _(RUN_DOSE_CHANGE).format(jog=i18n.number(s.jog_min, 2), change=_(s.change))
    if s.walk_min == 0:
        return _(RUN_DOSE_CONTINUOUS).format(jog=i18n.number(s.jog_min, 2))
    return _(RUN_DOSE).format(
        reps=s.reps, walk=i18n.number(s.walk_min, 2), jog=i18n.number(s.jog_min, 2)
    )


def load_change_words(c: rr.LoadChange) -> str:
    """One heavy exercise's change: `Seated calf raise 12.5 → 15 kg`."""
    name = exercise_name(c.exercise_id)
    if c.new_kg != c.old_kg:
        return _(LOAD_CHANGE_KG).format(
            name=name, old=i18n.number(c.old_kg, 2), new=i18n.number(c.new_kg, 2)
        )
    if c.new_hold_s != c.old_hold_s and c.new_hold_s is not None and c.old_hold_s is not None:
        return _(LOAD_CHANGE_HOLD).format(name=name, old=c.old_hold_s, new=c.new_hold_s)
    if c.new_tempo_level != c.old_tempo_level:
        up, down = LOADS.capped_tempo_s if c.new_tempo_level >= 1 else LOADS.slow_tempo_s
        if c.new_tempo_level >= 2:
            return _(LOAD_CHANGE_TEMPO_PAUSE).format(
                name=name, up=up, down=down, seconds=LOADS.capped_pause_top_s
            )
        return _(LOAD_CHANGE_TEMPO).format(name=name, up=up, down=down)
    return name


def _answer_words(a: rr.Answer) -> str:
    if isinstance(a, rr.MissingAnswer):
        return _(REASON_ANSWERS[a.what]).format(on=day_words(a.session_on))
    return _(REASON_ANSWERS[a.kind]).format(**a.model_dump(exclude={"kind"}))


def _new_week_words(w: rr.NewWeek) -> str:
    template = _(REASON_NEW_WEEK_STAGE3) if w.stage3 else _(REASON_NEW_WEEK_HEAVY_SESSION)
    return template.format(dose=_heavy_dose(w.sets, w.reps))


def _heavy_dose(sets: int, reps: int) -> str:
    return ngettext(
        "{sets} x {reps} heavy slow rep", "{sets} x {reps} heavy slow reps", reps
    ).format(sets=sets, reps=reps)


def _shortfall_words(why: rr.TestShortfall) -> str:
    if isinstance(why, rr.PainOverLimit):
        template = _(SHORT_HOLD_HURT) if why.what == "hold" else _(SHORT_HOPS_HURT)
        return template.format(pain=why.pain, limit=why.limit)
    if why.both_sides:
        return ngettext(
            "Your weaker leg did {reps} heel raise; each leg needs {need}",
            "Your weaker leg did {reps} heel raises; each leg needs {need}",
            why.reps,
        ).format(reps=why.reps, need=why.need)
    return ngettext(
        "You did {reps} heel raise; the test needs {need} (or {percent}% of your other side)",
        "You did {reps} heel raises; the test needs {need} (or {percent}% of your other side)",
        why.reps,
    ).format(reps=why.reps, need=why.need, percent=i18n.number(why.other_side_fraction * 100, 0))


def _referral_words(why: rr.ReferralWhy) -> str:
    match why:
        case rr.SevereMornings():
            return ngettext(
                "Your first steps hurt {pain}/10 or more on {mornings} morning this week.",
                "Your first steps hurt {pain}/10 or more on {mornings} mornings this week.",
                why.mornings,
            ).format(pain=why.pain, mornings=why.mornings)
        case rr.ManyFlares():
            return ngettext(
                "You have had {flares} morning flare in the last {days} days.",
                "You have had {flares} morning flares in the last {days} days.",
                why.flares,
            ).format(flares=why.flares, days=why.days)
        case rr.Stuck():
            return ngettext(
                "The dose has not been able to go up for {days} day because the pain keeps "
                "reaching the limit.",
                "The dose has not been able to go up for {days} days because the pain keeps "
                "reaching the limit.",
                why.days,
            ).format(days=why.days)
        case rr.RisingMornings():
            return ngettext(
                "Your average morning pain has gone up {weeks} week in a row.",
                "Your average morning pain has gone up {weeks} weeks in a row.",
                why.weeks,
            ).format(weeks=why.weeks)
        case rr.ReviewNotImproved():
            return ngettext(
                "At {week} week your morning pain is no better than at the start and the "
                "heel-raise count is no higher.",
                "At {week} weeks your morning pain is no better than at the start and the "
                "heel-raise count is no higher.",
                why.week,
            ).format(week=why.week)
        case rr.ReviewRatedPoorly():
            rated = REFER_REVIEW_RATED[why.rating.value if why.rating else None]
            return _(rated).format(week=why.week)
    assert_never(why)


def _requirement_value(value: object) -> object:
    """A requirement's value as its sentence shows it: dates and kilograms in local words."""
    if isinstance(value, date):
        return day_words(value)
    if isinstance(value, float):
        return i18n.number(value, 2)
    return value


def _counted_requirement(req: rr.Requirement) -> tuple[str, str] | None:
    """(label, detail) of a requirement that counts days, weeks or holds; None for the others."""
    match req:
        case rr.NoFlareFor():
            label = ngettext(
                "No morning flare in the last {days} day",
                "No morning flare in the last {days} days",
                req.days,
            )
            return label, _("none")
        case rr.TopHolds():
            label = ngettext(
                "Reach {sets} hold of {hold_s} s", "Reach {sets} holds of {hold_s} s", req.sets
            )
            return label, _("step {step} of {steps}")
        case rr.DaysAtTop():
            label = ngettext(
                "{days} day in a row at the top with pain {max_pain}/10 or less",
                "{days} days in a row at the top with pain {max_pain}/10 or less",
                req.days,
            )
            return label, ngettext(
                "{good_days} of {days} day", "{good_days} of {days} days", req.days
            )
        case rr.CalmMorningsAfter():
            detail = ngettext(
                "{calm} of {days} calm morning answered",
                "{calm} of {days} calm mornings answered",
                req.days,
            )
            return _("No morning flare after those days"), detail
        case rr.DaysInStage():
            label = ngettext(
                "At least {min_days} day in Stage {stage}",
                "At least {min_days} days in Stage {stage}",
                req.min_days,
            )
            return label, ngettext("{days} day so far", "{days} days so far", req.days)
        case rr.WeeksInStage():
            label = ngettext(
                "At least {min_weeks} week in Stage {stage}",
                "At least {min_weeks} weeks in Stage {stage}",
                req.min_weeks,
            )
            return label, ngettext("{weeks} week so far", "{weeks} weeks so far", req.weeks)
        case rr.WeeksInProgramme():
            label = ngettext(
                "At least {min_weeks} week in the programme",
                "At least {min_weeks} weeks in the programme",
                req.min_weeks,
            )
            return label, ngettext("{weeks} week so far", "{weeks} weeks so far", req.weeks)
        case rr.LowPainDaysOnFullLadder():
            label = ngettext(
                "{days} low-pain day on the full ladder",
                "{days} low-pain days on the full ladder",
                req.days,
            )
            return label, ngettext("{so_far} day so far", "{so_far} days so far", req.so_far)
    return None


def requirement_words(req: rr.Requirement) -> tuple[str, str]:
    """A gate requirement as /stage lists it: its label and how far the person is."""
    values = {k: _requirement_value(v) for k, v in req if k != "kind"}
    counted = _counted_requirement(req)
    if counted is not None:
        label, detail = counted
    else:
        english_label, english_detail = REQUIREMENTS[req.kind]
        label, detail = _(english_label), _(english_detail) if english_detail else ""
    if isinstance(req, rr.NoFlareFor) and req.last_flare is not None:
        detail = _(REQUIREMENT_LAST_FLARE).format(on=day_words(req.last_flare))
    elif isinstance(req, rr.PainAtThatDose) and req.met:
        detail = _(REQUIREMENT_DONE)
    return label.format(**values), detail.format(**values)


def gate_hold_out_of_reach(h: rr.HoldOutOfReach) -> str:
    """Why the Stage 4 test is the endurance and hop test (no weight for the checkpoint)."""
    return _(GATE_HOLD_OUT_OF_REACH).format(
        need=i18n.number(h.need_kg, 0), have=i18n.number(h.have_kg, 2)
    )


def reason_text(reason: rr.Reason) -> str:
    """Words for an engine decision's reason (plain text: escape it for HTML)."""
    match reason:
        case rr.SetNotStarted():
            return _(REASON_SET_NOT_STARTED)
        case rr.SetEndSession():
            return _(REASON_SET_END_SESSION).format(pain=reason.pain)
        case rr.SetStopExercise():
            return _(REASON_SET_STOP_EXERCISE).format(pain=reason.pain, ceiling=reason.ceiling)
        case rr.SetRedExerciseDone():
            return _(REASON_SET_RED_EXERCISE_DONE).format(pain=reason.pain, ceiling=reason.ceiling)
        case rr.SetDropRung():
            dose = dose_text(reason.next, sets=False, stance=True)
            return _(REASON_SET_DROP_RUNG).format(
                pain=reason.pain, ceiling=reason.ceiling, dose=dose
            )
        case rr.SetAtCeilingAdvice():
            t = _(REASON_SET_AT_CEILING_DONE) if reason.exercise_done else _(REASON_SET_AT_CEILING)
            return t.format(pain=reason.pain)
        case rr.SetComfortable():
            t = (
                _(REASON_SET_COMFORTABLE_DONE)
                if reason.exercise_done
                else _(REASON_SET_COMFORTABLE)
            )
            return t.format(pain=reason.pain)
        case rr.Stopped():
            flag = red_flag_name(reason.flag) if reason.flag else _(REASON_STOPPED_UNKNOWN_FLAG)
            return _(REASON_STOPPED).format(flag=flag)
        case rr.Paused():
            return _(REASON_PAUSED)
        case rr.GapRecheck():
            return ngettext(
                "It has been {days} day since your last session, so we re-check your morning "
                "pain and do a heel-raise test, then restart Stage {stage} at its entry dose, "
                "with every exercise lighter than before the break.",
                "It has been {days} days since your last session, so we re-check your morning "
                "pain and do a heel-raise test, then restart Stage {stage} at its entry dose, "
                "with every exercise lighter than before the break.",
                reason.days,
            ).format(days=reason.days, stage=reason.stage)
        case rr.GapLighter():
            return ngettext(
                "It has been {days} day since your last session, so every exercise restarts "
                "about a fifth lighter ({dose}) and builds back up.",
                "It has been {days} days since your last session, so every exercise restarts "
                "about a fifth lighter ({dose}) and builds back up.",
                reason.days,
            ).format(days=reason.days, dose=dose_words(reason.dose))
        case rr.FlareStageDown():
            return ngettext(
                "This is the second flare within {window} day ({answer}), so you go back to "
                "the start of Stage {stage} to let the tendon settle.",
                "This is the second flare within {window} days ({answer}), so you go back to "
                "the start of Stage {stage} to let the tendon settle.",
                reason.window_days,
            ).format(
                window=reason.window_days, answer=_answer_words(reason.answer), stage=reason.stage
            )
        case rr.FlareBackToFirstHolds():
            return ngettext(
                "This is the second flare within {window} day ({answer}), so you go back to "
                "the first holds of Stage 1.",
                "This is the second flare within {window} days ({answer}), so you go back to "
                "the first holds of Stage 1.",
                reason.window_days,
            ).format(window=reason.window_days, answer=_answer_words(reason.answer))
        case rr.FlareLighter():
            return _(REASON_FLARE_LIGHTER).format(
                answer=_answer_words(reason.answer), dose=dose_words(reason.dose)
            )
        case rr.FlareLightest():
            return _(REASON_FLARE_LIGHTEST).format(
                answer=_answer_words(reason.answer), dose=dose_words(reason.dose)
            )
        case rr.ReferralOpen():
            return _(REASON_REFERRAL_OPEN)
        case rr.SettledAmberStepUp():
            return ngettext(
                "Your last {sessions} session reached {ceiling}/10 but never more, and each "
                "next morning was calm: pain that settles by the morning is fine, so you step "
                "up a little to {dose}.",
                "Your last {sessions} sessions reached {ceiling}/10 but never more, and each "
                "next morning was calm: pain that settles by the morning is fine, so you step "
                "up a little to {dose}.",
                reason.sessions,
            ).format(sessions=reason.sessions, ceiling=reason.ceiling, dose=dose_words(reason.dose))
        case rr.SameDose():
            return _(REASON_SAME_DOSE).format(answer=_answer_words(reason.answer))
        case rr.TrendHold():
            return _(REASON_TREND_HOLD).format(until=day_words(reason.until))
        case rr.FlareCooldown():
            return _(REASON_FLARE_COOLDOWN)
        case rr.RecheckDue():
            return _(REASON_RECHECK_DUE)
        case rr.GateOffer():
            text = _(REASON_GATE_OFFERS.get(reason.test.value, REASON_GATE_OFFER_OTHER))
            if reason.hold_out_of_reach is not None:
                text += " " + gate_hold_out_of_reach(reason.hold_out_of_reach)
            return text
        case rr.RunStepUp():
            return _(REASON_RUN_STEP_UP).format(
                new=run_step_words(reason.step_to), old=run_step_words(reason.step_from)
            )
        case rr.EffortLighter():
            lighter = "; ".join(load_change_words(c) for c in reason.lighter)
            if reason.new_week:
                text = _(REASON_EFFORT_LIGHTER_NEW_WEEK).format(
                    new_week=_new_week_words(reason.new_week), lighter=lighter
                )
            else:
                text = _(REASON_EFFORT_LIGHTER).format(lighter=lighter)
            if reason.heavier:
                heavier = "; ".join(load_change_words(c) for c in reason.heavier)
                text += _(REASON_EFFORT_ALSO_HEAVIER).format(heavier=heavier)
            return text
        case rr.EffortHeavier():
            heavier = "; ".join(load_change_words(c) for c in reason.heavier)
            if reason.new_week:
                return _(REASON_EFFORT_HEAVIER_NEW_WEEK).format(
                    new_week=_new_week_words(reason.new_week), heavier=heavier
                )
            return _(REASON_EFFORT_HEAVIER).format(heavier=heavier)
        case rr.StepUp():
            return _(REASON_STEP_UP).format(pain_max=reason.pain_max, dose=dose_words(reason.dose))
        case rr.LoadStepWait():
            return _(REASON_LOAD_STEP_WAIT).format(on=day_words(reason.on))
        case rr.StaleDoseNudge():
            raised = ", ".join(dose_words(r) for r in reason.raised)
            return ngettext(
                "Pain has stayed low for {days} day at the same dose, so we add a little: "
                "{raised}. A tendon needs a rising load to keep getting stronger.",
                "Pain has stayed low for {days} days at the same dose, so we add a little: "
                "{raised}. A tendon needs a rising load to keep getting stronger.",
                reason.days,
            ).format(days=reason.days, raised=raised)
        case rr.NewWeekStarts():
            new_week = _new_week_words(reason.new_week)
            if reason.loads:
                loads = "; ".join(load_change_words(c) for c in reason.loads)
                return _(REASON_NEW_WEEK_LOADS).format(new_week=new_week, loads=loads)
            return _(REASON_NEW_WEEK_SAME_LOADS).format(new_week=new_week)
        case rr.NothingToJudge():
            return _(REASON_NOTHING_TO_JUDGE)
        case rr.LoadsHold():
            return _(REASON_LOADS_HOLD)
        case rr.TopOfLadder():
            text = _(REASON_TOP_OF_LADDER)
            if (still := reason.still_to_come) is not None:
                label, detail = requirement_words(still)
                text += _(REASON_STILL_TO_COME).format(label=label.lower(), detail=detail)
            return text
        case rr.OneMoreSession():
            return _(REASON_ONE_MORE_SESSION).format(pain_max=reason.pain_max)
        case rr.NoTestActive():
            return _(REASON_NO_TEST_ACTIVE)
        case rr.TestNotDue():
            unmet = "; ".join(
                _("{label} ({detail})").format(label=label, detail=detail)
                for label, detail in map(requirement_words, reason.unmet)
            )
            return _(REASON_TEST_NOT_DUE).format(unmet=unmet)
        case rr.TestNeedsAnswers():
            names = [
                _(TEST_ANSWER_NAMES[f]) if f in TEST_ANSWER_NAMES else f for f in reason.missing
            ]
            template = _(REASON_TEST_NEEDS.get(reason.test.value, REASON_TEST_NEEDS_OTHER))
            return template.format(answers=", ".join(names))
        case rr.HopTestPassed():
            return ngettext(
                "{hops} hop at {pain}/10: your tendon is ready for some running, if you run or "
                "want to.",
                "{hops} hops at {pain}/10: your tendon is ready for some running, if you run "
                "or want to.",
                reason.hops,
            ).format(hops=reason.hops, pain=reason.pain)
        case rr.HopTestFailed():
            return ngettext(
                "The hops hurt {pain}/10; the limit is {limit}. The hop sessions go on, and "
                "the test comes again in {days} day.",
                "The hops hurt {pain}/10; the limit is {limit}. The hop sessions go on, and "
                "the test comes again in {days} days.",
                reason.retest_days,
            ).format(pain=reason.pain, limit=reason.limit, days=reason.retest_days)
        case rr.RecheckPassed():
            return ngettext(
                "Re-check passed ({reps} heel raise, calm morning), so you restart Stage "
                "{stage} at its entry dose.",
                "Re-check passed ({reps} heel raises, calm morning), so you restart Stage "
                "{stage} at its entry dose.",
                reason.reps,
            ).format(reps=reason.reps, stage=reason.stage)
        case rr.RecheckFailed():
            short_reps = reason.reps < reason.need
            if short_reps and reason.flare:
                why = ngettext(
                    "{reps} heel raise where {need} are needed and a morning flare",
                    "{reps} heel raises where {need} are needed and a morning flare",
                    reason.reps,
                )
            elif short_reps:
                why = ngettext(
                    "{reps} heel raise where {need} are needed",
                    "{reps} heel raises where {need} are needed",
                    reason.reps,
                )
            else:
                why = _(RECHECK_SHORT_FLARE) if reason.flare else ""
            template = (
                _(REASON_RECHECK_FAILED_STAGE_DOWN)
                if reason.stage_down
                else _(REASON_RECHECK_FAILED_SAME_STAGE)
            )
            why = why.format(reps=reason.reps, need=reason.need)
            return template.format(why=why, stage=reason.stage)
        case rr.HoldsReviewPassed():
            return _(REASON_HOLDS_REVIEW_PASSED)
        case rr.Graduated():
            return _(REASON_GRADUATED)
        case rr.HeelRaisesPassed():
            entry = reason.test.value == "stage3_entry"
            template = (
                ngettext(
                    "You did {reps} single-leg heel raise. If tomorrow morning is calm, you start "
                    "heavy slow resistance (Stage 3) the day after this test.",
                    "You did {reps} single-leg heel raises. If tomorrow morning is calm, you start "
                    "heavy slow resistance (Stage 3) the day after this test.",
                    reason.reps,
                )
                if entry
                else ngettext(
                    "You did {reps} single-leg heel raise with pain under control. If tomorrow "
                    "morning is calm, you move to Stage 3 (heavy slow resistance three times a "
                    "week) the day after this test.",
                    "You did {reps} single-leg heel raises with pain under control. If tomorrow "
                    "morning is calm, you move to Stage 3 (heavy slow resistance three times a "
                    "week) the day after this test.",
                    reason.reps,
                )
            )
            return template.format(reps=reason.reps)
        case rr.HeelRaisesFailed():
            entry = reason.test.value == "stage3_entry"
            template = (
                ngettext(
                    "You did {reps} single-leg heel raise (Stage 3 needs {need}), so you stay in "
                    "Stage 2 for now.",
                    "You did {reps} single-leg heel raises (Stage 3 needs {need}), so you stay in "
                    "Stage 2 for now.",
                    reason.reps,
                )
                if entry
                else ngettext(
                    "You did {reps} single-leg heel raise; Stage 3 needs {need}. Keep going with "
                    "Stage 2 and try again in {days} days.",
                    "You did {reps} single-leg heel raises; Stage 3 needs {need}. Keep going with "
                    "Stage 2 and try again in {days} days.",
                    reason.reps,
                )
            )
            return template.format(reps=reason.reps, need=reason.need, days=reason.retest_days)
        case rr.HoldNotDone():
            return ngettext(
                "You couldn't hold the {seconds} s yet, which is common: the heavy work of "
                "Stage 3 builds exactly that strength. Try the checkpoint again in {days} day.",
                "You couldn't hold the {seconds} s yet, which is common: the heavy work of "
                "Stage 3 builds exactly that strength. Try the checkpoint again in {days} days.",
                reason.retest_days,
            ).format(seconds=reason.seconds, days=reason.retest_days)
        case rr.Stage4TestFailed():
            checkpoint = reason.test.value == "loaded_hold"
            template = (
                ngettext(
                    "{why}. Stage 3 continues; the checkpoint can be repeated in {days} day.",
                    "{why}. Stage 3 continues; the checkpoint can be repeated in {days} days.",
                    reason.retest_days,
                )
                if checkpoint
                else ngettext(
                    "{why}. Stage 3 continues; try again in {days} day.",
                    "{why}. Stage 3 continues; try again in {days} days.",
                    reason.retest_days,
                )
            )
            return template.format(why=_shortfall_words(reason.shortfall), days=reason.retest_days)
        case rr.CheckpointPassed():
            return ngettext(
                "Checkpoint passed today (hold pain {pain}/10, {reps} heel raise). If tomorrow "
                "morning is calm you move to Stage 4.",
                "Checkpoint passed today (hold pain {pain}/10, {reps} heel raises). If "
                "tomorrow morning is calm you move to Stage 4.",
                reason.reps,
            ).format(pain=reason.hold_pain, reps=reason.reps)
        case rr.EnduranceHopsPassed():
            return ngettext(
                "{reps} heel raise and {hops} hops at {pain}/10 today. If tomorrow morning is "
                "calm, you move to Stage 4 (hops and springy work) the day after this test.",
                "{reps} heel raises and {hops} hops at {pain}/10 today. If tomorrow morning is "
                "calm, you move to Stage 4 (hops and springy work) the day after this test.",
                reason.reps,
            ).format(reps=reason.reps, hops=reason.hops, pain=reason.pain)
        case rr.NoMorningAfterTest():
            return _(REASON_NO_MORNING_AFTER_TEST)
        case rr.CalmMorningStageUp():
            words = STAGE_UP_WORDS.get(reason.stage)
            stage = _(words) if words else _("Stage {n}").format(n=reason.stage)
            return _(REASON_CALM_MORNING_STAGE_UP).format(pain=reason.pain, stage=stage)
        case rr.Refer():
            return _(REASON_REFER).format(why=_referral_words(reason.why), see=_(REFER_SEE))
        case rr.HeelRaisesCounted():
            if reason.last is None:
                counted = ngettext(
                    "{reps} single-leg heel raise; you started with {start}. I'll ask again in "
                    "two weeks.",
                    "{reps} single-leg heel raises; you started with {start}. I'll ask again in "
                    "two weeks.",
                    reason.reps,
                )
            else:
                counted = ngettext(
                    "{reps} single-leg heel raise (last time {last}); you started with {start}. "
                    "I'll ask again in two weeks.",
                    "{reps} single-leg heel raises (last time {last}); you started with {start}. "
                    "I'll ask again in two weeks.",
                    reason.reps,
                )
            return counted.format(reps=reason.reps, last=reason.last, start=reason.start)
        case rr.RedFlagStop():
            return _(REASON_RED_FLAG_STOP).format(
                flag=red_flag_name(reason.flag), advice=red_flag_advice(reason.flag)
            )
        case rr.LegacyText():
            return reason.text
    assert_never(reason)


# -- The programme's own words: exercises, walk-jog changes, red flags, the assessment ---------
# rehab keeps these in English as stable ids (and the simulator's words); what users read is
# worded here, keyed by the exercise's id or the flag's code (tests/unit/bot/test_rehab_words.py
# keeps the two in step).

EXERCISE_NAMES: dict[str, str] = {
    "iso_calf_hold_straight": N_("Calf-raise hold, straight knees"),
    "iso_calf_hold_bent": N_("Calf-raise hold, bent knees"),
    "slow_calf_raise": N_("Slow calf raise, both legs"),
    "heel_drop_straight_step": N_("Heel drop off a step, straight knee"),
    "heel_drop_straight_floor": N_("Heel drop on the floor, straight knee"),
    "heel_drop_bent_step": N_("Heel drop off a step, bent knee"),
    "heel_drop_bent_floor": N_("Heel drop on the floor, bent knee"),
    "seated_calf_raise": N_("Seated calf raise, weight on the knees"),
    "sl_calf_raise_step": N_("Single-leg calf raise on a step, loaded"),
    "sl_calf_raise_floor": N_("Single-leg calf raise on the floor, loaded"),
    "sl_seated_calf_raise": N_("Single-leg seated calf raise, loaded"),
    "leg_press_calf_raise": N_("Leg-press calf raise (gym)"),
    "seated_machine_calf_raise": N_("Seated calf-raise machine (gym)"),
    "sl_loaded_hold": N_("Single-leg loaded calf-raise hold"),
    "hop_two_legs": N_("Mini hops, both legs"),
    "hop_single_leg": N_("Mini hops, single leg"),
    "skipping": N_("Skipping"),
    "acceleration_runs": N_("Short acceleration runs"),
    "walk_jog": N_("Walk–jog"),
    "bounding": N_("Bounding"),
}
EXERCISE_HOW_TO: dict[str, str] = {
    "iso_calf_hold_straight": N_(
        "Stand on flat floor with a hand on a wall, knees straight.\n"
        "Lift both heels about halfway up and stay there, pushing firmly and steadily.\n"
        "No bouncing; lower slowly when the time is up."
    ),
    "iso_calf_hold_bent": N_(
        "Stand on flat floor, hands on a wall, knees softly bent over your toes.\n"
        "Keep the knees bent, lift both heels halfway and hold that height steadily.\n"
        "This works the deeper calf muscle (soleus)."
    ),
    "slow_calf_raise": N_(
        "On flat floor, rise onto the balls of both feet while counting to three.\n"
        "Lower just as slowly, counting to three, until the heels touch the floor."
    ),
    "heel_drop_straight_step": N_(
        "Stand with the balls of your feet on a step edge and rise up on both feet.\n"
        "Shift onto the sore leg; lower that heel below the step counting the seconds.\n"
        "Use both feet to come back up."
    ),
    "heel_drop_straight_floor": N_(
        "On flat floor, rise onto the balls of both feet.\n"
        "Shift onto the sore leg; lower that heel to the floor counting the seconds.\n"
        "Stop at floor level; use both feet to rise again."
    ),
    "heel_drop_bent_step": N_(
        "As the straight-knee heel drop, but keep the knee softly bent throughout.\n"
        "Lower the heel on the sore side below the step counting the seconds, then rise\n"
        "on both feet."
    ),
    "heel_drop_bent_floor": N_(
        "On flat floor with knees softly bent, rise onto the balls of both feet.\n"
        "Lower the sore side's heel to the floor counting the seconds, knee still bent."
    ),
    "seated_calf_raise": N_(
        "Sit with feet flat and rest the added weight (a bag or dumbbell) on your knees.\n"
        "Lift and lower the heels slowly, counting the seconds.\n"
        "With no weight yet, press down on your knees with your hands."
    ),
    "sl_calf_raise_step": N_(
        "Stand on the sore leg on a step edge, holding the weight and a rail.\n"
        "Rise, then lower below the step, counting the seconds; keep the knee straight."
    ),
    "sl_calf_raise_floor": N_(
        "Stand on the sore leg on flat floor, holding the weight and a support.\n"
        "Rise, then lower to the floor, counting the seconds; knee straight."
    ),
    "sl_seated_calf_raise": N_(
        "Sit with the weight resting on the sore side's knee, foot flat on the floor.\n"
        "Lift and lower the heel slowly, counting the seconds."
    ),
    "leg_press_calf_raise": N_(
        "On the leg press, knees straight, balls of the feet on the platform's edge.\n"
        "Push the platform away with your ankles, then return, counting the seconds;\n"
        "stop where the ankle is level if the pain is at the heel bone."
    ),
    "seated_machine_calf_raise": N_(
        "Sit in the machine, pad on your thighs, the balls of the feet on the bar.\n"
        "Lift and lower counting the seconds; keep the heels level with the bar if\n"
        "the pain is at the heel bone."
    ),
    "sl_loaded_hold": N_(
        "Stand on the sore leg on flat floor holding the weight, a hand on a support.\n"
        "Lift the heel halfway and hold it there firmly; rest two minutes between holds."
    ),
    "hop_two_legs": N_(
        "Small, quick, springy hops on the balls of both feet, knees nearly straight.\n"
        "Each landing is one ground contact; rest a minute between sets."
    ),
    "hop_single_leg": N_(
        "Small springy hops on the sore leg only, staying on the ball of the foot.\n"
        "Stop the set if the landing turns heavy or the pain passes 3/10."
    ),
    "skipping": N_(
        "Skip lightly on the spot or with a rope, landing softly on your forefoot.\n"
        "Count every landing as one contact."
    ),
    "acceleration_runs": N_(
        "Build from a jog to a brisk run over about 20 metres, then walk back.\n"
        "Count foot strikes as contacts; no all-out sprinting."
    ),
    "walk_jog": N_(
        "On level ground, walk briskly for the walk time, then jog easily.\n"
        "Easy pace: you can talk in full sentences. Stop if the pain passes 3/10."
    ),
    "bounding": N_(
        "Long, springy running strides, pushing off strongly from each foot.\n"
        "Each landing is one contact; walk back between sets."
    ),
}
# The walk-jog's last steps change one thing (RunStep.change, worded by `run_step_words`).
RUN_CHANGES: tuple[str, ...] = (
    N_("with 4 bursts of 30 s a little faster"),
    N_("with 6 bursts of 30 s a little faster"),
    N_("on a gently hilly route, easy pace"),
)
RED_FLAG_QUESTIONS: dict[str, str] = {
    "rupture": N_(
        "Did you feel a sudden pop or snap, or as if someone kicked the back of your heel, or can "
        "you suddenly no longer push off or stand on tiptoe on that leg?"
    ),
    "calf_clot": N_("Is one calf swollen, warm, red or tender to touch?"),
    "breathless_chest_pain": N_("Are you short of breath, or do you have chest pain?"),
    "hot_tendon_fever": N_(
        "Is the tendon hot, red and swollen while you have a fever or feel unwell?"
    ),
    "fluoroquinolone": N_(
        "Did the pain start while taking, or soon after, an antibiotic such as ciprofloxacin, "
        "levofloxacin or moxifloxacin?"
    ),
    "severe_rest_pain": N_("Do you have severe pain at rest or at night that does not ease?"),
    "inflammatory": N_(
        "Do you have several swollen joints, back stiffness that is worst in the morning, "
        "psoriasis, or eye inflammation?"
    ),
    "recent_rupture_or_surgery": N_(
        "Have you had an Achilles rupture or Achilles surgery in the last 12 months?"
    ),
    "under_16": N_("Are you under 16?"),
}
RED_FLAG_ADVICE: dict[str, str] = {
    "rupture": N_(
        "That can mean the tendon has torn. Please get seen today at urgent care or an emergency "
        "department, and do not exercise the leg until you have been checked."
    ),
    "calf_clot": N_(
        "A swollen, warm or tender calf can be a blood clot. Please get checked today at urgent "
        "care, and stop the exercises until then."
    ),
    "breathless_chest_pain": N_(
        "Call the emergency services now. Breathlessness or chest pain can mean a clot has moved "
        "to the lungs."
    ),
    "hot_tendon_fever": N_("That may be an infection or inflammation. Please see a doctor today."),
    "fluoroquinolone": N_(
        "These antibiotics can weaken tendons. Stop the exercises and contact the person who "
        "prescribed it before doing anything else."
    ),
    "severe_rest_pain": N_("Pain like that needs a doctor's look before any loading programme."),
    "inflammatory": N_(
        "These can point to an inflammatory condition that changes the treatment. Please see a "
        "doctor first."
    ),
    "recent_rupture_or_surgery": N_(
        "This programme is not made for rehab after a rupture or surgery. Please follow your "
        "surgeon's or physiotherapist's plan."
    ),
    "under_16": N_(
        "This programme is for adults and older teenagers; please see a physiotherapist."
    ),
}
RED_FLAG_NAMES: dict[str, str] = {
    "rupture": N_("a possible tendon tear"),
    "calf_clot": N_("a possible blood clot"),
    "breathless_chest_pain": N_("breathlessness or chest pain"),
    "hot_tendon_fever": N_("a possible infection"),
    "fluoroquinolone": N_("the antibiotic warning"),
    "severe_rest_pain": N_("severe pain at rest"),
    "inflammatory": N_("possible joint inflammation"),
    "recent_rupture_or_surgery": N_("a recent tear or surgery"),
    "under_16": N_("the age limit"),
}
RED_FLAG_UNKNOWN = "the warning sign"
RED_FLAG_SUSPECTED = 'You wrote "{matched}". To be safe, please confirm: {question}'

# The assessment's first sentence, by irritability and starting stage.
ASSESSMENT_OPENINGS: dict[tuple[str, int], str] = {
    ("low", 2): N_(
        "Your tendon seems fairly settled, so you start in Stage 2 with slow calf raises and "
        "heel drops."
    ),
    ("moderate", 1): N_(
        "Your tendon seems moderately irritable (it reacts to load), so you start in Stage 1 "
        "with gentle holds."
    ),
    ("high", 1): N_(
        "Your tendon seems very irritable at the moment, so you start in Stage 1 with gentle holds."
    ),
}
ASSESSMENT_INSERTIONAL = "Because the pain is at the heel bone, all work stays on flat floor."
ASSESSMENT_UNSURE = (
    "As the painful spot is unclear, we use the floor-only version to be safe; a physiotherapist "
    "can tell you which kind it is."
)
ASSESSMENT_ENTRY_TEST = "You chose to try the Stage 3 entry test first."


def exercise_name(exercise_id: str, unknown: str | None = None) -> str:
    """An exercise's name in the language in force (for an id we do not know: `unknown`, or the
    id itself)."""
    english = EXERCISE_NAMES.get(exercise_id)
    if english is None:
        return exercise_id if unknown is None else unknown
    return _(english)


def exercise_how_to(exercise_id: str) -> str:
    """An exercise's 2-3 lines of how-to, in the language in force."""
    english = EXERCISE_HOW_TO.get(exercise_id)
    return "" if english is None else _(english)


def red_flag_name(code: str) -> str:
    """What a red flag is, in a few plain words: `a possible tendon tear`."""
    return _(RED_FLAG_NAMES.get(code, RED_FLAG_UNKNOWN))


def red_flag_question(code: str) -> str:
    english = RED_FLAG_QUESTIONS.get(code)
    return "" if english is None else _(english)


def red_flag_advice(code: str) -> str:
    english = RED_FLAG_ADVICE.get(code)
    return "" if english is None else _(english)


def red_flag_suspected(code: str, matched: str) -> str:
    """The confirmation question for a red-flag word typed in a message (plain text)."""
    return _(RED_FLAG_SUSPECTED).format(matched=matched, question=red_flag_question(code))


def assessment_summary(a: Assessment) -> str:
    """Where the person starts, and why (plain text: escape it for HTML)."""
    opening = ASSESSMENT_OPENINGS.get((a.irritability.value, a.stage))
    if opening is None:
        return a.summary
    parts = [_(opening)]
    if a.presentation is Presentation.INSERTIONAL:
        parts.append(_(ASSESSMENT_INSERTIONAL))
    elif a.presentation is Presentation.UNSURE:
        parts.append(_(ASSESSMENT_UNSURE))
    if a.entry_test:
        parts.append(_(ASSESSMENT_ENTRY_TEST))
    return " ".join(parts)


def review_summary(r: ReviewStanding) -> str:
    """A review's standing against the start, one line a measure (plain text)."""
    lines = [
        _("Week {week} review: where you stand against where you started.").format(week=r.week)
    ]
    if r.morning_now is not None:
        morning = _("Morning pain: {then}/10 then, {now}/10 now.")
    else:
        morning = _("Morning pain: {then}/10 then, no answers this week.")
    now = None if r.morning_now is None else i18n.number(r.morning_now, 2)
    lines.append(morning.format(then=r.morning_then, now=now))
    if r.stiffness_now is not None:
        stiffness = _("Morning stiffness: {then} min then, {now} min now.")
    else:
        stiffness = _("Morning stiffness: {then} min then, not asked yet.")
    lines.append(stiffness.format(then=r.stiffness_then, now=r.stiffness_now))
    if r.raises_now is not None:
        raises = _("Single-leg heel raises: {then} then, {now} now.")
    else:
        raises = _("Single-leg heel raises: {then} then, not counted yet.")
    lines.append(raises.format(then=r.raises_then, now=r.raises_now))
    if r.maintenance:
        done = ngettext(
            "Now in maintenance; {done} of {n} planned session done.",
            "Now in maintenance; {done} of {n} planned sessions done.",
            r.planned,
        )
    else:
        done = ngettext(
            "Now in Stage {stage}; {done} of {n} planned session done.",
            "Now in Stage {stage}; {done} of {n} planned sessions done.",
            r.planned,
        )
    lines.append(done.format(stage=r.stage, done=r.done, n=r.planned))
    return "\n".join(lines)


# -- Doses: the one place a dose is put into words ----------------------------------------------
# Every dose users read (the exercise card, the set header, /today and /plan, the reminders,
# the onboarding summary, a lighter next set in a reason) comes from `dose_text`.

DOSE_SETS_OF = "{sets} × {work}"
DOSE_HOLD_S = "{seconds} s hold"
DOSE_REPS_HOLD_S = "{reps} × {seconds} s hold"
DOSE_TEMPO_WORDS = "{up} s up / {down} s down"
DOSE_REST = "rest {seconds} s"
DOSE_PARTS_JOIN = ", "


class Dosed(Protocol):
    """What a dose is read from: an exercise prescription, or a reason's next set."""

    @property
    def exercise_id(self) -> str: ...
    @property
    def reps(self) -> int | None: ...
    @property
    def hold_s(self) -> int | None: ...
    @property
    def contacts(self) -> int | None: ...
    @property
    def load_kg(self) -> float: ...
    @property
    def stance(self) -> Any: ...
    @property
    def leg(self) -> Any: ...


def is_machine(exercise_id: str) -> bool:
    """A gym machine's exercise: its load is the machine's weight, not weight added to yours."""
    spec = EXERCISES.get(exercise_id)
    return spec is not None and spec.machine


def load_text(ex: Dosed) -> str:
    """ "+7.5 kg" (added to body weight), or "70 kg on the machine"."""
    template = _(LOAD_MACHINE) if is_machine(ex.exercise_id) else _(LOAD_ADDED)
    return template.format(kg=i18n.number(ex.load_kg, 2))


def run_text(ex: object) -> str | None:
    """A walk-jog: "4 × (walk 2 min, jog 2 min)" or "26 min of easy running"; None otherwise."""
    jog = getattr(ex, "jog_min", None)
    if not jog:
        return None
    walk = getattr(ex, "walk_min", None) or 0
    if not walk:
        return _(RUN_DOSE_CONTINUOUS).format(jog=i18n.number(jog, 2))
    reps = getattr(ex, "reps", None) or 1
    return _(RUN_DOSE).format(reps=reps, walk=i18n.number(walk, 2), jog=i18n.number(jog, 2))


def stance_text(ex: Dosed) -> str | None:
    """Both legs or one (single-leg work names its leg); None when the exercise's name says it
    already, and for hops and runs (the name says it, and a run uses both legs)."""
    kind = str(getattr(ex, "kind", "") or "")
    if kind in ("plyo", "run"):
        return None
    if ex.leg is not None and str(ex.leg) in LEG_NAMES:
        return _(LEG_NAMES[str(ex.leg)])  # "left leg", "each leg in turn" (both sore)
    stance = _(STANCE_NAMES.get(str(ex.stance), str(ex.stance)))
    name = exercise_name(ex.exercise_id, getattr(ex, "name", None))
    return None if stance in name.lower() else stance  # "Slow calf raise, both legs"


def dose_text(
    ex: Dosed,
    *,
    sets: bool = True,
    stance: bool = False,
    tempo: bool = False,
    rest: bool = False,
) -> str:
    """A dose in words: `4 × 15 reps, one leg, +5 kg, rest 45 s`.

    ``sets=False``: one set (`15 reps, +5 kg`); ``stance``, ``tempo`` and ``rest`` add those
    parts. A walk-jog reads as its walk and jog minutes whatever is asked."""
    run = run_text(ex)
    if run is not None:
        return run
    reps = ex.reps
    if ex.contacts:
        work = ngettext(
            "{contacts} contact",
            "{contacts} contacts",
            ex.contacts,
        ).format(contacts=ex.contacts)
    elif ex.hold_s:
        template = _(DOSE_REPS_HOLD_S) if sets and reps and reps > 1 else _(DOSE_HOLD_S)
        work = template.format(reps=reps, seconds=ex.hold_s)
    else:
        work = ngettext(
            "{reps} rep",
            "{reps} reps",
            reps or 0,
        ).format(reps=reps or 0)
    parts = [_(DOSE_SETS_OF).format(sets=getattr(ex, "sets", 1), work=work) if sets else work]
    if stance and (words := stance_text(ex)) is not None:
        parts.append(words)
    if ex.load_kg:
        parts.append(load_text(ex))
    tempo_s = getattr(ex, "tempo_s", None)
    if tempo and tempo_s:
        parts.append(
            _(DOSE_TEMPO_WORDS).format(
                up=i18n.number(tempo_s[0], 2), down=i18n.number(tempo_s[1], 2)
            )
        )
    rest_s = getattr(ex, "rest_s", None)
    if rest and rest_s:
        parts.append(_(DOSE_REST).format(seconds=rest_s))
    return _(DOSE_PARTS_JOIN).join(parts)


class _Catalogue(types.ModuleType):
    """This module, whose texts read in the language in force: `texts.X` is `_(X)`.

    Module-level texts are English message ids (extracted by `make messages`); reading one
    through the module looks it up in the catalogue of the person being spoken to, so no call
    site can forget to. Tuples and dicts are not translated here: those are functions.
    """

    def __getattribute__(self, name: str) -> Any:
        value = super().__getattribute__(name)
        if type(value) is str and name[:1].isupper():
            return _(value)
        return value


sys.modules[__name__].__class__ = _Catalogue
