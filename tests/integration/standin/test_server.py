"""The stand-in, driven by python-telegram-bot's own Bot over real HTTP."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import struct
import time
import zlib

import aiohttp
import pytest
from telegram import Bot, BotCommand, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken, NetworkError, RetryAfter

from standin.server import FakeBotApi

pytestmark = pytest.mark.integration

ALEX = 1001


def keyboard(*buttons: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(t, callback_data=d)] for t, d in buttons])


def png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * (width + 1) * height)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


async def test_get_me_and_a_wrong_token(standin: FakeBotApi, bot: Bot) -> None:
    assert bot.username == "achilles_coach_test_bot"
    assert bot.id == 123456789
    with pytest.raises(InvalidToken):
        await Bot("1:wrong", base_url=standin.base_url).get_me()


async def test_unknown_method_is_404_like_telegram(standin: FakeBotApi) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{standin.base_url}{standin.token}/sendTelepathy", json={}) as response,
    ):
        assert response.status == 404
        assert await response.json() == {"ok": False, "error_code": 404, "description": "Not Found"}


async def test_json_bodies_are_accepted(standin: FakeBotApi) -> None:
    standin.user(ALEX)
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"{standin.base_url}{standin.token}/sendMessage",
            json={"chat_id": ALEX, "text": "hi", "reply_markup": {"inline_keyboard": []}},
        ) as response,
    ):
        body = await response.json()
    assert body["ok"] is True
    assert body["result"]["text"] == "hi"


async def test_send_message_records_a_realistic_message(standin: FakeBotApi, bot: Bot) -> None:
    alex = standin.user(ALEX, "Alex", "alex")
    await alex.send("/start")
    first = await bot.send_message(ALEX, "Hello", reply_markup=keyboard(("Go", "go:1")))
    second = await bot.send_message(ALEX, "Again")
    assert first.message_id == 2  # the user's /start was message 1 in this private chat
    assert second.message_id == 3
    assert first.chat.id == ALEX
    assert first.chat.username == "alex"
    assert first.from_user is not None
    assert first.from_user.is_bot
    assert first.reply_markup == keyboard(("Go", "go:1"))
    assert [m.text for m in alex.messages] == ["Hello", "Again"]
    assert alex.buttons(alex.messages[0]) == [[("Go", "go:1")]]
    assert standin.calls("sendMessage")[0].params["text"] == "Hello"


async def test_text_length_limits(standin: FakeBotApi, bot: Bot) -> None:
    standin.user(ALEX)
    await bot.send_message(ALEX, "x" * 4096)
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(ALEX, "x" * 4097)
    with pytest.raises(BadRequest, match=r"(?i)message text is empty"):
        await bot.send_message(ALEX, "  ")
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(ALEX, "<b>" + "x" * 4097 + "</b>", parse_mode="HTML")
    await bot.send_message(ALEX, "<b>" + "x" * 4096 + "</b>", parse_mode="HTML")


async def test_callback_data_limit_is_64_bytes(standin: FakeBotApi, bot: Bot) -> None:
    standin.user(ALEX)
    await bot.send_message(ALEX, "ok", reply_markup=keyboard(("a", "d" * 64)))
    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        await bot.send_message(ALEX, "no", reply_markup=keyboard(("a", "d" * 65)))
    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        await bot.send_message(ALEX, "no", reply_markup=keyboard(("a", "é" * 33)))  # 66 bytes
    assert [m.text for m in standin.messages(ALEX)] == ["ok"]


async def test_unknown_and_unstarted_chats(standin: FakeBotApi, bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(424242, "hi")
    shy = standin.user(7, started=False)
    with pytest.raises(Forbidden, match=r"(?i)can't initiate conversation"):
        await bot.send_message(7, "hi")
    await shy.send("hello")
    await bot.send_message(7, "hi")


async def test_edits(standin: FakeBotApi, bot: Bot) -> None:
    alex = standin.user(ALEX)
    sent = await bot.send_message(ALEX, "Pain?", reply_markup=keyboard(("0", "p:0")))
    edited = await bot.edit_message_text("Pain: 0", ALEX, sent.message_id)
    assert not isinstance(edited, bool)
    assert edited.edit_date is not None
    assert edited.reply_markup is None  # editing text without a markup drops the keyboard
    with pytest.raises(BadRequest, match=r"(?i)message is not modified: specified new message"):
        await bot.edit_message_text("Pain: 0", ALEX, sent.message_id)
    await bot.edit_message_reply_markup(ALEX, sent.message_id, reply_markup=keyboard(("x", "x")))
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_reply_markup(
            ALEX, sent.message_id, reply_markup=keyboard(("x", "x"))
        )
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("nope", ALEX, 999)
    current = alex.last_message
    assert (current.text, current.edited, current.reply_markup) == ("Pain: 0", True, [[("x", "x")]])
    assert [m.content for m in alex.history] == ["Pain?", "Pain: 0", "Pain: 0"]


async def test_delete_message(standin: FakeBotApi, bot: Bot) -> None:
    alex = standin.user(ALEX)
    sent = await bot.send_message(ALEX, "temporary")
    assert await bot.delete_message(ALEX, sent.message_id)
    assert alex.messages[0].deleted
    with pytest.raises(BadRequest, match=r"(?i)message to delete not found"):
        await bot.delete_message(ALEX, sent.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("back", ALEX, sent.message_id)
    with pytest.raises(LookupError):
        _ = alex.last_message


async def test_html_parse_mode(standin: FakeBotApi, bot: Bot) -> None:
    standin.user(ALEX)
    sent = await bot.send_message(ALEX, "<b>Day 3</b> &amp; counting", parse_mode="HTML")
    assert sent.text == "Day 3 & counting"
    assert sent.entities[0].type == "bold"
    stored = standin.messages(ALEX)[0]
    assert (stored.text, stored.source) == ("Day 3 & counting", "<b>Day 3</b> &amp; counting")
    for bad in ["<b>open", "a < b", "<p>x</p>", "<b>x</i>", "Q&A"]:
        with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
            await bot.send_message(ALEX, bad, parse_mode="HTML")
    await bot.send_message(ALEX, "a < b & c")  # no parse mode: sent as is


async def test_photo_and_document_uploads(standin: FakeBotApi, bot: Bot) -> None:
    alex = standin.user(ALEX)
    image = png(3, 2)
    photo = await bot.send_photo(ALEX, image, caption="<i>week 1</i>", parse_mode="HTML")
    assert (photo.photo[-1].width, photo.photo[-1].height) == (3, 2)
    assert photo.caption == "week 1"
    document = await bot.send_document(ALEX, b"a,b\n1,2\n", filename="log.csv", caption="Log")
    assert document.document is not None
    assert document.document.file_name == "log.csv"
    stored_photo, stored_document = alex.messages
    assert (stored_photo.photo, stored_photo.caption, stored_photo.text) == (image, "week 1", None)
    assert (stored_document.document, stored_document.filename) == (b"a,b\n1,2\n", "log.csv")
    again = await bot.send_photo(ALEX, photo.photo[-1].file_id)  # by file_id
    assert alex.last_message.photo == image
    assert again.photo[-1].file_id == photo.photo[-1].file_id
    with pytest.raises(BadRequest, match=r"(?i)message caption is too long"):
        await bot.send_photo(ALEX, image, caption="c" * 1025)
    await bot.send_photo(ALEX, image, caption="c" * 1024)
    with pytest.raises(BadRequest, match=r"(?i)image_process_failed"):
        await bot.send_photo(ALEX, b"not an image")


async def test_chat_action_and_commands(standin: FakeBotApi, bot: Bot) -> None:
    standin.user(ALEX)
    assert await bot.send_chat_action(ALEX, "typing")
    assert await bot.set_my_commands([BotCommand("start", "Begin"), BotCommand("help", "Help")])
    assert standin.commands == [("start", "Begin"), ("help", "Help")]
    assert [c.command for c in await bot.get_my_commands()] == ["start", "help"]
    with pytest.raises(BadRequest, match=r"(?i)bot_command_invalid"):
        await bot.set_my_commands([BotCommand("Bad-Name", "x")])
    assert await bot.delete_webhook()
    assert await bot.close()
    assert await bot.log_out()


async def test_injected_failures(standin: FakeBotApi, bot: Bot) -> None:
    standin.user(ALEX)
    standin.user(2)
    standin.fail_next("sendMessage", "429", retry_after=3)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(ALEX, "x")
    assert caught.value.retry_after in (3, dt.timedelta(seconds=3))
    standin.fail_next("sendMessage", "403", chat_id=ALEX, count=2)
    await bot.send_message(2, "other chats are unaffected")
    for _ in range(2):
        with pytest.raises(Forbidden, match=r"(?i)bot was blocked by the user"):
            await bot.send_message(ALEX, "x")
    standin.fail_next("sendMessage", "500")
    with pytest.raises(NetworkError):
        await bot.send_message(ALEX, "x")
    standin.fail_next("getMe", "502")
    with pytest.raises(NetworkError):
        await bot.get_me()
    await bot.send_message(ALEX, "recovered")
    assert standin.stats.errors == {429: 1, 403: 2, 500: 1, 502: 1}
    assert standin.stats.too_many_requests == 1


async def test_blocked_user(standin: FakeBotApi, bot: Bot) -> None:
    alex = standin.user(ALEX)
    standin.block_user(ALEX)
    with pytest.raises(Forbidden, match=r"(?i)bot was blocked by the user"):
        await bot.send_message(ALEX, "x")
    standin.unblock_user(ALEX)
    await bot.send_message(ALEX, "x")
    standin.block_user(ALEX)
    await alex.send("/start")  # writing to the bot again unblocks it
    await bot.send_message(ALEX, "welcome back")


async def test_flood_limit(bot: Bot) -> None:
    async with FakeBotApi(flood_limit=True) as api:
        async with Bot(api.token, base_url=api.base_url) as limited:
            api.user(ALEX)
            outcomes = []
            for n in range(6):
                try:
                    await limited.send_message(ALEX, f"m{n}")
                    outcomes.append("ok")
                except RetryAfter:
                    outcomes.append("429")
        assert outcomes == ["ok"] * 3 + ["429"] * 3  # a burst of 3, then 1/s per chat
        assert api.stats.flood_rejections == api.stats.too_many_requests == 3
        body = api.requests[-1]
        assert body.error_code == 429


async def test_long_poll_returns_as_soon_as_an_update_arrives(
    standin: FakeBotApi, bot: Bot
) -> None:
    alex = standin.user(ALEX, "Alex")
    started = time.monotonic()
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.2)
    await alex.send("/start now")
    updates = await poll
    assert time.monotonic() - started < 2
    assert len(updates) == 1
    message = updates[0].message
    assert message is not None
    assert message.text == "/start now"
    assert message.entities[0].type == "bot_command"
    assert message.entities[0].length == len("/start")
    # not confirmed yet: delivered again; confirmed by the next offset
    assert [u.update_id for u in await bot.get_updates()] == [updates[0].update_id]
    assert await bot.get_updates(offset=updates[0].update_id + 1) == ()
    started = time.monotonic()
    assert await bot.get_updates(timeout=1) == ()
    assert 0.9 < time.monotonic() - started < 3


async def test_allowed_updates_and_conflicting_polls(standin: FakeBotApi, bot: Bot) -> None:
    alex = standin.user(ALEX)
    sent = await bot.send_message(ALEX, "q", reply_markup=keyboard(("Yes", "y")))
    await alex.tap("Yes")
    await alex.send("text")
    updates = await bot.get_updates(allowed_updates=["message"])
    assert [u.message.text for u in updates if u.message] == ["text"]
    assert all(u.callback_query is None for u in updates)
    assert sent.message_id
    # PTB's Bot has a single getUpdates connection, so the second poller is raw HTTP
    first = asyncio.create_task(bot.get_updates(offset=updates[-1].update_id + 1, timeout=5))
    await asyncio.sleep(0.2)
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{standin.base_url}{standin.token}/getUpdates", data={"timeout": "0"}),
    ):
        pass
    with pytest.raises(Conflict, match=r"(?i)terminated by other getupdates request"):
        await first


async def test_tap_makes_a_callback_query(standin: FakeBotApi, bot: Bot) -> None:
    alex = standin.user(ALEX)
    sent = await bot.send_message(ALEX, "Pain?", reply_markup=keyboard(("0", "p:0"), ("1", "p:1")))
    query_id = await alex.tap("1")
    (update,) = await bot.get_updates()
    query = update.callback_query
    assert query is not None
    assert (query.id, query.data, query.from_user.id) == (query_id, "p:1", ALEX)
    assert query.message is not None
    assert query.message.message_id == sent.message_id
    assert standin.unanswered_callback_queries == [query_id]
    assert await bot.answer_callback_query(query_id, text="Saved")
    assert [(a.text, a.show_alert) for a in alex.callback_answers] == [("Saved", False)]
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query(query_id)
    with pytest.raises(LookupError, match=re.escape("p:0")):
        await alex.tap("7")
    await alex.tap(data="p:0", message=sent.message_id)
    forged = await alex.tap_data("p:99", message_id=999)
    updates = await bot.get_updates(offset=update.update_id + 1)
    assert [u.callback_query.data for u in updates if u.callback_query] == ["p:0", "p:99"]
    assert updates[-1].callback_query is not None
    assert updates[-1].callback_query.id == forged


async def test_telegram_time_limits_on_taps_and_edits(standin: FakeBotApi, bot: Bot) -> None:
    """A tap can be answered for about 15 minutes (with at most 200 characters); a message can
    be edited for 48 hours; a message the person deleted can't be edited at all."""
    alex = standin.user(ALEX)
    sent = await bot.send_message(ALEX, "Pain?", reply_markup=keyboard(("1", "p:1")))
    fresh = await alex.tap("1")
    with pytest.raises(BadRequest, match=r"(?i)message_too_long"):
        await bot.answer_callback_query(fresh, text="x" * 201)
    assert await bot.answer_callback_query(fresh, text="x" * 200)
    late = await alex.tap("1")
    standin.advance(15 * 60 + 1)
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query(late)
    standin.advance(48 * 3600)
    with pytest.raises(BadRequest, match=r"(?i)message can't be edited"):
        await bot.edit_message_text("Pain now?", chat_id=ALEX, message_id=sent.message_id)
    newer = await bot.send_message(ALEX, "Later")
    standin.delete_by_user(ALEX, newer.message_id)
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("Edited", chat_id=ALEX, message_id=newer.message_id)


