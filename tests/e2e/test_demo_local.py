"""`achilles-coach demo` needs no token and binds and contacts 127.0.0.1 only: run it with no
TELEGRAM_* variable in its environment and a `.env` beside it that names a real-looking token, a
far-away Bot API and another database; the page still works, and every socket the process holds
is on 127.0.0.1."""

from __future__ import annotations

import json
import socket
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.demo_process import DemoProcess

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc"),
]

DOTENV = """\
TELEGRAM_BOT_TOKEN=987654321:AAHrealLookingTokenThatMustNeverBeUsed00
TELEGRAM_API_BASE_URL=http://192.0.2.1/bot
DATABASE_URL=sqlite+aiosqlite:///./elsewhere.db
"""


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[DemoProcess]:
    (tmp_path / ".env").write_text(DOTENV)
    with DemoProcess(tmp_path, timer_scale=0.02) as process:
        yield process


def call(url: str, body: dict[str, object] | None = None) -> dict[str, object]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # no proxy, ever
    with opener.open(request, timeout=30) as response:
        result = json.loads(response.read())
    assert isinstance(result, dict)
    return result


def bot_texts(demo: DemoProcess) -> list[str]:
    state = call(f"{demo.url}api/state?user=1002")
    messages = state["messages"]
    assert isinstance(messages, list)
    return [str(m["text"]) for m in messages if m["from"] == "bot"]


def wait_for_reply(demo: DemoProcess, contains: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(contains in text for text in bot_texts(demo)):
            return
        time.sleep(0.1)
    raise AssertionError(f"no reply with {contains!r}; got {bot_texts(demo)}\n{demo.stderr}")


def sockets_of(pid: int) -> list[tuple[str, str, str]]:
    """(protocol, local address, remote address) of every internet socket the process holds."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = fd.readlink()
        except OSError:
            continue
        if str(target).startswith("socket:["):
            inodes.add(str(target)[8:-1])
    found = []
    for protocol in ("tcp", "tcp6", "udp", "udp6"):
        table = Path(f"/proc/{pid}/net/{protocol}").read_text().splitlines()[1:]
        for line in table:
            fields = line.split()
            if fields[9] in inodes:
                found.append((protocol, _address(fields[1]), _address(fields[2])))
    return found


def _address(hex_address: str) -> str:
    host, port = hex_address.split(":")
    raw = bytes.fromhex(host)
    if len(raw) == 4:
        ip = socket.inet_ntop(socket.AF_INET, raw[::-1])
    else:  # IPv6: four 32-bit words, each little-endian
        words = b"".join(raw[i : i + 4][::-1] for i in range(0, 16, 4))
        ip = socket.inet_ntop(socket.AF_INET6, words)
    return f"{ip}:{int(port, 16)}"


def test_the_demo_works_without_a_token_and_stays_on_127_0_0_1(
    demo: DemoProcess, tmp_path: Path
) -> None:
    assert demo.url.startswith("http://127.0.0.1:")
    call(f"{demo.url}api/send", {"user": 1002, "text": "/start"})
    wait_for_reply(demo, "can't diagnose")
    call(f"{demo.url}api/clock", {"user": 1002, "action": "hour"})
    call(f"{demo.url}api/send", {"user": 1002, "text": "/help"})
    wait_for_reply(demo, "/today")

    held = sockets_of(demo.pid)
    assert held, "the demo holds no socket at all?"
    for protocol, local, remote in held:
        assert protocol == "tcp", f"unexpected {protocol} socket {local} -> {remote}"
        assert local.startswith("127.0.0.1:"), f"bound to {local}"
        assert remote.startswith(("127.0.0.1:", "0.0.0.0:")), f"connected to {remote}"
    # Its own SQLite file, not the one `.env` names.
    assert (tmp_path / "data" / "demo" / "demo.db").exists()
    assert not (tmp_path / "elsewhere.db").exists()
    assert "987654321" not in demo.stderr
