"""Dates and datetimes in the formats agencies use; naive times are Asia/Shanghai.

Dates: 1990-03-07, 1990/3/7, 1990.03.07, 19900307, 1990年3月7日, 07.03.1990 (day first),
07/03/1990 only when unambiguous (one part > 12), and the date part of any datetime below.
Datetimes: the dates above with a time (`T` or space, `13:45`, `13:45:00`, fractions,
`13时45分00秒`), an optional zone (`Z`, `UTC`, `+08:00`, `+0800`), compact 14-digit
`20260102134500` (call records), and epoch seconds (10 digits) or milliseconds (13 digits).
Datetimes come back timezone-aware in Asia/Shanghai; dates come back as `datetime.date`.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from docket.normalize._text import as_text, empty_reason
from docket.normalize.result import Result, fail, ok

ZONE = ZoneInfo("Asia/Shanghai")
# From 1901: before that Asia/Shanghai used local mean time (+08:05:43).
MIN_YEAR, MAX_YEAR = 1901, 2200

_YMD = r"(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
_COMPACT = r"(?P<cy>\d{4})(?P<cm>\d{2})(?P<cd>\d{2})"
_DMY = r"(?P<dd>\d{1,2})(?P<sep>[./-])(?P<dm>\d{1,2})(?P=sep)(?P<dy>\d{4})"
_TIME = (
    r"(?:\s*T\s*|\s+|(?<=日))(?P<H>\d{1,2})\s*[:时](?P<M>\d{2})\s*分?"
    r"(?:[:]?(?P<S>\d{2})(?:[.,](?P<f>\d{1,9}))?\s*秒?)?"
)
_ZONE = r"\s*(?P<z>Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?"
_DATETIME = re.compile(rf"(?:{_YMD}|{_COMPACT}|{_DMY})(?:{_TIME}{_ZONE})?", re.IGNORECASE)
_COMPACT_TIME = re.compile(r"(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})")
_EPOCH = re.compile(r"-?\d{9,10}|(?P<ms>-?\d{13})")


def _date(y: int, m: int, d: int) -> dt.date | None:
    if not MIN_YEAR <= y <= MAX_YEAR:
        return None
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def _zone(z: str | None) -> dt.tzinfo:
    if not z:
        return ZONE
    if z.upper() in {"Z", "UTC", "GMT"}:
        return dt.UTC
    sign = -1 if z[0] == "-" else 1
    digits = z[1:].replace(":", "")
    minutes = int(digits[:2]) * 60 + (int(digits[2:4]) if len(digits) > 2 else 0)
    return dt.timezone(sign * dt.timedelta(minutes=minutes))


def _parse(text: str) -> tuple[dt.date, dt.datetime | None] | str:
    """(date, aware datetime or None when there is no time part) or a reason."""
    compact = _COMPACT_TIME.fullmatch(text)
    if compact:
        y, mo, d, h, mi, s = map(int, compact.groups())
        day = _date(y, mo, d)
        if day is None or h > 23 or mi > 59 or s > 59:
            return "not a valid date and time"
        return day, dt.datetime(y, mo, d, h, mi, s, tzinfo=ZONE)
    match = _DATETIME.fullmatch(text)
    if match is None:
        epoch = _EPOCH.fullmatch(text)
        if epoch is None:
            return "not a recognised date format"
        seconds = int(text) / 1000 if epoch["ms"] else int(text)
        try:
            moment = dt.datetime.fromtimestamp(seconds, ZONE)
        except (OverflowError, OSError, ValueError):
            return "epoch value out of range"
        if not MIN_YEAR <= moment.year <= MAX_YEAR:
            return "epoch value out of range"
        return moment.date(), moment
    g = match.groupdict()
    if g["y"]:
        day = _date(int(g["y"]), int(g["m"]), int(g["d"]))
    elif g["cy"]:
        day = _date(int(g["cy"]), int(g["cm"]), int(g["cd"]))
    else:
        first, second = int(g["dd"]), int(g["dm"])
        if g["sep"] == "/" and first <= 12 and second <= 12 and first != second:
            return "ambiguous day/month order"
        if g["sep"] == "/" and second > 12:  # month/day/year
            first, second = second, first
        day = _date(int(g["dy"]), second, first)
    if day is None:
        return "not a valid calendar date"
    if g["H"] is None:
        return day, None
    hour, minute, second_ = int(g["H"]), int(g["M"]), int(g["S"] or 0)
    micro = int((g["f"] or "0")[:6].ljust(6, "0"))
    if hour > 23 or minute > 59 or second_ > 59:
        return "not a valid time of day"
    try:
        zone = _zone(g["z"])
        moment = dt.datetime.combine(day, dt.time(hour, minute, second_, micro), zone)
    except ValueError:
        return "not a valid time zone offset"
    return moment.astimezone(ZONE).date(), moment.astimezone(ZONE)


def normalize_date(raw: object) -> Result[dt.date]:
    """A calendar date; a datetime gives its date in Asia/Shanghai."""
    if isinstance(raw, dt.datetime):
        aware = raw if raw.tzinfo else raw.replace(tzinfo=ZONE)
        return ok(aware.astimezone(ZONE).date())
    if isinstance(raw, dt.date):
        return ok(raw) if MIN_YEAR <= raw.year <= MAX_YEAR else fail("year out of range")
    text = as_text(raw)
    if text is None:
        return fail(empty_reason(raw))
    parsed = _parse(text)
    return fail(parsed) if isinstance(parsed, str) else ok(parsed[0])


def normalize_datetime(raw: object) -> Result[dt.datetime]:
    """An aware datetime in Asia/Shanghai; a bare date means midnight there."""
    if isinstance(raw, dt.datetime):
        aware = raw if raw.tzinfo else raw.replace(tzinfo=ZONE)
        return ok(aware.astimezone(ZONE))
    if isinstance(raw, dt.date):
        return ok(dt.datetime.combine(raw, dt.time(), ZONE))
    text = as_text(raw)
    if text is None:
        return fail(empty_reason(raw))
    parsed = _parse(text)
    if isinstance(parsed, str):
        return fail(parsed)
    day, moment = parsed
    return ok(moment if moment is not None else dt.datetime.combine(day, dt.time(), ZONE))


__all__ = ["ZONE", "normalize_date", "normalize_datetime"]
