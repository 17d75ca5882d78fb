"""Passport and travel-permit numbers: upper-case ASCII letters and digits, 5–20 characters.

Chinese passports are E, G or P plus 8 digits (EA/EB… plus 7 for newer e-passports);
Hong Kong / Macau / Taiwan travel permits have their own letter prefixes. All of them pass
the same shape check, so no issuing-state rule is enforced here.
"""

from __future__ import annotations

import re

from docket.normalize._text import as_text, empty_reason, strip_separators
from docket.normalize.result import Result, fail, ok

_SHAPE = re.compile(r"[A-Z0-9]{5,20}")
_DIGIT = re.compile(r"[0-9]")


def normalize_passport(raw: object) -> Result[str]:
    """' e 1234 5678 ' → 'E12345678'; separators dropped, letters upper-cased."""
    text = as_text(raw)
    if text is None:
        return fail(empty_reason(raw))
    text = strip_separators(text).upper()
    if not _SHAPE.fullmatch(text):
        return fail("a passport number is 5–20 letters and digits")
    if not _DIGIT.search(text):
        return fail("a passport number contains digits")
    return ok(text)


__all__ = ["normalize_passport"]
