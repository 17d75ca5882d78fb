"""Validation of every value a user hands to Docket: text, ids, names and field names.

Everything a user types passes one of these before it reaches SQL (always as a
bound parameter) or the audit trail. Field names that would let a query filter,
sort or match on a special category (ethnicity, religion, health …) are refused
by `check_field`, the one helper every such place uses.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import UTC, date, datetime

from docket.errors import InputError

MAX_TEXT = 500  # justification, title, reference, authority …
MAX_SHORT = 120  # names, identifiers

_USER_NAME = re.compile(r"^[a-z][a-z0-9._-]{1,31}$")
_CASE_ID = re.compile(r"^C-[0-9]{4,9}$")
_ENTRY_ID = re.compile(r"^W-[0-9]{4,9}$")
_BULK_ID = re.compile(r"^B-[0-9]{4,9}$")
# Entity ids are short hashes, possibly prefixed ('E-3f9a…', 'P:abc'); no quotes, spaces or ';'.
_ENTITY_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9:_.\-]{0,79}$")
# Control, format, surrogate, private-use, unassigned code points; line and paragraph separators.
_REFUSED = ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")
_FIELD = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


def _shown(value: str) -> str:
    short = value if len(value) <= 40 else value[:37] + "…"
    return repr(short)


def text(parameter: str, value: str | None, *, required: bool = True, limit: int = MAX_TEXT) -> str:
    """A free-text value: stripped, no control characters, at most `limit` characters."""
    if value is None or not value.strip():
        if required:
            raise InputError(parameter, "is required and may not be empty")
        return ""
    value = value.strip()
    if len(value) > limit:
        raise InputError(
            parameter, f"is {len(value)} characters long; at most {limit} are allowed", hint=""
        )
    bad = [c for c in value if unicodedata.category(c) in _REFUSED]
    if bad:
        raise InputError(
            parameter,
            f"contains a control character ({bad[0]!r})",
            hint="use plain printable text on one line",
        )
    return "".join(" " if unicodedata.category(c) == "Zs" else c for c in value)


def optional_text(parameter: str, value: str | None, *, limit: int = MAX_TEXT) -> str | None:
    """Like `text`, but None (or blank) is allowed and returned as None."""
    out = text(parameter, value, required=False, limit=limit)
    return out or None


def _match(parameter: str, value: str | None, pattern: re.Pattern[str], example: str) -> str:
    v = text(parameter, value, limit=MAX_SHORT)
    if not pattern.match(v):
        raise InputError(parameter, f"{_shown(v)} is not valid", hint=f"expected {example}")
    return v


def user_name(value: str | None, parameter: str = "user") -> str:
    """A user name: 2–32 characters, lower-case letters, digits, '.', '_' or '-'."""
    return _match(
        parameter, value, _USER_NAME, "2–32 lower-case letters, digits, . _ - (e.g. 'wang.li')"
    )


def case_id(value: str | None, parameter: str = "case") -> str:
    """A case id such as C-0001."""
    return _match(parameter, value, _CASE_ID, "a case id like C-0001 (see `docket case list`)")


def entry_id(value: str | None, parameter: str = "entry") -> str:
    """A watchlist entry id such as W-0001."""
    return _match(parameter, value, _ENTRY_ID, "a watchlist entry id like W-0001")


def bulk_id(value: str | None, parameter: str = "bulk") -> str:
    """A bulk basis id such as B-0001."""
    return _match(parameter, value, _BULK_ID, "a bulk basis id like B-0001")


def entity_id(value: str | None, parameter: str = "entity") -> str:
    """An entity id (letters, digits, ':', '_', '.', '-'; at most 80 characters)."""
    return _match(parameter, value, _ENTITY_ID, "an entity id as printed by Docket")


def one_of(parameter: str, value: str | None, allowed: Iterable[str]) -> str:
    """A value from a fixed vocabulary."""
    choices = sorted(allowed)
    v = text(parameter, value, limit=MAX_SHORT)
    if v not in choices:
        raise InputError(
            parameter, f"{_shown(v)} is not allowed", hint=f"one of: {', '.join(choices)}"
        )
    return v


def check_field(parameter: str, name: str | None, allowed: Iterable[str] | None = None) -> str:
    """A field name used to filter, sort or match on: never a special category.

    `allowed`, when given, is the set of fields the caller supports.
    """
    from docket.schema import model

    v = text(parameter, name, limit=64)
    cat = model().special_category_of(v)
    if cat is not None:
        raise InputError(
            parameter,
            f"{_shown(v)} names a special category ({cat.label})",
            hint="Docket never filters, sorts or alerts on special-category data",
        )
    if not _FIELD.match(v):
        raise InputError(
            parameter, f"{_shown(v)} is not a field name", hint="lower_case_with_underscores"
        )
    if allowed is not None:
        fields = sorted(allowed)
        if v not in fields:
            raise InputError(
                parameter, f"unknown field {_shown(v)}", hint=f"one of: {', '.join(fields)}"
            )
    return v


def day(parameter: str, value: str | None) -> date:
    """A calendar date in ISO form (YYYY-MM-DD)."""
    v = text(parameter, value, limit=10)
    try:
        return date.fromisoformat(v)
    except ValueError:
        raise InputError(parameter, f"{_shown(v)} is not a date", hint="use YYYY-MM-DD") from None


def moment(parameter: str, value: str | None) -> datetime:
    """A date or date-time in ISO form; naive values are taken as UTC."""
    v = text(parameter, value, limit=40)
    try:
        dt = datetime.fromisoformat(v)
    except ValueError:
        raise InputError(
            parameter,
            f"{_shown(v)} is not a date or time",
            hint="use YYYY-MM-DD or YYYY-MM-DDTHH:MM",
        ) from None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def positive(parameter: str, value: int, *, maximum: int) -> int:
    """A positive integer no larger than `maximum`."""
    if value < 1 or value > maximum:
        raise InputError(parameter, f"{value} is out of range", hint=f"use 1 … {maximum}")
    return value
