"""Finding a user's IANA time zone offline: from a shared location, a typed city or zone name,
or a pick from a short list of common zones."""

from __future__ import annotations

import re
from datetime import datetime
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

# Zones offered as buttons: (button label, IANA name). Labels are city names, not jargon.
COMMON_ZONES: tuple[tuple[str, str], ...] = (
    ("London", "Europe/London"),
    ("Berlin / Paris", "Europe/Berlin"),
    ("Athens / Helsinki", "Europe/Athens"),
    ("Moscow", "Europe/Moscow"),
    ("Dubai", "Asia/Dubai"),
    ("India", "Asia/Kolkata"),
    ("Singapore", "Asia/Singapore"),
    ("Tokyo", "Asia/Tokyo"),
    ("Sydney", "Australia/Sydney"),
    ("Auckland", "Pacific/Auckland"),
    ("New York", "America/New_York"),
    ("Chicago", "America/Chicago"),
    ("Denver", "America/Denver"),
    ("Los Angeles", "America/Los_Angeles"),
    ("São Paulo", "America/Sao_Paulo"),
    ("UTC", "UTC"),
)

# Cities people often type that are not the last part of an IANA name.
CITY_ALIASES: dict[str, str] = {
    "amsterdam": "Europe/Amsterdam",
    "bangalore": "Asia/Kolkata",
    "bengaluru": "Asia/Kolkata",
    "beijing": "Asia/Shanghai",
    "boston": "America/New_York",
    "brisbane": "Australia/Brisbane",
    "cape town": "Africa/Johannesburg",
    "delhi": "Asia/Kolkata",
    "new delhi": "Asia/Kolkata",
    "frankfurt": "Europe/Berlin",
    "hamburg": "Europe/Berlin",
    "munich": "Europe/Berlin",
    "münchen": "Europe/Berlin",
    "geneva": "Europe/Zurich",
    "hong kong": "Asia/Hong_Kong",
    "houston": "America/Chicago",
    "dallas": "America/Chicago",
    "miami": "America/New_York",
    "washington": "America/New_York",
    "philadelphia": "America/New_York",
    "atlanta": "America/New_York",
    "montreal": "America/Toronto",
    "ottawa": "America/Toronto",
    "san francisco": "America/Los_Angeles",
    "seattle": "America/Los_Angeles",
    "san diego": "America/Los_Angeles",
    "las vegas": "America/Los_Angeles",
    "phoenix": "America/Phoenix",
    "salt lake city": "America/Denver",
    "mumbai": "Asia/Kolkata",
    "osaka": "Asia/Tokyo",
    "kyoto": "Asia/Tokyo",
    "seoul": "Asia/Seoul",
    "manchester": "Europe/London",
    "edinburgh": "Europe/London",
    "glasgow": "Europe/London",
    "birmingham": "Europe/London",
    "barcelona": "Europe/Madrid",
    "milan": "Europe/Rome",
    "milano": "Europe/Rome",
    "florence": "Europe/Rome",
    "kyiv": "Europe/Kyiv",
    "kiev": "Europe/Kyiv",
    "st petersburg": "Europe/Moscow",
    "saint petersburg": "Europe/Moscow",
    "rio": "America/Sao_Paulo",
    "rio de janeiro": "America/Sao_Paulo",
    "sao paulo": "America/Sao_Paulo",
    "são paulo": "America/Sao_Paulo",
    "wellington": "Pacific/Auckland",
    "perth": "Australia/Perth",
    "canberra": "Australia/Sydney",
    "gmt": "Etc/GMT",
    "utc": "UTC",
}

_SPACES = re.compile(r"[\s_]+")


def _key(text: str) -> str:
    return _SPACES.sub(" ", text.strip().lower())


@cache
def _zone_index() -> dict[str, str]:
    """Lower-cased lookups: the full IANA name and its city part ("new york" → America/…)."""
    index: dict[str, str] = {}
    for name in sorted(available_timezones()):
        if name.startswith(("posix/", "right/")) or name in {"localtime", "Factory"}:
            continue
        index.setdefault(_key(name), name)
        city = _key(name.rsplit("/", 1)[-1])
        # Prefer canonical continents over legacy aliases like "US/…" for the same city.
        if "/" in name and not name.startswith(("US/", "Etc/", "SystemV/")):
            index.setdefault(city, name)
    return index


def zone_from_text(text: str) -> str | None:
    """The IANA zone meant by a typed city or zone name, or None."""
    key = _key(text)
    if not key or len(key) > 64:
        return None
    if key in CITY_ALIASES:
        return CITY_ALIASES[key]
    index = _zone_index()
    if key in index:
        return index[key]
    return index.get(key.replace(" / ", "/"))


@cache
def _finder() -> object:
    from timezonefinder import TimezoneFinder

    return TimezoneFinder()


def zone_from_location(latitude: float, longitude: float) -> str | None:
    """The zone at a shared location, looked up offline (None at sea or for bad input)."""
    if not (-90.0 <= latitude <= 90.0 and -180.0 <= longitude <= 180.0):
        return None
    finder = _finder()
    name = finder.timezone_at(lng=longitude, lat=latitude)  # type: ignore[attr-defined]
    if not isinstance(name, str) or not is_zone(name):
        return None
    return name


def is_zone(name: str) -> bool:
    return name in _zone_index().values() or name == "UTC"


def local_time(zone: str, now: datetime) -> datetime:
    """`now` (tz-aware) as wall time in `zone`."""
    return now.astimezone(ZoneInfo(zone))
