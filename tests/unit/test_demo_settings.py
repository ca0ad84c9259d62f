"""The demo's bot never takes the chat page's port (its health listener binds a free one)."""

from __future__ import annotations

import pytest

from demo.server import demo_settings

pytestmark = pytest.mark.unit


def test_the_demo_bot_listens_on_a_free_local_port_not_the_pages() -> None:
    settings = demo_settings("sqlite+aiosqlite:///demo.db", "http://127.0.0.1:9/bot", 0.1)
    assert settings.http_host == "127.0.0.1"
    assert settings.http_port == 0  # 8080, the default, is where `make demo` serves the page
