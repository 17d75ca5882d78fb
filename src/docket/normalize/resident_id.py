"""Resident-identity numbers (GB 11643): 18 characters, the last a mod 11-2 check digit.

Spaces and dashes are removed, a lower-case 'x' check digit is accepted, and legacy 15-digit
numbers (YYMMDD birth dates, no check digit) are upgraded to 18 by inserting '19' and
computing the check digit.

`valid` means: the check digit is right and the birth date is a real date not in the future.
The region code (first six digits, GB/T 2260) is extracted but *not* checked against a
table: codes are retired and re-issued over time (a 1960s number keeps a code that no longer
exists), and python-stdnum's `validate` rejects such numbers. A number with a wrong check
digit or date keeps its cleaned value with `valid=False` and a reason, so fuzzy matching can
still use it; a value of the wrong shape gives None.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import NamedTuple

from stdnum.cn import ric

from docket.normalize._text import as_text, empty_reason, strip_separators
from docket.normalize.result import Result, fail, ok

_SHAPE18 = re.compile(r"[0-9]{17}[0-9X]")
_SHAPE15 = re.compile(r"[0-9]{15}")
BAD_CHECK_DIGIT = "check digit does not match (GB 11643)"
BAD_BIRTH_DATE = "birth date in the number is not a real past date"


class RicInfo(NamedTuple):
    """A cleaned resident-ID number and what it tells."""

    number: str
    valid: bool
    birth_date: dt.date | None
    sex: str  # 'M' when the 17th digit is odd, else 'F'
    region: str  # six-digit GB/T 2260 code of the registering county


def check_digit(body17: str) -> str:
    """The GB 11643 check digit for 17 digits."""
    return str(ric.calc_check_digit(body17 + "0"))


def _birth_date(number: str) -> dt.date | None:
    try:
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None
    return born if dt.date(1880, 1, 1) <= born <= dt.date.today() else None


def normalize_resident_id(raw: object) -> Result[RicInfo]:
    """'11010119900307123x' → RicInfo('11010119900307123X', valid=…, 1990-03-07, 'M', '110101')."""
    text = as_text(raw)
    if text is None:
        return fail(empty_reason(raw))
    number = strip_separators(text).upper()
    if _SHAPE15.fullmatch(number):
        body = number[:6] + "19" + number[6:]
        number = body + check_digit(body)
    elif not _SHAPE18.fullmatch(number):
        return fail(
            "a resident-ID number is 18 characters (17 digits and a digit or X) or 15 digits"
        )
    born = _birth_date(number)
    reasons = []
    if check_digit(number[:17]) != number[17]:
        reasons.append(BAD_CHECK_DIGIT)
    if born is None:
        reasons.append(BAD_BIRTH_DATE)
    info = RicInfo(
        number=number,
        valid=not reasons,
        birth_date=born,
        sex="M" if int(number[16]) % 2 else "F",
        region=number[:6],
    )
    return ok(info, "; ".join(reasons) or None)


__all__ = ["BAD_BIRTH_DATE", "BAD_CHECK_DIGIT", "RicInfo", "check_digit", "normalize_resident_id"]
