"""Reading a pain score the user typed: `7`, `7/10`, ` 7 `."""

from __future__ import annotations

import re

_PAIN = re.compile(r"^\s*(\d{1,2})\s*(?:/\s*10)?\s*$")


def parse_pain(text: str) -> int | None:
    """The 0–10 score in `text`, or None if it is not one."""
    match = _PAIN.match(text)
    if match is None:
        return None
    value = int(match.group(1))
    return value if 0 <= value <= 10 else None
