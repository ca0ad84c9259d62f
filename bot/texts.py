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
