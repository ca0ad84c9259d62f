"""Updates of different people run in parallel; one person's run one at a time, in order."""

from __future__ import annotations

import asyncio

from telegram import CallbackQuery, Update, User

from bot import i18n
from bot.app import PerUserUpdateProcessor


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
