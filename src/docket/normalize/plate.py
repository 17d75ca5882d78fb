"""Chinese vehicle plates: province character + issuing-office letter + 5 characters
(6 for new-energy vehicles); spaces, dots and middle dots removed, letters upper-cased.

'京A·12345' → '京A12345', '粤B D12345' → '粤BD12345'. Traditional province characters
(粵, 滬 …) are simplified. Values that are not Chinese plates give None.
"""

from __future__ import annotations

import re

from docket.normalize._text import as_text, empty_reason, strip_separators
from docket.normalize.result import Result, fail, ok

PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_TRADITIONAL = str.maketrans(
    "滬雲遼湘皖魯蘇贛鄂甘晉陝閩貴粵藏寧瓊", "沪云辽湘皖鲁苏赣鄂甘晋陕闽贵粤藏宁琼"
)
# Last character of an ordinary plate may be a use marker: trailer, learner, police, HK, Macau,
# consulate, test, over-size.
_SUFFIX = "挂学警港澳领使试超"
_PLATE = re.compile(rf"[{PROVINCES}][A-Z](?:[A-Z0-9]{{4}}[A-Z0-9{_SUFFIX}]|[A-Z0-9]{{6}})")


def normalize_plate(raw: object) -> Result[str]:
    """A Chinese plate in canonical form, or None with a reason."""
    text = as_text(raw)
    if text is None:
        return fail(empty_reason(raw))
    text = strip_separators(text).upper().translate(_TRADITIONAL)
    if not _PLATE.fullmatch(text):
        return fail("not a Chinese plate (province character, letter, 5 or 6 characters)")
    return ok(text)


__all__ = ["PROVINCES", "normalize_plate"]
