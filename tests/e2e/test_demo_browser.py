"""`achilles-coach demo` in headless Chromium: a newcomer onboards by taps and typing on the page,
does the first set of a session, jumps to the next morning with the clock bar, answers the
check-in, sees the dose change and why, and opens the chart.

Needs Debian's `chromium` and `chromium-driver` (.ci/run installs them); Selenium drives the system
browser, nothing is downloaded.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot import texts
from tests.demo_browser import Page, chromium, have_browser, onboard, onboard_until_zone
from tests.demo_process import DemoProcess

pytestmark = pytest.mark.e2e


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[DemoProcess]:
    with DemoProcess(tmp_path, timer_scale=0.02, start="2026-12-01T08:00Z") as process:
        yield process


@pytest.fixture
def browser() -> Iterator[Any]:
    if not have_browser():
        if os.environ.get("CI"):
            pytest.fail("CI needs chromium and chromium-driver (.ci/run installs them)")
        pytest.skip("chromium and chromium-driver are not installed (apt-get install them)")
    with chromium() as driver:
        yield driver


def test_onboard_train_jump_to_the_morning_and_see_the_dose_change(
    demo: DemoProcess, browser: Any
) -> None:
    from selenium.webdriver.common.by import By

    page = Page(browser, demo.url)
    assert "nothing" in page.driver.find_element(By.CSS_SELECTOR, ".banner").text.lower()
    assert "Telegram" in page.driver.find_element(By.CSS_SELECTOR, ".banner").text
    # The bot published its command menu through the Bot API; the page shows it.
    page.wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#menu button[data-command]"))
    assert page.local_time() == "Tue 1 Dec 2026, 09:00"  # Ana lives in Berlin

    # Onboarding, by taps and typing.
    summary = onboard(page)
    assert "Stage 2" in summary  # fairly settled: slow calf raises

    # The first set of the first session; then end it there.
    card = page.tap(texts.OB_START_NOW, "Set 1 of")
    assert "Dose: 3 × 10 reps" in card
    page.tap(texts.SESSION_GO, "Time's up")  # the hold runs and is counted down
    page.tap("2", texts.SESSION_REST_OVER)  # "Noted: 2/10", the rest counted down, then over
    page.tap(texts.SESSION_ABANDON, "Session ended")

    # Next morning: on the way the evening reminder comes, then the morning check-in.
    since = page.mark()
    page.clock("morning")
    page.wait_for("first steps", since)
    assert page.local_time() == "Wed 2 Dec 2026, 07:30"
    decision = page.tap("6", "Morning pain 6/10 noted")
    assert "Because your morning pain was 6/10" in decision
    assert "one step lighter (2 x 10)" in decision

    # Today's session, from the command menu, has the lighter dose; one set of it.
    page.menu("today", "Stage 2")
    card = page.tap(texts.SESSION_START_BUTTON, "Set 1 of")
    assert "Dose: 2 × 10 reps" in card
    page.tap(texts.SESSION_GO, "Time's up")
    page.tap("3", "3/10")

    # The chart: /progress sends a picture; tapping it opens it large.
    # The exercise pictures are photos too: the chart is the picture that comes after /progress.
    # The chat is drawn again whenever a message changes (a countdown's edits), so the newest
    # picture is looked up afresh until it has arrived and loaded.
    pictures = "#chat .msg.bot .bubble img"
    before = len(page.driver.find_elements(By.CSS_SELECTOR, pictures))
    page.type("/progress", "")
    page.wait.until(
        lambda d: d.execute_script(
            "const all = document.querySelectorAll(arguments[0]);"
            "return all.length > arguments[1] && all[all.length - 1].naturalWidth > 0;",
            pictures,
            before,
        )
    )
    page.driver.find_elements(By.CSS_SELECTOR, pictures)[-1].click()
    viewer = page.driver.find_element(By.ID, "viewer")
    assert viewer.is_displayed()
    page.wait.until(
        lambda d: (
            d.execute_script("return document.getElementById('viewer-img').naturalWidth") > 300
        )
    )


def test_each_person_has_their_own_chat_and_zone(demo: DemoProcess, browser: Any) -> None:
    """Kei shares their location (the reply keyboard's button) and the bot finds Tokyo; Ana's chat
    is untouched, and the clock shows each person's own local time."""
    from selenium.webdriver.common.by import By

    page = Page(browser, demo.url)
    page.person("Kei")
    onboard_until_zone(page)
    found = page.key(texts.OB_ZONE_LOCATION, "where you are")
    assert "17:00" in found  # 08:00 UTC is 17:00 in Tokyo
    assert "Asia/Tokyo" in " ".join(page.bubbles())
    assert page.local_time() == "Tue 1 Dec 2026, 17:00"
    assert not page.driver.find_elements(By.CSS_SELECTOR, "#keyboard button")  # removed

    page.person("Ana")
    page.wait.until(lambda _: page.bubbles() == [])
    assert page.local_time() == "Tue 1 Dec 2026, 09:00"
