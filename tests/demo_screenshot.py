"""Takes docs/demo.png, the README's picture of `make demo`, in headless Chromium:
`.venv/bin/python -m tests.demo_screenshot [PATH]`."""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from bot import texts
from tests.demo_browser import Page, chromium, onboard
from tests.demo_process import DemoProcess

DEFAULT_PATH = Path(__file__).resolve().parents[1] / "docs" / "demo.png"


def take(path: Path) -> None:
    with (
        tempfile.TemporaryDirectory() as workdir,
        DemoProcess(Path(workdir), timer_scale=0.02, start="2026-12-01T08:00Z") as demo,
        chromium(1120, 880) as driver,
    ):
        page = Page(driver, demo.url)
        onboard(page)
        page.tap(texts.OB_START_NOW, "Set 1 of")
        page.tap(texts.SESSION_GO, "Time's up")
        page.tap("2", texts.SESSION_REST_OVER)
        page.tap(texts.SESSION_ABANDON, "Session ended")
        since = page.mark()
        page.clock("morning")
        page.wait_for("first steps", since)
        page.tap("6", "Morning pain 6/10 noted")
        page.menu("today", "Stage 2")
        time.sleep(1.0)  # the page polls every 0.4 s: let it settle on the last message
        driver.execute_script("window.scrollTo(0, 0)")
        driver.save_screenshot(str(path))


if __name__ == "__main__":
    take(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_PATH)
    print("saved", sys.argv[1] if len(sys.argv) > 1 else DEFAULT_PATH)
