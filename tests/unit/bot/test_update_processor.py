"""Updates of different people run in parallel; one person's run one at a time, in order."""

from __future__ import annotations

import asyncio

from telegram import CallbackQuery, Update, User

from bot.app import PerUserUpdateProcessor


def tap(update_id: int, user_id: int) -> Update:
    who = User(id=user_id, first_name="U", is_bot=False)
    return Update(update_id, callback_query=CallbackQuery(str(update_id), who, "chat"))


async def test_another_persons_update_does_not_wait_but_the_same_persons_does() -> None:
    processor = PerUserUpdateProcessor(8)
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
