"""The person's language: gettext catalogues (Babel), plural forms and locale formats.

Every text is written in English in the source (the message id) and looked up in the
catalogue of the language in force, `bot/locales/<lang>/LC_MESSAGES/messages.mo`, compiled from
the `.po` beside it by `make messages`. The language in force is a context variable: set once
per update (bot/app.py, from the person's choice or Telegram's `language_code`) and once per
reminder (bot/notifier.py), so the code that words a message never passes it around.

    _("Hi {name}!").format(name=...)          a sentence
    ngettext("{n} set", "{n} sets", n)         a sentence with a count (Russian has three forms)
    N_("...")                                  marks a module-level text for extraction; the
                                               catalogue module (bot/texts.py) translates it
                                               each time it is read
"""

from __future__ import annotations

import gettext as _gettext
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, time
from functools import cache
from pathlib import Path

from babel import Locale
from babel.dates import format_date, format_time, get_timezone, get_timezone_location
from babel.numbers import format_decimal
from babel.support import Translations

from service_layer.languages import DEFAULT, SUPPORTED

LOCALES_DIR = Path(__file__).parent / "locales"
DOMAIN = "messages"

_current: ContextVar[str] = ContextVar("language", default=DEFAULT)


@cache
def translations(language: str) -> _gettext.NullTranslations:
    """The compiled catalogue of `language` (English is the source: no catalogue)."""
    if language == DEFAULT or language not in SUPPORTED:
        return _gettext.NullTranslations()
    return Translations.load(str(LOCALES_DIR), [language], DOMAIN)


@cache
def locale(language: str) -> Locale:
    return Locale.parse(language)


def current() -> str:
    """The language in force (an ISO code of SUPPORTED)."""
    return _current.get()


@contextmanager
def using(language: str | None) -> Iterator[str]:
    """Speak `language` (or English, when it is not one we speak) inside the block."""
    chosen = language if language in SUPPORTED else DEFAULT
    token = _current.set(chosen)
    try:
        yield chosen
    finally:
        _current.reset(token)


def speak(language: str | None) -> None:
    """Speak `language` from here to the end of the current task (one update, one reminder)."""
    _current.set(language if language in SUPPORTED else DEFAULT)


def _(message: str) -> str:
    """`message` in the language in force."""
    return translations(_current.get()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a counted message for `n`, formatted with `n=n` (and nothing else)."""
    return translations(_current.get()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark a text for extraction without translating it here (bot/texts.py does, when read)."""
    return message


# --- formats of the language in force ---


def day_month(day: date) -> str:
    """`Tue 1 Dec`, `mar, 1 dic`, `вт, 1 дек.`"""
    loc = locale(_current.get())
    weekday = format_date(day, "EEE", locale=loc)
    return f"{weekday} {format_date(day, 'd MMM', locale=loc)}"


def long_date(day: date) -> str:
    """`1 December 2026` in the person's words."""
    return format_date(day, "long", locale=locale(_current.get()))


def weekday_short(weekday: int) -> str:
    """Mon..Sun (0 = Monday) in short, in the language in force."""
    names = locale(_current.get()).days["stand-alone"]["abbreviated"]
    return str(names[weekday])


def weekday_long(weekday: int) -> str:
    names = locale(_current.get()).days["stand-alone"]["wide"]
    return str(names[weekday])


def clock(at: time | datetime) -> str:
    """A time of day, 24-hour (`07:30`) in every language we speak."""
    return format_time(at, "HH:mm", locale=locale(_current.get()))


def city(zone: str) -> str:
    """The city an IANA zone is named after, as the language in force writes it (`Berlín`,
    `Нью-Йорк`; `UTC` stays `UTC`)."""
    return str(
        get_timezone_location(get_timezone(zone), locale=locale(_current.get()), return_city=True)
    )


def number(value: float, places: int = 1) -> str:
    """`12.5` or `12,5`: the decimal sign of the language in force; no trailing zeros."""
    pattern = "#,##0." + "#" * places if places else "#,##0"
    return format_decimal(value, format=pattern, locale=locale(_current.get()))
