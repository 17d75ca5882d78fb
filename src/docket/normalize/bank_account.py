"""Bank account and card numbers: digits only, 12–19 of them.

The Luhn check digit is *reported*, not required: card numbers (16–19 digits) carry one,
but many Chinese bank account numbers do not. A number failing Luhn keeps its value and gets
the reason 'fails the Luhn check'; `luhn_ok` answers the question directly.
"""

from __future__ import annotations

import re

from docket.normalize._text import as_text, empty_reason, strip_separators
from docket.normalize.result import Result, fail, ok

_SHAPE = re.compile(r"[0-9]{12,19}")
LUHN_CAVEAT = "fails the Luhn check"


def luhn_ok(digits: str) -> bool:
    """True when the digit string passes the Luhn (mod 10) check."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def normalize_bank_account(raw: object) -> Result[str]:
    """'6222 0212 3456 7890 128' → '6222021234567890128'."""
    text = as_text(raw)
    if text is None:
        return fail(empty_reason(raw))
    digits = strip_separators(text)
    if not _SHAPE.fullmatch(digits):
        return fail("an account number is 12–19 digits")
    return ok(digits, None if luhn_ok(digits) else LUHN_CAVEAT)


__all__ = ["LUHN_CAVEAT", "luhn_ok", "normalize_bank_account"]
