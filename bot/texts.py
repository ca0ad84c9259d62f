"""Every user-facing sentence, in one place. HTML parse mode: escape anything the user typed.

Keep each message short enough to read on a phone without scrolling.
"""

from __future__ import annotations

from html import escape

BOTFATHER_GUIDANCE = """\
Achilles Coach needs a Telegram bot token to run.

How to get one:
  1. In Telegram, open a chat with @BotFather and send /newbot.
  2. Choose a name and a username; BotFather replies with a token like
     123456789:AAH...xyz.
  3. Put it in a file called .env next to this project:
       TELEGRAM_BOT_TOKEN=123456789:AAH...xyz
     (or export TELEGRAM_BOT_TOKEN in your shell).
See deploy/.env.example for every setting."""

COMMANDS: tuple[tuple[str, str], ...] = (
    ("start", "Begin, or see where you are"),
    ("today", "Today's session"),
    ("plan", "This week's plan"),
    ("stage", "Your stage and the next step"),
    ("test", "Take a test that is due"),
    ("progress", "Chart of your progress"),
    ("history", "The last 14 days"),
    ("pause", "Pause reminders"),
    ("resume", "Resume reminders"),
    ("settings", "Times, zone, weight, equipment"),
    ("export", "Download your data"),
    ("delete", "Delete all your data"),
    ("about", "What this is based on"),
    ("help", "List the commands"),
    ("cancel", "Leave the current step"),
)


def greeting(first_name: str) -> str:
    return (
        f"Hi {escape(first_name)}! I'm Achilles Coach. I guide you through a 12-week, "
        "pain-guided loading programme for Achilles tendon pain, one set at a time."
    )


def help_text() -> str:
    lines = ["<b>What I can do</b>"]
    lines += [f"/{name} – {escape(description)}" for name, description in COMMANDS]
    return "\n".join(lines)


ERROR_GENERIC = (
    "Sorry, something went wrong on my side. What you confirmed is saved. "
    "Please try again in a moment."
)

BUTTON_EXPIRED = "That button has expired. Here is where you are now:"
ALREADY_NOTED = "Already noted ✓"
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
    "A short one is better than none, and skipping is fine too."
)
REMINDER_TODAY = "<b>Today:</b> {dose}"
REMINDER_SNOOZE_OK = "OK, I'll remind you once more in {minutes} minutes."
REMINDER_ALREADY_SNOOZED = "Already snoozed: one more reminder is on its way."
REMINDER_SKIP_OK = "Noted: today's session is skipped. Rest up, see you next time."
REMINDER_STALE = "That reminder is no longer current. /today shows your session."
REMINDER_PAUSED = "Your reminders are paused. /resume turns them back on."
STAGE_LABEL = "Stage {stage}"
CHECKIN_QUESTION = (
    "Good morning! How did your Achilles feel in your first steps today?\n"
    "0 = no pain, 10 = worst imaginable."
)
WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
CADENCE_CHANGED = "Your new stage comes with a new rhythm: I'll remind you {rhythm}."
CADENCE_TWICE_DAILY = "twice a day, at {first} and {second}"
CADENCE_ONCE_DAILY = "once a day, at {first}"
CADENCE_THREE_WEEKLY = "three times a week, on {days} at {time}"
CADENCE_WEEKLY = "once a week, on {days} at {time}"
DAYS_DEFAULTED = (
    "You haven't picked training days yet, so I'll train you on {days}. "
    "You can change them any time in /settings."
)


def weekday_list(days: tuple[int, ...]) -> str:
    names = [WEEKDAY_NAMES[d] for d in days if 0 <= d < len(WEEKDAY_NAMES)]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def cadence_rhythm(
    cadence: str, session_times: tuple[str, ...], days: tuple[int, ...], at: str
) -> str:
    if cadence == "twice_daily" and len(session_times) >= 2:
        return CADENCE_TWICE_DAILY.format(first=session_times[0], second=session_times[1])
    if cadence in ("twice_daily", "once_daily") and session_times:
        return CADENCE_ONCE_DAILY.format(first=session_times[0])
    template = CADENCE_WEEKLY if cadence == "weekly" else CADENCE_THREE_WEEKLY
    return template.format(days=weekday_list(days), time=at)
