"""The demo page in headless Chromium (Debian's `chromium` and `chromium-driver`, driven by
Selenium; nothing is downloaded): used by the browser test and by the README's screenshot."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from bot import texts

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
)
WAIT_S = 20


def have_browser() -> bool:
    return all(os.access(p, os.X_OK) for p in (CHROMIUM, CHROMEDRIVER))


class Page:
    """The demo page as a person uses it: type, tap, read the chat, move the clock."""

    def __init__(self, driver: object, url: str) -> None:
        from selenium.common.exceptions import StaleElementReferenceException
        from selenium.webdriver.remote.webdriver import WebDriver
        from selenium.webdriver.support.ui import WebDriverWait

        assert isinstance(driver, WebDriver)
        self.driver = driver
        # The page redraws the chat when it changes: an element found a moment ago may be gone.
        self.wait = WebDriverWait(
            driver, WAIT_S, ignored_exceptions=(StaleElementReferenceException,)
        )
        driver.get(url)

    def bubbles(self) -> list[str]:
        """The text of every bot bubble, read at once (the page redraws the chat as it changes)."""
        script = "return [...document.querySelectorAll('#chat .msg.bot .bubble')]" + (
            ".map(b => b.innerText)"
        )
        return [str(text) for text in self.driver.execute_script(script)]

    def wait_for(self, contains: str, since: list[str] | None = None) -> str:
        """The first bot bubble, new or changed since the `since` snapshot (from `mark`), that
        contains the text."""
        before = since or []

        def probe(_: object) -> str | bool:
            for index, text in enumerate(self.bubbles()):
                fresh = index >= len(before) or before[index] != text
                if fresh and contains in text:
                    return text
            return False

        try:
            return str(self.wait.until(probe))
        except Exception:
            shown = "\n---\n".join(self.bubbles()[-4:])
            raise AssertionError(f"no bot message with {contains!r}; last ones:\n{shown}") from None

    def mark(self) -> list[str]:
        return self.bubbles()

    def type(self, text: str, then: str) -> str:
        from selenium.webdriver.common.by import By

        since = self.mark()
        box = self.driver.find_element(By.ID, "text")
        box.send_keys(text)
        self.driver.find_element(By.ID, "send").click()
        return self.wait_for(then, since)

    def tap(self, label: str, then: str) -> str:
        """Tap the inline button with this label in the newest bot message that has one."""
        from selenium.webdriver.common.by import By

        def click(_: object) -> bool:
            messages = self.driver.find_elements(By.CSS_SELECTOR, "#chat .msg.bot")
            for message in reversed(messages):
                for candidate in message.find_elements(By.CSS_SELECTOR, ".inline button"):
                    if candidate.text == label:
                        candidate.click()
                        return True
            return False

        since = self.mark()
        self.wait.until(click)
        return self.wait_for(then, since)

    def key(self, label: str, then: str) -> str:
        """Tap a button of the reply keyboard under the input field."""
        from selenium.webdriver.common.by import By

        def click(_: object) -> bool:
            for candidate in self.driver.find_elements(By.CSS_SELECTOR, "#keyboard button"):
                if candidate.text == label:
                    candidate.click()
                    return True
            return False

        since = self.mark()
        self.wait.until(click)
        return self.wait_for(then, since)

    def person(self, name: str) -> None:
        """Switch the chat to another demo person."""
        from selenium.webdriver.common.by import By

        def click(_: object) -> bool:
            for button in self.driver.find_elements(By.CSS_SELECTOR, "#users button"):
                if button.text.startswith(name):
                    button.click()
                    return True
            return False

        self.wait.until(click)
        active = "return document.querySelector('#users button.active')?.textContent || ''"
        self.wait.until(lambda d: str(d.execute_script(active)).startswith(name))

    def menu(self, command: str, then: str) -> str:
        """Open the command menu and pick a command."""
        from selenium.webdriver.common.by import By

        since = self.mark()
        self.driver.find_element(By.ID, "menu-button").click()
        self.driver.find_element(By.CSS_SELECTOR, f"#menu button[data-command='{command}']").click()
        return self.wait_for(then, since)

    def clock(self, action: str) -> None:
        from selenium.webdriver.common.by import By

        self.driver.find_element(By.CSS_SELECTOR, f"[data-clock='{action}']").click()
        self.wait.until(
            lambda d: all(b.is_enabled() for b in d.find_elements(By.CSS_SELECTOR, "[data-clock]"))
        )

    def local_time(self) -> str:
        from selenium.webdriver.common.by import By

        return str(self.driver.find_element(By.ID, "local").text)


def onboard_until_zone(page: Page) -> None:
    """Onboarding up to the time-zone question (rest pain 1/10, so Stage 2)."""
    page.type("/start", "can't diagnose")
    page.tap(texts.OB_BEGIN, "safety check")
    page.tap(texts.OB_FLAGS_NONE, "Which Achilles")
    page.tap("Left", "Where exactly")
    page.tap("Mid-portion", "at rest")
    page.type("1/10", "first steps")
    page.tap("2", "stiff")
    page.tap("Under 10 min", "heel raises")
    page.tap("10–24", "weigh")
    page.type("72 kg", "stair")
    page.tap("Yes", "weights")
    page.type("12.5", "gym")
    page.tap("No", "Which time zone")


def onboard(page: Page) -> str:
    """Ana's onboarding (Berlin, Stage 2), by taps and typing; the summary."""
    onboard_until_zone(page)
    assert "09:00" in page.type("berlin", "where you are")
    page.tap("Yes, that's right", "first session")
    page.tap("08:00", "second session")
    page.type("19:30", "three times a week")
    page.tap("Mon · Wed · Fri", "what time on those days")
    page.tap("18:00", "When should I ask")
    return page.tap("07:30", "You're all set")


@contextmanager
def chromium(width: int = 1100, height: int = 900) -> Iterator[Any]:
    """A headless Chromium with a fresh profile, closed afterwards."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="demo-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*CHROMIUM_FLAGS, f"--window-size={width},{height}", f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
