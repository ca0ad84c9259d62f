"""Per-key asyncio locks that live only while someone holds or waits for them."""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Hashable


class KeyedLocks:
    """One asyncio.Lock per key (a user id, a file's name), kept in a weak mapping: no growth.

    A caller keeps its lock alive while it holds or waits for it, so every caller for the same
    key meanwhile gets the same lock.
    """

    def __init__(self) -> None:
        self._locks: weakref.WeakValueDictionary[Hashable, asyncio.Lock] = (
            weakref.WeakValueDictionary()
        )

    def __call__(self, key: Hashable) -> asyncio.Lock:
        lock = self._locks.get(key)
        if lock is None:
            lock = self._locks[key] = asyncio.Lock()
        return lock
