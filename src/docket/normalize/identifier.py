"""Identifiers a mapping declares with a scheme (`identifiers:` in a mapping).

A scheme python-stdnum knows — `au-tfn` (country code, number type), or a
country-less one such as `iban`, `isbn`, `imo` — is checked by it: the value is
its compact form, `valid` its verdict. Any other scheme name is the mapping's own
(a membership number, `soc_sec_id`): the value is kept as upper-case letters and
digits, and `valid` is None (nothing to check it against).
"""

from __future__ import annotations

import importlib
import re
from functools import cache
from types import ModuleType
from typing import NamedTuple

import pyarrow as pa

from docket.normalize._text import as_text, empty_reason
from docket.normalize.result import Result, fail, ok

_SCHEME = re.compile(r"^[a-z][a-z0-9_]*(-[a-z0-9_]+)?$")
_KEEP = re.compile(r"[^0-9A-Z]")


class Identifier(NamedTuple):
    number: str
    valid: bool | None  # None: a scheme python-stdnum does not know


def check_scheme(scheme: str) -> str | None:
    """Why `scheme` is not a usable scheme name, or None."""
    if not _SCHEME.match(scheme):
        return "a scheme is lower-case letters, digits and _, optionally 'cc-name' (au-tfn)"
    return None


@cache
def stdnum_module(scheme: str) -> ModuleType | None:
    """The python-stdnum module validating `scheme` ('au-tfn' → stdnum.au.tfn), or None."""
    cc, _, name = scheme.partition("-")
    path = f"stdnum.{cc}.{name}" if name else f"stdnum.{cc}"
    try:
        module = importlib.import_module(path)
    except ImportError:
        return None
    return module if hasattr(module, "is_valid") and hasattr(module, "compact") else None


def normalize_identifier(scheme: str, raw: object) -> Result[Identifier]:
    """(' 123 456 782 ', 'au-tfn') → Identifier('123456782', True)."""
    text = as_text(raw)
    if text is None:
        return fail(empty_reason(raw))
    module = stdnum_module(scheme)
    if module is None:
        number = _KEEP.sub("", text.upper())
        return ok(Identifier(number, None)) if number else fail("no letters or digits")
    try:
        number = str(module.compact(text))
    except Exception:  # stdnum raises its own errors on junk; the raw text is kept
        number = _KEEP.sub("", text.upper())
    if not number:
        return fail("no letters or digits")
    valid = bool(module.is_valid(number))
    return ok(Identifier(number, valid), None if valid else f"not a valid {scheme}")


ARROW_TYPE = pa.struct([("number", pa.string()), ("valid", pa.bool_())])


def vector_identifier(scheme: str, values: pa.Array) -> pa.Array:
    """normalize_identifier over distinct values, as an Arrow struct array (junk → null)."""
    numbers: list[str | None] = []
    valid: list[bool | None] = []
    for v in values.to_pylist():
        r = normalize_identifier(scheme, v).value
        numbers.append(None if r is None else r.number)
        valid.append(None if r is None else r.valid)
    mask = pa.array([n is None for n in numbers], type=pa.bool_())
    return pa.StructArray.from_arrays(
        [pa.array(numbers, pa.string()), pa.array(valid, pa.bool_())],
        fields=list(ARROW_TYPE),
        mask=mask,
    )


__all__ = ["ARROW_TYPE", "Identifier", "check_scheme", "normalize_identifier", "vector_identifier"]
