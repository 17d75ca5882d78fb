"""Phone numbers to E.164 with phonenumbers, default region CN.

'+86 138-1234-5678', '13812345678', '008613812345678' → '+8613812345678';
'010-12345678' → '+861012345678'. A number that has a possible length but is not valid for
its region keeps its E.164 form with a caveat; anything else gives None.
"""

from __future__ import annotations

import phonenumbers

from docket.normalize._text import as_text, empty_reason
from docket.normalize.result import Result, fail, ok

DEFAULT_REGION = "CN"
NOT_VALID_CAVEAT = "possible but not a valid number for its region"
_E164 = phonenumbers.PhoneNumberFormat.E164


def normalize_phone(raw: object, region: str = DEFAULT_REGION) -> Result[str]:
    """An E.164 string ('+8613812345678') or None with a reason."""
    text = as_text(raw)
    if text is None:
        return fail(empty_reason(raw))
    if len(text) > 64:
        return fail("too long for a phone number")
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        return fail(f"not a phone number ({exc})")
    if not phonenumbers.is_possible_number(number):
        return fail("not a possible phone number (wrong length)")
    e164 = phonenumbers.format_number(number, _E164)
    if number.italian_leading_zero and _reparse(e164) != e164:
        # Leading zeros kept by phonenumbers ('000000000') do not survive a second parse.
        return fail("not a phone number (leading zeros)")
    caveat = None if phonenumbers.is_valid_number(number) else NOT_VALID_CAVEAT
    return ok(e164, caveat)


def _reparse(e164: str) -> str | None:
    try:
        return str(phonenumbers.format_number(phonenumbers.parse(e164, None), _E164))
    except phonenumbers.NumberParseException:
        return None


__all__ = ["DEFAULT_REGION", "normalize_phone"]
