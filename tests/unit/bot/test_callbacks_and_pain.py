"""Callback data stays within Telegram's limit; typed pain scores are read the way people type."""

from __future__ import annotations

import pytest

from bot.callbacks import MAX_CALLBACK_BYTES, CallbackDataError, flow_data, pack, unpack
from bot.keyboards import pain_keyboard
from service_layer.pain import parse_pain

pytestmark = pytest.mark.unit


def test_pack_and_unpack_round_trip() -> None:
    data = pack("rem", "20261201", "0730", "start")
    assert data == "rem:20261201:0730:start"
    assert unpack(data, "rem", 3) == ["20261201", "0730", "start"]
    with pytest.raises(CallbackDataError):
        pack("rem", "20261201", "07:30", "start")  # only the last part may hold a separator
    assert unpack(flow_data(12, "side:left"), "f", 2) == ["12", "side:left"]


def test_pack_refuses_over_64_bytes() -> None:
    with pytest.raises(CallbackDataError):
        pack("f", 1, "x" * MAX_CALLBACK_BYTES)
    assert len(pack("f", 1, "x" * (MAX_CALLBACK_BYTES - 4)).encode()) == MAX_CALLBACK_BYTES


@pytest.mark.parametrize("data", [None, "", "g:1:x", "f", "f:1", "f::x"])
def test_unpack_rejects_forged_shapes(data: str | None) -> None:
    with pytest.raises(CallbackDataError):
        unpack(data, "f", 2)


@pytest.mark.parametrize(
    ("text", "value"),
    [("7", 7), ("7/10", 7), (" 7 ", 7), ("0", 0), ("10", 10), ("10 / 10", 10), ("3/10\n", 3)],
)
def test_parse_pain_accepts(text: str, value: int) -> None:
    assert parse_pain(text) == value


@pytest.mark.parametrize("text", ["11", "-1", "seven", "7.5", "7/5", "", "77", "7 8"])
def test_parse_pain_rejects(text: str) -> None:
    assert parse_pain(text) is None


def test_pain_keyboard_labels_are_exactly_zero_to_ten() -> None:
    markup = pain_keyboard(lambda v: pack("mc", "20261201", v))
    labels = [b.text for row in markup.inline_keyboard for b in row]
    assert labels == [str(v) for v in range(11)]
    assert all(len(r) <= 6 for r in markup.inline_keyboard)
