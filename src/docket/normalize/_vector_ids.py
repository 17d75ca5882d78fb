"""Resident-ID numbers checked a column at a time with numpy (private; used by sql.py).

Covers clean values — 18 characters (17 digits and a digit, X or x) or 15 digits — with the
same rules as `resident_id.normalize_resident_id`: GB 11643 check digit, birth date real and
between 1880-01-01 and today, sex from the 17th digit, the region code unchecked.
Anything else (separators, full-width digits …) goes to the per-value function.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

CLEAN_PATTERN = r"^(?:[0-9]{17}[0-9Xx]|[0-9]{15})$"
_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int16)
_CHECK = np.frombuffer(b"10X98765432", dtype=np.uint8)
_DAYS = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)
_SEXES = pa.array(["F", "M"], type=pa.string())  # by the 17th digit's parity
_TYPE = pa.struct(
    [
        ("number", pa.string()),
        ("valid", pa.bool_()),
        ("birth_date", pa.date32()),
        ("sex", pa.string()),
        ("region", pa.string()),
    ]
)


def clean_mask(values: pa.Array) -> npt.NDArray[np.bool_]:
    """Which values the column path may take."""
    mask = pc.match_substring_regex(values, CLEAN_PATTERN)
    return np.asarray(mask.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)


def _fixed_width(values: pa.Array, width: int) -> npt.NDArray[np.uint8]:
    """ASCII strings of at most `width` bytes as an (n, width) byte matrix, NUL-padded.

    Arrow pads every value to `width` bytes, so the data buffer is the matrix itself (no
    gather through an (n, width) index matrix)."""
    n = len(values)
    padded = pc.utf8_rpad(values.cast(pa.string()).fill_null(""), width=width, padding="\0")
    offsets = np.frombuffer(padded.buffers()[1], dtype=np.int32)[
        padded.offset : padded.offset + n + 1
    ]
    if n == 0:
        return np.zeros((0, width), dtype=np.uint8)
    if offsets[-1] - offsets[0] != n * width:
        raise ValueError(f"values longer than {width} bytes")
    data = np.frombuffer(padded.buffers()[2], dtype=np.uint8)
    return data[offsets[0] : offsets[0] + n * width].reshape(n, width).copy()


def _strings(chars: npt.NDArray[np.uint8]) -> pa.Array:
    """Rows of an (n, width) byte matrix as an Arrow string array (no NULs inside)."""
    n, width = chars.shape
    offsets = np.arange(0, width * (n + 1), width, dtype=np.int32)
    data = np.ascontiguousarray(chars).tobytes()
    return pa.Array.from_buffers(pa.string(), n, [None, pa.py_buffer(offsets), pa.py_buffer(data)])


def resident_ids(values: pa.Array) -> pa.StructArray:
    """RicInfo rows for `values`, all matching CLEAN_PATTERN."""
    chars = _fixed_width(values, 18)
    chars[chars == ord("x")] = ord("X")
    legacy = chars[:, 15] == 0  # 15 digits: NUL-padded
    if legacy.any():
        old = chars[legacy]
        body = np.zeros_like(old)
        body[:, :6] = old[:, :6]
        body[:, 6:8] = np.frombuffer(b"19", dtype=np.uint8)
        body[:, 8:17] = old[:, 6:15]
        chars[legacy] = body
    # int16 is wide enough (a weighted sum is at most 900) and a quarter of int64's traffic
    digits = chars[:, :17].astype(np.int16) - 48
    expected = _CHECK[(digits * _WEIGHTS).sum(axis=1, dtype=np.int16) % 11]
    chars[legacy, 17] = expected[legacy]
    check_ok = chars[:, 17] == expected

    year = digits[:, 6:10].astype(np.int64) @ np.array([1000, 100, 10, 1])
    month = digits[:, 10].astype(np.int64) * 10 + digits[:, 11]
    day = digits[:, 12].astype(np.int64) * 10 + digits[:, 13]
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    month_ok = (month >= 1) & (month <= 12)
    days = np.where(month_ok, _DAYS[np.clip(month - 1, 0, 11)], 0) + (leap & (month == 2))
    real = month_ok & (day >= 1) & (day <= days)
    start = np.datetime64("1970-01") + ((year - 1970) * 12 + month - 1).astype("timedelta64[M]")
    born = start.astype("datetime64[D]") + (day - 1).astype("timedelta64[D]")
    today = np.datetime64(dt.date.today(), "D")
    real &= (born >= np.datetime64("1880-01-01")) & (born <= today)

    number = _strings(chars)
    birth = pa.array(np.where(real, born, np.datetime64("1970-01-01")), type=pa.date32())
    birth = pc.if_else(pa.array(real), birth, pa.scalar(None, pa.date32()))
    sex = _SEXES.take(pa.array(digits[:, 16] % 2))
    region = pc.utf8_slice_codeunits(number, 0, 6)
    return pa.StructArray.from_arrays(
        [number, pa.array(check_ok & real), birth, sex, region], fields=list(_TYPE)
    )
