"""Hanzi names normalised a whole column at a time with numpy (private; used by sql.py).

Covers the common case — 2 to 6 CJK unified ideographs and nothing else — with per-character
lookup tables filled lazily from the same memoised OpenCC and pypinyin calls that
`names.normalize_name` uses, so both give identical parts. Rows the tables cannot answer
(a character without a reading, a syllable outside the vocabulary) are handed back for
the per-value reference.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from docket.normalize._pinyin_tables import COMPOUND_SURNAMES, SURNAME_READINGS, SYLLABLES
from docket.normalize.names import _char_pinyin, _simplify

WIDTH = 6
# Unified ideographs only: NFKC leaves them alone (compatibility ideographs are excluded).
FAST_PATTERN = r"^[\x{3400}-\x{4dbf}\x{4e00}-\x{9fff}\x{20000}-\x{2f7ff}\x{2fa20}-\x{3134f}]{2,6}$"
_FIELDS = ("hanzi", "pinyin", "family", "given", "key", "initials")

_VOCAB = sorted(
    SYLLABLES
    | set(SURNAME_READINGS.values())
    | {s for v in COMPOUND_SURNAMES.values() for s in v.split()}
)
_ID = {s: i for i, s in enumerate(_VOCAB)}
_PAD = len(_VOCAB)  # sorts after every syllable id
_ARROW_STR = pa.array(_VOCAB, type=pa.string())
_ARROW_INITIAL = pa.array([s[0] for s in _VOCAB], type=pa.string())

# Per-code-point tables, filled on first sight of a character. 0 / -2 mean "not yet known";
# -1 means "no reading in the vocabulary".
_SIMPLE = np.zeros(0x110000, dtype=np.uint32)
_READING = np.full(0x110000, -2, dtype=np.int16)
_SURNAME = np.full(0x110000, -2, dtype=np.int16)

_COMPOUND_KEYS = np.array(
    sorted((ord(k[0]) << 21) | ord(k[1]) for k in COMPOUND_SURNAMES), dtype=np.uint64
)
_COMPOUND_IDS = np.array(
    [
        [_ID[s] for s in COMPOUND_SURNAMES[chr(k >> 21) + chr(k & 0x1FFFFF)].split()]
        for k in _COMPOUND_KEYS.tolist()
    ],
    dtype=np.int16,
)


def _syllable_id(reading: str | None) -> int:
    return _ID.get(reading, -1) if reading else -1


def _learn(codes: npt.NDArray[np.uint32]) -> None:
    """Fill the tables for every code point in `codes` not seen before."""
    seen = np.unique(codes)
    for c in seen[_SIMPLE[seen] == 0].tolist():
        if c:
            _SIMPLE[c] = ord(_simplify(chr(c)))
    simple = np.unique(_SIMPLE[seen])
    for c in simple[_READING[simple] == -2].tolist():
        ch = chr(c)
        _READING[c] = _syllable_id(_char_pinyin(ch))
        _SURNAME[c] = _syllable_id(SURNAME_READINGS.get(ch) or _char_pinyin(ch))


def hanzi_names(values: pa.Array) -> tuple[pa.StructArray, npt.NDArray[np.bool_]]:
    """Parts for `values` (all matching FAST_PATTERN), and which rows they are right for."""
    n = len(values)
    texts = values.to_numpy(zero_copy_only=False).astype(f"<U{WIDTH}")
    codes = np.ascontiguousarray(texts).view(np.uint32).reshape(n, WIDTH)
    _learn(codes)
    simple = _SIMPLE[codes]
    length = (simple > 0).sum(axis=1)
    used = simple > 0

    ids = np.where(used, _READING[simple], -1).astype(np.int16)
    pair = (simple[:, 0].astype(np.uint64) << np.uint64(21)) | simple[:, 1].astype(np.uint64)
    where = np.searchsorted(_COMPOUND_KEYS, pair).clip(0, len(_COMPOUND_KEYS) - 1)
    compound = (length >= 3) & (_COMPOUND_KEYS[where] == pair)
    ids[:, 0] = np.where(compound, _COMPOUND_IDS[where, 0], _SURNAME[simple[:, 0]])
    ids[:, 1] = np.where(compound, _COMPOUND_IDS[where, 1], ids[:, 1])
    good: npt.NDArray[np.bool_] = np.asarray(~((ids < 0) & used).any(axis=1), dtype=bool)

    # Rows become Arrow lists of syllables (row-major order keeps each row's order), joined
    # with `binary_join`. (binary_join_element_wise drops rows whose inputs are all null.)
    present = ids >= 0
    family_len = np.where(compound, 2, 1)[:, None]
    position = np.arange(WIDTH)[None, :]

    def join(
        mask: npt.NDArray[np.bool_], chosen: npt.NDArray[np.int16], table: pa.Array, sep: str
    ) -> pa.Array:
        offsets = np.concatenate([[0], np.cumsum(mask.sum(axis=1))]).astype(np.int32)
        values = table.take(pa.array(chosen[mask].astype(np.int32)))
        return pc.binary_join(pa.ListArray.from_arrays(pa.array(offsets), values), sep)

    pinyin = join(present, ids, _ARROW_STR, " ")
    family = join(present & (position < family_len), ids, _ARROW_STR, "")
    given = join(present & (position >= family_len), ids, _ARROW_STR, "")
    given = pc.if_else(pc.equal(given, ""), pa.scalar(None, pa.string()), given)
    ordered = np.sort(np.where(present, ids, _PAD), axis=1)
    key = join(ordered < _PAD, ordered, _ARROW_STR, "")
    initials = join(present, ids, _ARROW_INITIAL, "")
    hanzi = pa.array(np.ascontiguousarray(simple).view(f"<U{WIDTH}").reshape(n), type=pa.string())
    struct = pa.StructArray.from_arrays(
        [hanzi, pinyin, family, given, key, initials], names=list(_FIELDS)
    )
    return struct, good


def fast_mask(values: pa.Array) -> npt.NDArray[np.bool_]:
    """Which values the numpy path may take."""
    mask = pc.match_substring_regex(values, FAST_PATTERN)
    return np.asarray(mask.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)
