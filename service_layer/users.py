"""Registering and looking up the people who talk to the bot."""

from __future__ import annotations

from dataclasses import dataclass

from service_layer.runtime import Runtime


@dataclass(frozen=True)
class Registration:
    user_id: int
    first_name: str
    created: bool


async def register(
    runtime: Runtime, *, user_id: int, chat_id: int, first_name: str, language: str | None
) -> Registration:
    """Store or refresh the user row (and reactivate a user who had blocked the bot)."""
    async with runtime.uow() as uow:
        user, created = await uow.users.upsert(
            user_id=user_id,
            chat_id=chat_id,
            first_name=first_name,
            language=language,
            now=runtime.now(),
        )
        await uow.commit()
        return Registration(user.id, user.first_name, created)
