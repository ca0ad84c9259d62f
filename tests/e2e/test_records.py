"""/progress, /history, /export and /delete through the Bot API stand-in, over real HTTP."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import re
import struct
from collections.abc import Callable
from datetime import timedelta

import pytest

from bot import texts
from bot.app import BotRunner
from bot.handlers.records import confirmation_code
from service_layer import planner
from service_layer.export_schema import (
    CSV_COLUMNS,
    CSV_FILENAME,
    JSON_FILENAME,
    AchillesCoachExport,
)
from standin.models import SentMessage
from standin.server import FakeBotApi
from tests.e2e.test_session import do_set, seed_user, start_session
from tests.fakes import FakeClock
from tests.integration.test_records import SUNDAY_EVENING, TODAY, seed_three_weeks
from tests.integration.test_records_delete import _rows_per_table

pytestmark = pytest.mark.e2e


def png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    assert png[12:16] == b"IHDR"
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def _is_document(name: str) -> Callable[[SentMessage], bool]:
    return lambda m: m.document is not None and m.filename == name


async def test_three_weeks_of_history_chart_history_and_exports(
    standin: FakeBotApi, bot: BotRunner, clock: FakeClock
) -> None:
    clock.set(SUNDAY_EVENING)
    seeded = await seed_three_weeks(bot.runtime, 7001, "Robin")
    robin = standin.user(7001, first_name="Robin")

    # The chart: a real PNG, phone-sized, with the summary caption.
    await robin.send("/progress")
    photo = await robin.wait_for(lambda m: m.photo is not None, timeout=15)
    assert photo.photo is not None
    width, height = png_size(photo.photo)
    assert width >= 800
    assert 400 <= height <= width
    assert 20_000 < len(photo.photo) < 2_000_000
    assert "Week 3 of 12 · Stage 2" in photo.content
    assert "Morning pain: 3.9 in week 1 → 1.6 now" in photo.content
    assert "Sessions finished: 18 · missed or stopped: 3" in photo.content

    # The last 14 days, newest first.
    await robin.send("/history")
    history = await robin.wait_for(contains="Your last 14 days")
    lines = history.content.splitlines()
    assert lines[1] == "Sun 29 Nov · ✅ done · pain 2 · AM 1"
    day_lines = [
        line for line in lines if re.match(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d+ Nov ", line)
    ]
    assert len(day_lines) == 14
    assert day_lines[-1].startswith("Mon 16 Nov")
    assert "Sat 21 Nov · ❌ missed · AM 2" in lines
    assert "Thu 26 Nov · ✖️ stopped · pain 1 · AM 2" in lines

    # Both exports: the JSON validates against the shipped model, the CSV has a row per set.
    await robin.send("/export")
    csv_message = await robin.wait_for(_is_document(CSV_FILENAME))
    json_message = await robin.wait_for(_is_document(JSON_FILENAME))
    assert csv_message.document is not None
    assert json_message.document is not None
    document = AchillesCoachExport.model_validate_json(json_message.document)
    assert json.loads(json_message.document)["schema_version"] == 2
    assert len(document.sessions) == seeded.sessions
    assert len(document.morning_checkins) == seeded.checkins
    assert len(document.decisions) == seeded.decisions
    assert [g.test for g in document.gate_tests] == ["stage2_entry"]
    reader = csv.DictReader(io.StringIO(csv_message.document.decode("utf-8")))
    assert tuple(reader.fieldnames or ()) == CSV_COLUMNS
    rows = list(reader)
    sets = [r for r in rows if r["kind"] == "set"]
    assert len(sets) == seeded.sets == sum(len(s.sets) for s in document.sessions)
    assert {r["session_id"] for r in sets} == {str(s.session_id) for s in document.sessions}
    assert len([r for r in rows if r["kind"] == "morning"]) == seeded.checkins
    # The physio sees the pain after each session too, not only the sets (issue 14).
    after = [r for r in rows if r["kind"] == "after_session"]
    assert len(after) == sum(1 for s in document.sessions if s.pain_after is not None) > 0
    assert all(r["pain_after"] for r in after)


async def test_delete_after_confirmation_then_fresh_start(
    standin: FakeBotApi, bot: BotRunner, clock: FakeClock
) -> None:
    clock.set(SUNDAY_EVENING)
    await seed_three_weeks(bot.runtime, 7002, "Kai")
    await seed_three_weeks(bot.runtime, 7003, "Other")
    kai = standin.user(7002, first_name="Kai")

    # "Keep my data" deletes nothing.
    await kai.send("/delete")
    question = await kai.wait_for(lambda m: "Delete everything?" in m.content and bool(m.buttons))
    await kai.tap(text=texts.DELETE_NO, message=question)
    await kai.wait_for(contains=texts.DELETE_KEPT)
    assert (await _rows_per_table(bot.runtime, 7002))["set_logs"] > 0

    # A forged confirmation, and one from long ago, are refused and delete nothing.
    await kai.tap_data("del:notanumber:yes", question.message_id)
    await kai.wait_for(contains="That button has expired")
    stale = int(SUNDAY_EVENING.timestamp()) - 3600
    secret = bot.runtime.settings.telegram_bot_token
    assert secret is not None
    code = confirmation_code(secret.get_secret_value(), 7002, question.message_id, stale)
    await kai.tap_data(f"del:{stale}:{code}:yes", question.message_id)
    await kai.wait_for(contains="That button has expired")
    # A fresh time with a made-up code, or the real code on another message, is refused too.
    now = int(SUNDAY_EVENING.timestamp())
    await kai.tap_data(f"del:{now}:AAAAAAAAAAAA:yes", question.message_id)
    await kai.wait_for(contains="That button has expired")
    (_, real), _ = question.buttons
    assert real is not None
    await kai.tap_data(real, question.message_id - 1)
    await kai.wait_for(contains="That button has expired")
    assert (await _rows_per_table(bot.runtime, 7002))["users"] == 1

    await kai.send("/delete")
    question = await kai.wait_for(lambda m: "Delete everything?" in m.content and bool(m.buttons))
    await kai.tap(text=texts.DELETE_YES, message=question)
    done = await kai.wait_for(contains="everything about you is deleted")
    assert done.message_id == question.message_id  # the question became the answer
    assert done.buttons == []
    assert set((await _rows_per_table(bot.runtime, 7002)).values()) == {0}
    assert (await _rows_per_table(bot.runtime, 7003))["set_logs"] > 0

    # Nothing left to show; the next /start meets them as someone new.
    await kai.send("/progress")
    assert (await kai.wait_for()).content == texts.RECORDS_NOT_ONBOARDED
    await kai.send("/start")
    await kai.wait_for(contains="Kai")
    async with bot.runtime.uow() as uow:
        user = await uow.users.get(7002)
        assert user is not None
        assert user.timezone is None
        assert await uow.programmes.get(7002) is None
        assert list(await uow.sessions.all_for(7002)) == []


async def test_commands_point_newcomers_to_start(standin: FakeBotApi, bot: BotRunner) -> None:
    nova = standin.user(7004, first_name="Nova")
    replies: list[SentMessage] = []
    for command in ("/progress", "/history", "/export"):
        await nova.send(command)
        replies.append(await nova.wait_for())
    assert all("/start" in r.content for r in replies)
    assert all(r.photo is None and r.document is None for r in replies)
    await nova.send("/delete")
    assert (await nova.wait_for()).content == texts.DELETE_NOTHING


async def test_too_little_data_gets_a_friendly_text(
    standin: FakeBotApi, bot: BotRunner, clock: FakeClock
) -> None:
    clock.set(SUNDAY_EVENING)
    await seed_three_weeks(bot.runtime, 7005, "Lee")
    async with bot.runtime.uow() as uow:
        for row in await uow.sessions.all_for(7005):
            await uow.session.delete(row)
        for checkin in (await uow.checkins.all_for(7005))[2:]:
            await uow.session.delete(checkin)
        await uow.commit()
    lee = standin.user(7005, first_name="Lee")
    await lee.send("/progress")
    reply = await lee.wait_for()
    assert reply.photo is None
    assert reply.content == texts.PROGRESS_TOO_LITTLE.format(points=2)  # what counts, and how many


async def test_real_session_is_exported_then_deleted_mid_session(
    standin: FakeBotApi, bot: BotRunner
) -> None:
    """Sets logged through the guided session show up in the export; /delete mid-session works."""
    await seed_user(bot.runtime, 7006)
    ana = standin.user(7006, first_name="Ana")
    await start_session(ana)
    await do_set(ana, 2)
    await ana.tap(text=texts.SESSION_SKIP_REST)
    await ana.wait_for(contains="Set 2 of")
    await do_set(ana, 3)
    await ana.wait_idle()
    flow_message = next(
        m for m in reversed(ana.messages) if any((d or "").startswith("f:") for _, d in m.buttons)
    )
    flow_data = next(d for _, d in flow_message.buttons if d and d.startswith("f:"))

    await ana.send("/export")
    csv_message = await ana.wait_for(_is_document(CSV_FILENAME))
    json_message = await ana.wait_for(_is_document(JSON_FILENAME))
    assert csv_message.document is not None
    assert json_message.document is not None
    rows = list(csv.DictReader(io.StringIO(csv_message.document.decode())))
    assert [(r["set_no"], r["pain_during"], r["stage"]) for r in rows] == [
        ("1", "2", "1"),
        ("2", "3", "1"),
    ]
    document = AchillesCoachExport.model_validate_json(json_message.document)
    (session,) = document.sessions
    assert session.status == "in_progress"
    assert document.profile is not None

    await ana.send("/delete")
    question = await ana.wait_for(lambda m: "Delete everything?" in m.content and bool(m.buttons))
    await ana.tap(text=texts.DELETE_YES, message=question)
    await ana.wait_for(contains="everything about you is deleted")
    assert set((await _rows_per_table(bot.runtime, 7006)).values()) == {0}
    # The session's buttons are dead now: a tap gets a friendly "expired", and nothing is stored.
    await ana.tap(data=flow_data, message=flow_message)
    await ana.wait_for(contains="That button has expired")
    await ana.wait_idle()
    assert set((await _rows_per_table(bot.runtime, 7006)).values()) == {0}


async def test_weekly_summary_comes_on_sunday_evening_and_can_be_turned_off(
    standin: FakeBotApi, bot: BotRunner, clock: FakeClock
) -> None:
    """The queue's Sunday 19:00 row sends the week with the chart; /settings turns it off."""
    clock.set(SUNDAY_EVENING - timedelta(hours=2))
    await seed_three_weeks(bot.runtime, 7007, "Mo")
    mo = standin.user(7007, first_name="Mo")
    assert bot.scheduler is not None
    clock.set(SUNDAY_EVENING - timedelta(seconds=1))
    await bot.runtime.reschedule(7007)
    assert planner.SLOT_SUMMARY in await bot.scheduler.rows_of(7007)
    clock.set(SUNDAY_EVENING)

    summary = await mo.wait_for(lambda m: m.photo is not None, timeout=15)
    assert summary.photo is not None
    assert png_size(summary.photo)[0] >= 800
    assert "Your week" in summary.content
    assert "Sessions: 6 of 7 done" in summary.content
    assert "Morning pain: 1.6, down" in summary.content
    assert "/settings" in summary.content
    # recorded `sent` once Telegram accepted it (a moment after the stand-in shows it)
    for _ in range(100):
        async with bot.runtime.uow() as uow:
            row = await uow.sent_log.get(7007, "summary", TODAY, planner.SLOT_SUMMARY)
        if row is not None and row.status == "sent":
            break
        await asyncio.sleep(0.05)
    assert row is not None
    assert row.status == "sent"

    # Turned off in /settings: the job is gone at once, and the setting is stored.
    await mo.send("/settings")
    menu = await mo.wait_for(contains="Your settings")
    await mo.tap(text=texts.SETTINGS_SUMMARY_ON, message=menu)
    await mo.wait_for(contains="now off")
    assert planner.SLOT_SUMMARY not in await bot.scheduler.rows_of(7007)
    async with bot.runtime.uow() as uow:
        profile = await uow.profiles.get(7007)
    assert profile is not None
    assert profile.weekly_summary is False
    assert [m for m in mo.messages if m.photo is not None] == [summary]
