"""Identifiers as numpy arrays: resident ID numbers (GB 11643), phones, accounts, plates."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

_WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
_CHECK = np.frombuffer(b"10X98765432", dtype=np.uint8)
_ZERO = ord("0")


def check_chars(body: np.ndarray) -> np.ndarray:
    """GB 11643 check character (ASCII code) of (n, 17) digit arrays."""
    out: np.ndarray = _CHECK[(body.astype(np.int64) @ _WEIGHTS) % 11]
    return out


def digits(values: np.ndarray, width: int) -> np.ndarray:
    """(n, width) digit matrix of non-negative integers."""
    powers = 10 ** np.arange(width - 1, -1, -1, dtype=np.int64)
    return ((values.astype(np.int64)[:, None] // powers) % 10).astype(np.uint8)


def ascii_strings(codes: np.ndarray) -> pa.Array:
    """(n, w) uint8 ASCII matrix → Arrow strings."""
    n, w = codes.shape
    fixed = np.ascontiguousarray(codes).view(f"S{w}").reshape(n)
    return pc.cast(pa.array(fixed, type=pa.binary(w)), pa.string())


def id_numbers(
    rng: np.random.Generator, area: np.ndarray, birth: np.ndarray, male: np.ndarray
) -> np.ndarray:
    """Unique 18-character ID numbers as an (n, 18) ASCII matrix.

    `area` holds 6-digit codes (int), `birth` datetime64[D], `male` bool. The sequence
    number's last digit is odd for men, even for women (GB 11643).
    """
    n = len(area)
    date_num = _ymd(birth)
    base = area.astype(np.int64) * 10**8 + date_num
    seq = rng.integers(0, 500, n) * 2 + male.astype(np.int64)
    for _ in range(50):
        key = base * 1000 + seq
        _, first = np.unique(key, return_index=True)
        dup = np.ones(n, dtype=bool)
        dup[first] = False
        if not dup.any():
            break
        seq[dup] = rng.integers(0, 500, int(dup.sum())) * 2 + male[dup].astype(np.int64)
    body = np.concatenate([digits(area, 6), digits(date_num, 8), digits(seq, 3)], axis=1)
    out = np.empty((n, 18), dtype=np.uint8)
    out[:, :17] = body + _ZERO
    out[:, 17] = check_chars(body)
    return out


def _ymd(birth: np.ndarray) -> np.ndarray:
    d = birth.astype("datetime64[D]")
    y = d.astype("datetime64[Y]").astype(np.int64) + 1970
    m = (d.astype("datetime64[M]").astype(np.int64) % 12) + 1
    day = (d - d.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64) + 1
    out: np.ndarray = y * 10000 + m * 100 + day
    return out


def ymd(birth: np.ndarray) -> np.ndarray:
    """datetime64[D] → yyyymmdd integers."""
    return _ymd(birth)


def perturb_ids(
    rng: np.random.Generator,
    ids: np.ndarray,
    p_transpose: float,
    p_mistype: float,
    p_recheck: float,
) -> np.ndarray:
    """Transpose two adjacent digits or mistype one digit in some (n, 18) ID rows.

    A mistyped number gets a recomputed (valid) check digit with probability `p_recheck`:
    it then looks valid but names nobody, or the wrong person.
    """
    out = ids.copy()
    n = len(ids)
    u = rng.random(n)
    t = np.flatnonzero(u < p_transpose)
    if len(t):
        pos = rng.integers(6, 16, len(t))  # inside birth date and sequence
        a, b = out[t, pos].copy(), out[t, pos + 1].copy()
        out[t, pos], out[t, pos + 1] = b, a
    m = np.flatnonzero((u >= p_transpose) & (u < p_transpose + p_mistype))
    if len(m):
        pos = rng.integers(14, 17, len(m))  # the sequence digits: the date stays plausible
        out[m, pos] = (out[m, pos] - _ZERO + rng.integers(1, 10, len(m))) % 10 + _ZERO
        fix = m[rng.random(len(m)) < p_recheck]
        if len(fix):
            out[fix, 17] = check_chars(out[fix, :17] - _ZERO)
    return out


_MOBILE_PREFIXES = np.array(
    [130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 150, 151, 152, 153, 155, 156, 157, 158, 159,
     166, 170, 176, 177, 178, 180, 181, 182, 183, 184, 185, 186, 187, 188, 189, 191, 198, 199],
    dtype=np.int64,
)  # fmt: skip


def unique_numbers(rng: np.random.Generator, n: int, low: int, high: int) -> np.ndarray:
    """n distinct random integers in [low, high) (high - low much larger than n)."""
    out = rng.integers(low, high, n)
    for _ in range(50):
        _, first = np.unique(out, return_index=True)
        dup = np.ones(n, dtype=bool)
        dup[first] = False
        if not dup.any():
            return out
        out[dup] = rng.integers(low, high, int(dup.sum()))
    raise RuntimeError("could not draw unique numbers")  # pragma: no cover


def phone_numbers(rng: np.random.Generator, n: int) -> np.ndarray:
    """n distinct 11-digit mobile numbers (int64)."""
    raw = unique_numbers(rng, n, 0, len(_MOBILE_PREFIXES) * 10**8)
    out: np.ndarray = _MOBILE_PREFIXES[raw // 10**8] * 10**8 + raw % 10**8
    return out


def fmt_int(values: np.ndarray, width: int = 0) -> pa.Array:
    """Integers as decimal strings, zero-padded to `width`."""
    arr = pc.cast(pa.array(values.astype(np.int64)), pa.string())
    return pc.utf8_lpad(arr, width, "0") if width else arr


def format_phones(rng: np.random.Generator, phones: np.ndarray, p_variant: float) -> pa.Array:
    """11-digit phones; a share written '+86 138 1234 5678' or '86-13812345678'."""
    plain = fmt_int(phones)
    if p_variant <= 0:
        return plain
    head = pc.utf8_slice_codeunits(plain, 0, 3)
    mid = pc.utf8_slice_codeunits(plain, 3, 7)
    tail = pc.utf8_slice_codeunits(plain, 7, 11)
    spaced = pc.binary_join_element_wise("+86 ", head, " ", mid, " ", tail, "")
    dashed = pc.binary_join_element_wise("86-", plain, "")
    u = rng.random(len(phones))
    out = pc.if_else(pa.array(u < p_variant / 2), spaced, plain)
    return pc.if_else(pa.array((u >= p_variant / 2) & (u < p_variant)), dashed, out)


def null_out(rng: np.random.Generator, arr: pa.Array, p: float) -> pa.Array:
    """Set a share `p` of values to null (missing fields)."""
    if p <= 0:
        return arr
    mask = rng.random(len(arr)) < p
    return pc.if_else(pa.array(mask), pa.scalar(None, arr.type), arr)
