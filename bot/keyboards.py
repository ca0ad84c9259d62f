"""Inline keyboards shared by several features."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

PAIN_VALUES = tuple(range(11))


def pain_rows(make_data: Callable[[int], str]) -> list[list[InlineKeyboardButton]]:
    """0–10 buttons labelled exactly `0` … `10`, in two rows that fit a phone."""
    buttons = [InlineKeyboardButton(str(v), callback_data=make_data(v)) for v in PAIN_VALUES]
    return [buttons[:6], buttons[6:]]


def pain_keyboard(
    make_data: Callable[[int], str], extra: Sequence[tuple[str, str]] = ()
) -> InlineKeyboardMarkup:
    """The 0–10 pain keyboard, with optional extra buttons (label, data) underneath."""
    rows = pain_rows(make_data)
    rows += [[InlineKeyboardButton(label, callback_data=data)] for label, data in extra]
    return InlineKeyboardMarkup(rows)


def choices(options: Sequence[tuple[str, str]], per_row: int = 2) -> InlineKeyboardMarkup:
    """Buttons from (label, callback data) pairs, `per_row` to a row."""
    buttons = [InlineKeyboardButton(label, callback_data=data) for label, data in options]
    return InlineKeyboardMarkup([buttons[i : i + per_row] for i in range(0, len(buttons), per_row)])
