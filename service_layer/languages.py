"""Which language each person is spoken to in.

A person's own choice (onboarding or /settings) wins; until they make one, the language of their
Telegram app (`language_code`, stored at /start); English when it is neither of the ones we
speak. The answer is kept in memory for a minute, so an update does not cost a query, and
forgotten at once when this process stores a new choice (another replica learns it within
the minute).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from service_layer.runtime import Runtime
from storage.uow import UnitOfWork

DEFAULT = "en"
# English, Spanish, Russian: what the catalogues (bot/locales/) hold.
SUPPORTED: tuple[str, ...] = ("en", "es", "ru")
REMEMBER_S = 60.0


def from_telegram(code: str | None) -> str:
    """`es-419` → `es`, `ru` → `ru`, anything else → English."""
    if not code:
        return DEFAULT
    base = code.replace("_", "-").split("-", 1)[0].lower()
    return base if base in SUPPORTED else DEFAULT


@dataclass
class LanguageBook:
    """user id → (language, until when it is trusted), in memory."""

    ttl_s: float = REMEMBER_S
    monotonic: Callable[[], float] = time.monotonic
    _known: dict[int, tuple[str, float]] = field(default_factory=dict)

    def get(self, user_id: int) -> str | None:
        hit = self._known.get(user_id)
        if hit is None or hit[1] < self.monotonic():
            return None
        return hit[0]

    def put(self, user_id: int, language: str) -> None:
        if len(self._known) > 100_000:
            self._known.clear()
        self._known[user_id] = (language, self.monotonic() + self.ttl_s)

    def forget(self, user_id: int) -> None:
        self._known.pop(user_id, None)


def _book(runtime: Runtime) -> LanguageBook:
    book = runtime.extras.get("languages")
    if not isinstance(book, LanguageBook):
        book = LanguageBook()
        runtime.extras["languages"] = book
    return book


async def language_of(runtime: Runtime, user_id: int, telegram_code: str | None = None) -> str:
    """The language to speak to `user_id` in (`telegram_code`: their app's, for a newcomer)."""
    book = _book(runtime)
    known = book.get(user_id)
    if known is not None:
        return known
    async with runtime.uow() as uow:
        user = await uow.users.get(user_id)
        if user is None:
            return from_telegram(telegram_code)
        language = user.locale or from_telegram(user.language or telegram_code)
    book.put(user_id, language)
    return language


async def store(uow: UnitOfWork, user_id: int, language: str) -> bool:
    """Store the choice in the caller's transaction (the caller commits, then `remember`s);
    False when it is not a language we speak or the person is unknown."""
    if language not in SUPPORTED:
        return False
    user = await uow.users.get(user_id)
    if user is None:
        return False
    user.locale = language
    return True


def remember(runtime: Runtime, user_id: int, language: str) -> None:
    """The choice just committed is the answer from now on (the next update speaks it)."""
    _book(runtime).put(user_id, language)
