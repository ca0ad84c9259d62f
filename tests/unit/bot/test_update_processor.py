"""Updates of different people run in parallel; one person's run one at a time, in order."""

from __future__ import annotations

import asyncio
from functools import partial
from types import SimpleNamespace
from typing import cast

from telegram import CallbackQuery, Update, User

from bot import i18n
from bot.app import PerUserUpdateProcessor
from service_layer import languages
from service_layer.runtime import Runtime


async def english(user_id: int, telegram_code: str | None) -> str:
    return "en"


def tap(update_id: int, user_id: int) -> Update:
    who = User(id=user_id, first_name="U", is_bot=False)
    return Update(update_id, callback_query=CallbackQuery(str(update_id), who, "chat"))


async def test_another_persons_update_does_not_wait_but_the_same_persons_does() -> None:
    processor = PerUserUpdateProcessor(english, 8)
    started: list[int] = []
    release = asyncio.Event()

    async def work(update_id: int, wait: bool) -> None:
        started.append(update_id)
        if wait:
            await release.wait()

    slow = asyncio.create_task(processor.process_update(tap(1, 100), work(1, True)))
    same = asyncio.create_task(processor.process_update(tap(2, 100), work(2, False)))
    other = asyncio.create_task(processor.process_update(tap(3, 200), work(3, False)))
    await asyncio.wait_for(other, 1)  # person 200 is not held up by person 100's slow update
    assert started == [1, 3]
    assert not same.done()  # person 100's next tap waits for their first
    release.set()
    await asyncio.wait_for(asyncio.gather(slow, same), 1)
    assert started == [1, 3, 2]


async def test_each_update_is_handled_in_its_persons_language() -> None:
    chosen = {100: "es", 200: "ru"}

    async def language_of(user_id: int, telegram_code: str | None) -> str:
        return chosen.get(user_id, "en")

    async def broken(user_id: int, telegram_code: str | None) -> str:
        raise OSError("database away")

    heard: dict[int, str] = {}

    async def work(update_id: int) -> None:
        heard[update_id] = i18n.current()

    processor = PerUserUpdateProcessor(language_of, 8)
    await asyncio.gather(
        asyncio.create_task(processor.process_update(tap(1, 100), work(1))),
        asyncio.create_task(processor.process_update(tap(2, 200), work(2))),
        asyncio.create_task(processor.process_update(tap(3, 300), work(3))),
    )
    assert heard == {1: "es", 2: "ru", 3: "en"}
    # The language cannot be looked up: the update is still handled, in English.
    await asyncio.create_task(
        PerUserUpdateProcessor(broken, 8).process_update(tap(4, 100), work(4))
    )
    assert heard[4] == "en"


class _Users:
    def __init__(self) -> None:
        self.rows: dict[int, SimpleNamespace] = {}
        self.reads = 0

    async def get(self, user_id: int) -> SimpleNamespace | None:
        self.reads += 1
        return self.rows.get(user_id)


class _Uow:
    def __init__(self, users: _Users) -> None:
        self.users = users

    async def __aenter__(self) -> _Uow:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    async def commit(self) -> None:
        return None


class _Runtime:
    """Enough of a Runtime for the language lookup: a users table in memory, and extras."""

    def __init__(self) -> None:
        self.extras: dict[str, object] = {}
        self.users = _Users()

    def uow(self) -> _Uow:
        return _Uow(self.users)


async def test_the_update_processor_speaks_a_new_choice_from_the_very_next_update() -> None:
    """The lookup is remembered for a minute; a choice stored by `choose` replaces what is
    remembered at once, so the next update is in the new language (not a minute later)."""
    fake = _Runtime()
    fake.users.rows[100] = SimpleNamespace(locale=None, language="en")
    runtime = cast(Runtime, fake)
    processor = PerUserUpdateProcessor(partial(languages.language_of, runtime), 8)
    heard: list[str] = []

    async def work() -> None:
        heard.append(i18n.current())

    await processor.process_update(tap(1, 100), work())
    await processor.process_update(tap(2, 100), work())
    assert heard == ["en", "en"]
    assert fake.users.reads == 1  # the second update's language came from memory

    async with runtime.uow() as uow:  # what /settings and onboarding do with a choice
        assert await languages.store(uow, 100, "ru")
        await uow.commit()
    languages.remember(runtime, 100, "ru")
    assert fake.users.rows[100].locale == "ru"
    reads = fake.users.reads
    await processor.process_update(tap(3, 100), work())
    assert heard[-1] == "ru"
    assert fake.users.reads == reads  # from memory, updated by the choice itself

    async with runtime.uow() as uow:  # not one we speak: nothing changes
        assert not await languages.store(uow, 100, "fr")
    await processor.process_update(tap(4, 100), work())
    assert heard[-1] == "ru"
    assert fake.users.rows[100].locale == "ru"