async def test_edits_are_flood_limited_like_sends() -> None:
    async with FakeBotApi(flood_limit=True) as api:
        async with Bot(api.token, base_url=api.base_url) as limited:
            api.user(ALEX)
            sent = await limited.send_message(ALEX, "0")
            outcomes = []
            for n in range(1, 5):
                try:
                    await limited.edit_message_text(
                        f"{n}", chat_id=ALEX, message_id=sent.message_id
                    )
                    outcomes.append("ok")
                except RetryAfter:
                    outcomes.append("429")
        assert outcomes == ["ok"] * 2 + ["429"] * 2  # one burst of 3 shared with the send


async def test_groups_channels_and_gone_accounts(standin: FakeBotApi, bot: Bot) -> None:
    alex = standin.user(ALEX)
    group = standin.group(-100123, "Club", kind="supergroup")
    await alex.send_in(group, "/start")
    (update,) = await bot.get_updates()
    assert update.effective_chat is not None
    assert (update.effective_chat.id, update.effective_chat.type) == (group, "supergroup")
    assert update.effective_user is not None
    assert update.effective_user.id == ALEX
    await bot.send_message(group, "Hello, club")
    assert [m.content for m in standin.messages(group)] == ["Hello, club"]
    standin.delete_account(ALEX)
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.send_message(ALEX, "Are you there?")
