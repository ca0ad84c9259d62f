"""Which incoming update the current task is handling, and what it has committed so far.

The bot sets it around the handling of each update (bot/telegram_bot.py). A unit of work that
commits while it is set marks that update done in the same transaction (storage/uow.py), so an
update's effects and its "done" are stored together or not at all; and the error handler can
tell truthfully whether anything was saved before a failure.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass
class Handling:
    """The update being handled (None: not from the inbox) and how many commits it made.

    `replay_safe`: the handler may run again after a crash without harm (it only reads or its
    writes are idempotent), so its commits leave "done" to the end of the handling: a crash
    before its reply then replays it instead of leaving the person without an answer."""

    update_id: int | None
    commits: int = 0
    replay_safe: bool = False


_current: ContextVar[Handling | None] = ContextVar("handling", default=None)


def current() -> Handling | None:
    return _current.get()


@contextmanager
def handling(update_id: int | None) -> Iterator[Handling]:
    """Mark the enclosed code (and the tasks it starts) as handling `update_id`."""
    scope = Handling(update_id)
    token = _current.set(scope)
    try:
        yield scope
    finally:
        _current.reset(token)


def mark_replay_safe() -> None:
    """Called by a handler whose work may safely be done again after a crash."""
    scope = _current.get()
    if scope is not None:
        scope.replay_safe = True


def committed() -> bool:
    """True if the update being handled has committed anything."""
    scope = _current.get()
    return scope is not None and scope.commits > 0
