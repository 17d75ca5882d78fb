"""Sex as 'M' or 'F' (GB/T 2261.1 codes 1 and 2, Chinese and English words)."""

from __future__ import annotations

from docket.normalize._text import as_text, empty_reason
from docket.normalize.result import Result, fail, ok

_SEX = {
    "m": "M",
    "male": "M",
    "man": "M",
    "1": "M",
    "男": "M",
    "男性": "M",
    "f": "F",
    "female": "F",
    "woman": "F",
    "2": "F",
    "女": "F",
    "女性": "F",
}
# GB/T 2261.1: 0 = unknown, 9 = not stated. Not an error in the data, just no value.
_UNKNOWN = {"0", "9", "u", "x", "unknown", "未知", "未说明", "不详"}


def normalize_sex(raw: object) -> Result[str]:
    """'男', 'M', 'male', '1' → 'M'; '女', 'F', 'female', '2' → 'F'; anything else → None."""
    text = as_text(raw)
    if text is None:
        return fail(empty_reason(raw))
    folded = text.casefold()
    if folded in _SEX:
        return ok(_SEX[folded])
    if folded in _UNKNOWN:
        return fail("sex not stated")
    return fail("not a recognised sex value")


__all__ = ["normalize_sex"]
