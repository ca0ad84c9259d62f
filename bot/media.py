"""Sending the exercise pictures and tempo guides, each uploaded to Telegram at most once.

The files are drawn ahead of time (bot/pictures/), one per language; here they are only sent,
the one of the language in force. After the first upload Telegram's file_id is stored (table
`media_files`, keyed by the file's name, its language folder and a digest of its bytes, so that
each language's picture has its own file_id) and every later send uses it, so the file is never
uploaded twice: across users, sessions and restarts. Two first sends of the same file at once
wait for each other (one upload).
A stored file_id that Telegram refuses (another bot token, a purged file) is dropped and the file
uploaded again.

A picture that cannot be sent never stops a session: the caller gets False and the error is
logged; the exercise card still goes out.
"""

from __future__ import annotations

import asyncio
import logging
from enum import StrEnum
from functools import lru_cache
from html import escape
from pathlib import Path

from telegram import Bot, Message
from telegram.error import BadRequest, TelegramError

from bot import pictures, texts
from service_layer.locks import KeyedLocks
from service_layer.runtime import Runtime

log = logging.getLogger(__name__)

_first_uploads = KeyedLocks()


class Kind(StrEnum):
    PICTURE = "picture"
    TEMPO = "tempo"


@lru_cache(maxsize=64)
def _key(kind: Kind, path: Path, mtime_ns: int, size: int) -> str:
    return pictures.media_key(kind, pictures.media_name(path), path)


def media_key(kind: Kind, path: Path) -> str:
    """The cache key of a file (its bytes are read once per change of the file)."""
    stat = path.stat()
    return _key(kind, path, stat.st_mtime_ns, stat.st_size)


def _file_id_of(kind: Kind, message: Message) -> str | None:
    if kind is Kind.PICTURE:
        return message.photo[-1].file_id if message.photo else None
    if message.animation is not None:
        return message.animation.file_id
    return message.document.file_id if message.document is not None else None


async def _send_value(
    bot: Bot,
    kind: Kind,
    chat_id: int,
    value: str | bytes,
    caption: str,
    filename: str | None,
) -> Message:
    if kind is Kind.PICTURE:
        return await bot.send_photo(
            chat_id,
            value,
            caption=caption,
            filename=filename,
        )
    return await bot.send_animation(
        chat_id,
        value,
        caption=caption,
        filename=filename,
    )


async def send_cached(
    bot: Bot,
    runtime: Runtime,
    kind: Kind,
    chat_id: int,
    path: Path,
    caption: str,
) -> bool:
    """Send the file at `path` by its stored file_id, or upload it once and store the id."""
    try:
        key = await asyncio.to_thread(media_key, kind, path)
        if await _send_by_id(bot, runtime, kind, chat_id, key, caption):
            return True
        async with _first_uploads(key):
            # Someone may have uploaded it while this send waited.
            if await _send_by_id(bot, runtime, kind, chat_id, key, caption):
                return True
            message = await _send_value(
                bot,
                kind,
                chat_id,
                await asyncio.to_thread(path.read_bytes),
                caption,
                path.name,
            )
            file_id = _file_id_of(kind, message)
            if file_id is None:
                log.warning("no file_id in the answer to %s upload of %s", kind, path.name)
                return True
            async with runtime.uow() as uow:
                await uow.media.remember(key, file_id, runtime.now())
                await uow.commit()
            log.info("uploaded %s %s once; file_id stored", kind, path.name)
            return True
    except (TelegramError, OSError) as exc:
        log.warning("could not send %s %s to chat %s: %s", kind, path.name, chat_id, exc)
        return False


async def _send_by_id(
    bot: Bot,
    runtime: Runtime,
    kind: Kind,
    chat_id: int,
    key: str,
    caption: str,
) -> bool:
    """Send by the stored file_id; False when there is none (or Telegram no longer knows it)."""
    async with runtime.uow() as uow:
        file_id = await uow.media.file_id(key)
    if file_id is None:
        return False
    try:
        await _send_value(bot, kind, chat_id, file_id, caption, None)
    except BadRequest as exc:
        if "file" not in exc.message.lower():
            raise  # not about the file (the chat, say): an upload would fail the same way
        log.warning("stored file_id of %s refused (%s); uploading it again", key, exc)
        async with runtime.uow() as uow:
            await uow.media.forget(key)
            await uow.commit()
        return False
    return True


async def send_exercise_picture(bot: Bot, runtime: Runtime, chat_id: int, exercise_id: str) -> bool:
    """The exercise's picture with its name (in the language in force); False if there is none
    or it could not be sent."""
    path = pictures.picture_path(exercise_id)
    if path is None:
        log.warning("no picture for exercise %s", exercise_id)
        return False
    caption = texts.PICTURE_CAPTION.format(name=escape(texts.exercise_name(exercise_id)))
    return await send_cached(bot, runtime, Kind.PICTURE, chat_id, path, caption)


async def send_tempo_guide(bot: Bot, runtime: Runtime, chat_id: int, tempo: pictures.Tempo) -> bool:
    """The looping tempo guide for (up, down, pause), in the language in force; False if there
    is none for that tempo."""
    path = pictures.tempo_path(tempo)
    if path is None:
        log.warning("no tempo guide for %s", tempo)
        return False
    return await send_cached(bot, runtime, Kind.TEMPO, chat_id, path, texts.tempo_caption(*tempo))
