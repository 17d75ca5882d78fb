"""Places to GB/T 2260 administrative-division codes, trimmed so a jurisdiction is a prefix.

'110000' → '11', '440300' → '4403', '440305' → '440305'; names in Chinese, full or short,
simplified or traditional: '广东省' → '44', '深圳' / '深圳市' → '4403', '广东省深圳市南山区'
→ '440305'. The code table is docket/reference/regions.csv (provinces, major prefectures,
some counties): a numeric code is accepted when its province exists, even if the table does
not list the county, because the table is deliberately partial. A name that is not in the
table, or names two places (朝阳区 is in Beijing and in Changchun), gives None.
"""

from __future__ import annotations

import re
from functools import cache

from docket.normalize._text import as_text, empty_reason, strip_separators
from docket.normalize.names import _simplify
from docket.normalize.result import Result, fail, ok
from docket.reference import regions

_CODE = re.compile(r"[0-9]{2}|[0-9]{4}|[0-9]{6}")
# Longest first, so '维吾尔自治区' is removed before '区'.
_SUFFIXES = sorted(
    (
        "省", "市", "自治区", "壮族自治区", "回族自治区", "维吾尔自治区",
        "特别行政区", "地区", "盟", "自治州", "区", "县", "自治县", "旗",
    ),
    key=len,
    reverse=True,
)  # fmt: skip
_EXTRA_PROVINCES = {"71", "81", "82"}  # Taiwan, Hong Kong, Macau: valid GB/T 2260 codes


def trim_code(code: str) -> str:
    """'440300' → '4403', '110000' → '11': drop trailing '00' pairs."""
    while len(code) > 2 and code.endswith("00"):
        code = code[:-2]
    return code


@cache
def _tables() -> tuple[frozenset[str], dict[str, tuple[str, ...]]]:
    """(province prefixes, full or short name → trimmed codes, shallowest first)."""
    table = regions().to_pylist()
    provinces = {row["code"][:2] for row in table if row["level"] == "province"}
    by_name: dict[str, set[str]] = {}
    for row in table:
        code = trim_code(row["code"])
        for name in {row["name"], _short(row["name"])}:
            if len(name) >= 2:
                by_name.setdefault(name, set()).add(code)
    ordered = {
        name: tuple(sorted(codes, key=lambda c: (len(c), c))) for name, codes in by_name.items()
    }
    return frozenset(provinces | _EXTRA_PROVINCES), ordered


def _short(name: str) -> str:
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def _pick(piece: str, codes: tuple[str, ...], found: str | None) -> str:
    """The code `piece` means below `found`, or a reason starting with '!'."""
    if found is not None:
        codes = tuple(c for c in codes if c.startswith(found) and len(c) > len(found))
    if not codes:
        return f"!'{piece}' is not inside {found}"
    shallow = [c for c in codes if len(c) == len(codes[0])]
    if len(shallow) > 1:
        return f"!'{piece}' names more than one place; add the province"
    return shallow[0]


def _by_name(text: str) -> Result[str]:
    by_name = _tables()[1]
    text = "".join(_simplify(c) for c in text)
    found: str | None = None
    pos = 0
    while pos < len(text):
        for end in range(len(text), pos + 1, -1):
            piece = text[pos:end]
            if piece in by_name:
                code = _pick(piece, by_name[piece], found)
                if code.startswith("!"):
                    return fail(code[1:])
                found, pos = code, end
                break
        else:
            return fail("not a known region name or GB/T 2260 code")
    return ok(found) if found is not None else fail("not a known region name or GB/T 2260 code")


def normalize_region(raw: object) -> Result[str]:
    """A trimmed GB/T 2260 code from a code or a Chinese place name."""
    text = as_text(raw)
    if text is None:
        return fail(empty_reason(raw))
    compact = strip_separators(text)
    if compact.isascii() and compact.isdigit():
        if not _CODE.fullmatch(compact):
            return fail("a GB/T 2260 code has 2, 4 or 6 digits")
        if compact[:2] not in _tables()[0]:
            return fail(f"no province has code {compact[:2]}")
        return ok(trim_code(compact))
    return _by_name(compact)


__all__ = ["normalize_region", "trim_code"]
