"""Pinyin names in Latin letters, normalised a column at a time (private; used by sql.py).

Covers plain ASCII forms — 'ZHANG/WEI', 'Wei Zhang', 'ZHANG WEI', 'zhangwei' — by splitting
into tokens with Arrow, working out each *distinct* token once (syllables, case, surname
rank: the same memoised helpers `names.normalize_name` uses), and assembling the parts with
numpy and Arrow list joins. Names with a token that is not pinyin are handed back for the
per-value reference.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from docket.normalize._pinyin_tables import COMPOUND_SURNAME_PINYIN, SURNAME_RANK
from docket.normalize._vector_names import _ARROW_INITIAL, _ARROW_STR, _FIELDS, _ID
from docket.normalize.names import _token_syllables

LATIN_PATTERN = r"^[A-Za-z]+(?: [A-Za-z]+)*(?:/[A-Za-z]+(?: [A-Za-z]+)*)?$"
_NO_RANK = 1 << 30

# token → (syllable ids or None, isupper, caps (upper and longer than 1), rank, single cut)
_Info = tuple[tuple[int, ...] | None, bool, bool, int, int]
_TOKENS: dict[str, _Info] = {}


def _info(token: str) -> _Info:
    found = _TOKENS.get(token)
    if found is not None:
        return found
    syl = _token_syllables(token)
    upper = token.isupper()
    if syl is None:
        info: _Info = (None, upper, upper and len(token) > 1, _NO_RANK, 0)
    else:
        cut = 2 if "".join(syl[:2]) in COMPOUND_SURNAME_PINYIN and len(syl) > 2 else 1
        single = cut if len(syl) > cut and "".join(syl[:cut]) in SURNAME_RANK else 0
        rank = SURNAME_RANK.get("".join(syl), _NO_RANK)
        info = (tuple(_ID[s] for s in syl), upper, upper and len(token) > 1, rank, single)
    if len(_TOKENS) < 200_000:
        _TOKENS[token] = info
    return info


def _lists(offsets: npt.NDArray[np.int64], values: pa.Array) -> pa.ListArray:
    return pa.ListArray.from_arrays(pa.array(offsets.astype(np.int32)), values)


def _null_where(array: pa.Array, mask: npt.NDArray[np.bool_]) -> pa.Array:
    return pc.if_else(pa.array(mask), pa.scalar(None, pa.string()), array)


def latin_names(values: pa.Array) -> tuple[pa.StructArray, npt.NDArray[np.bool_]]:
    """Parts for `values` (all matching LATIN_PATTERN), and which rows they are right for."""
    n = len(values)
    slash = np.asarray(pc.match_substring(values, "/").to_numpy(zero_copy_only=False), bool)
    family_part = pc.list_element(pc.split_pattern(values, "/", max_splits=1), 0)
    spaces = pc.count_substring(family_part, " ").to_numpy(zero_copy_only=False)
    n_family = np.where(slash, spaces + 1, -1)

    lists = pc.split_pattern_regex(values, "[ /]")
    offsets = lists.offsets.to_numpy().astype(np.int64)
    starts, k = offsets[:-1], np.diff(offsets)
    flat = lists.flatten()
    distinct = pc.unique(flat)
    which = pc.index_in(flat, value_set=distinct).to_numpy(zero_copy_only=False)
    infos = [_info(t) for t in distinct.to_pylist()]

    u_ok = np.array([i[0] is not None for i in infos], dtype=bool)
    u_len = np.array([len(i[0] or ()) for i in infos], dtype=np.int64)
    u_off = np.concatenate([[0], np.cumsum(u_len)])
    u_syl = np.array([s for i in infos for s in (i[0] or ())], dtype=np.int64)
    tok_ok, tok_len = u_ok[which], u_len[which]
    tok_upper = np.array([i[1] for i in infos], dtype=bool)[which]
    tok_caps = np.array([i[2] for i in infos], dtype=bool)[which]
    tok_rank = np.array([i[3] for i in infos], dtype=np.int64)[which]
    tok_single = np.array([i[4] for i in infos], dtype=np.int64)[which]
    tok_name = np.repeat(np.arange(n), k)
    tok_pos = np.arange(len(which)) - starts[tok_name]

    name_ok = np.add.reduceat(~tok_ok, starts) == 0
    caps_count = np.add.reduceat(tok_caps.astype(np.int64), starts)
    all_upper = np.add.reduceat(tok_upper.astype(np.int64), starts) == k
    caps_pos = np.maximum.reduceat(np.where(tok_caps, tok_pos, -1), starts)
    first_rank, last_rank = tok_rank[starts], tok_rank[starts + k - 1]
    by_rank = np.where(last_rank < first_rank, k - 1, 0)
    use_caps = (caps_count == 1) & (k > 1) & ~all_upper
    family_index = np.where(use_caps, caps_pos, by_rank)
    in_family = np.where(
        slash[tok_name],
        tok_pos < n_family[tok_name],
        (tok_pos == family_index[tok_name]) & (k[tok_name] > 1),
    )
    family_len = np.add.reduceat(np.where(in_family, tok_len, 0), starts)
    family_len = np.where(k == 1, tok_single[starts], family_len)

    order = np.lexsort((tok_pos, ~in_family, tok_name))
    lengths = tok_len[order]
    firsts = u_off[which[order]]
    total = int(lengths.sum())
    ends = np.cumsum(lengths)
    gather = np.arange(total) - np.repeat(ends - lengths, lengths) + np.repeat(firsts, lengths)
    syl = u_syl[gather] if total else np.zeros(0, dtype=np.int64)
    per_name = np.add.reduceat(tok_len, starts)
    name_off = np.concatenate([[0], np.cumsum(per_name)])
    syl_name = np.repeat(np.arange(n), per_name)
    syl_pos = np.arange(total) - name_off[syl_name]

    strings = _ARROW_STR.take(pa.array(syl))
    pinyin = pc.binary_join(_lists(name_off, strings), " ")
    is_family = syl_pos < family_len[syl_name]
    family_off = np.concatenate([[0], np.cumsum(family_len)])
    given_off = np.concatenate([[0], np.cumsum(per_name - family_len)])
    family = pc.binary_join(_lists(family_off, strings.filter(pa.array(is_family))), "")
    given = pc.binary_join(_lists(given_off, strings.filter(pa.array(~is_family))), "")
    no_family = family_len == 0
    family = _null_where(family, no_family)
    given = _null_where(given, no_family | (per_name == family_len))
    sorted_syl = syl[np.lexsort((syl, syl_name))]
    key = pc.binary_join(_lists(name_off, _ARROW_STR.take(pa.array(sorted_syl))), "")
    initials = pc.binary_join(_lists(name_off, _ARROW_INITIAL.take(pa.array(syl))), "")
    hanzi = pa.nulls(n, type=pa.string())
    struct = pa.StructArray.from_arrays(
        [hanzi, pinyin, family, given, key, initials], names=list(_FIELDS)
    )
    return struct, name_ok & (per_name > 0)


def latin_mask(values: pa.Array) -> npt.NDArray[np.bool_]:
    """Which values the Latin column path may take."""
    mask = pc.match_substring_regex(values, LATIN_PATTERN)
    return np.asarray(mask.fill_null(False).to_numpy(zero_copy_only=False), dtype=bool)
