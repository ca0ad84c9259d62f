"""Callback data: a short prefix protocol, `prefix:arg:arg`, always within Telegram's 64 bytes.

Prefixes in use (each matched by an anchored pattern in bot/handlers/__init__.py):
  f:<version>:<payload>        a step of the user's current flow (onboarding, session, test, …)
                               (the welcome's language buttons: f:<version>:lang:<en|es|ru>)
  mc:<yyyymmdd>:<pain>         morning check-in answer
  rem:<yyyymmdd>:<slot>:<act>  reminder buttons (start, snooze, skip)
  del:<issued>:<yes|no>        /delete confirmation
  ses:open                     /today's Start or Continue
  learn:<topic>                a topic of /learn
  show:<exercise id>           "Show me": the exercise's picture again
  tempo:<up>-<down>-<pause>    "Tempo guide": the looping animation for that tempo
  ans                          the ✓ left in place of an answered question's buttons
  ref:seen                     "I've been seen" after a referral (issue 11)
  rv:<week>:<rating>           the rating at the week 6 / 12 review
  run:<yes|no>                 "do you run?" before the walk-jog block (Stage 4)
  st:<yyyymmdd>:<minutes>      that morning's stiffness (asked once a week at the check-in)
  home:<over|cleared|days>     /start's status buttons (start over, cleared by a clinician) and
                               "Choose my days" on the notice that Stage 3 needs training days
Anything else (a forged or stale button) gets "that button has expired".
"""

from __future__ import annotations

MAX_CALLBACK_BYTES = 64
CHOOSE_DAYS_DATA = "home:days"
SEPARATOR = ":"


class CallbackDataError(ValueError):
    """Raised when callback data cannot be built or parsed."""


def pack(*parts: str | int) -> str:
    """Join parts into callback data; refuses separators inside parts and data over 64 bytes."""
    texts = [str(p) for p in parts]
    if any(SEPARATOR in t for t in texts[:-1]):
        raise CallbackDataError(f"separator inside callback part: {texts!r}")
    data = SEPARATOR.join(texts)
    if len(data.encode()) > MAX_CALLBACK_BYTES:
        raise CallbackDataError(f"callback data over {MAX_CALLBACK_BYTES} bytes: {data!r}")
    return data


def unpack(data: str | None, prefix: str, count: int) -> list[str]:
    """Split `data` that must start with `prefix` into exactly `count` arguments after it.

    The last argument may itself contain separators. Raises CallbackDataError otherwise.
    """
    if not data:
        raise CallbackDataError("empty callback data")
    head, _, rest = data.partition(SEPARATOR)
    if head != prefix:
        raise CallbackDataError(f"unexpected prefix in {data!r}")
    args = rest.split(SEPARATOR, count - 1) if count > 0 else []
    if len(args) != count or any(a == "" for a in args[:-1]):
        raise CallbackDataError(f"malformed callback data {data!r}")
    return args


def flow_data(version: int, payload: str) -> str:
    """Callback data for a button of the current flow step."""
    return pack("f", version, payload)
