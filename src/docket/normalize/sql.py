"""The normalisers as DuckDB functions, for columns of millions of values.

`install(con)` registers, on one connection (idempotent, fast):

    norm_name(VARCHAR)         -> STRUCT(hanzi, pinyin, family, given, key, initials VARCHAR)
    norm_resident_id(VARCHAR)  -> STRUCT(number VARCHAR, valid BOOLEAN, birth_date DATE,
                                         sex VARCHAR, region VARCHAR)
    norm_passport, norm_phone, norm_email, norm_plate, norm_bank_account, norm_region,
    norm_sex (VARCHAR)         -> VARCHAR
    norm_date(VARCHAR)         -> DATE
    norm_datetime(VARCHAR)     -> TIMESTAMPTZ   (naive inputs are Asia/Shanghai)

Each returns NULL for a missing or junk value (the reason is only available from the
per-value function). A value kept with a caveat (resident ID with a bad check digit, bank
account failing Luhn, phone number not valid for its region) is returned, as in Python.

How it is vectorised: DuckDB hands an Arrow UDF 2,048 values at a time; the UDF takes the
distinct values of the chunk (Arrow compute) and expands the answers back with an Arrow
`take`. Distinct values are answered by column paths where the common case allows one —
names in plain Hanzi (numpy over per-character tables, `_vector_names`) or in plain or tone-
marked pinyin (Arrow over per-token tables, `_vector_latin`), Chinese mobile numbers, clean
resident-ID numbers (numpy check digits, `_vector_ids`), clean account numbers and passport
numbers, plates already in canonical form and plain e-mail addresses — and by the per-value
functions otherwise. A process-wide memo of earlier answers (Arrow rows behind a dict)
spares repeated values any work; it is skipped for kinds whose values are mostly unique. The
per-value functions remain the single definition of what a value normalises to; Hypothesis
tests check every column path against them, and a column path that fails falls back to them
with a RuntimeWarning.

For a column of millions, `lookup_table(con, kind, table, column, target)` is faster than
calling norm_* per row: DuckDB finds the DISTINCT values, they are normalised in one batch,
and the caller joins `target` (value, norm) back (see docs/benchmarks.md, Normalisers).
"""

from __future__ import annotations

import datetime as dt
import threading
import warnings
from collections.abc import Callable
from typing import Any

import duckdb
import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
from duckdb import sqltypes
from duckdb.func import FunctionNullHandling, PythonUDFType

from docket.normalize import REGISTRY
from docket.normalize._vector_ids import clean_mask, resident_ids
from docket.normalize._vector_latin import latin_mask, latin_names
from docket.normalize._vector_names import fast_mask, hanzi_names
from docket.normalize.email import _DOMAIN
from docket.normalize.names import _MAX_LEN, NameParts
from docket.normalize.plate import _PLATE
from docket.normalize.resident_id import RicInfo

_NAME_FIELDS = ("hanzi", "pinyin", "family", "given", "key", "initials")
_NAME_ARROW = pa.struct([(f, pa.string()) for f in _NAME_FIELDS])
_RIC_ARROW = pa.struct(
    [
        ("number", pa.string()),
        ("valid", pa.bool_()),
        ("birth_date", pa.date32()),
        ("sex", pa.string()),
        ("region", pa.string()),
    ]
)
_NAME_SQL = duckdb.struct_type({f: sqltypes.VARCHAR for f in _NAME_FIELDS})
_RIC_SQL = duckdb.struct_type(
    {
        "number": sqltypes.VARCHAR,
        "valid": sqltypes.BOOLEAN,
        "birth_date": sqltypes.DATE,
        "sex": sqltypes.VARCHAR,
        "region": sqltypes.VARCHAR,
    }
)


def _name_row(v: NameParts) -> tuple[str | None, ...]:
    return v[:6]  # hanzi, pinyin, family, given, key, initials


def _ric_row(v: RicInfo) -> tuple[Any, ...]:
    return tuple(v)


def _utc(v: dt.datetime) -> dt.datetime:
    return v.astimezone(dt.UTC)


def _same(v: Any) -> Any:
    return v


# kind → (SQL function name, SQL return type, Arrow type, Python value → Arrow-ready value)
_KINDS: dict[str, tuple[str, Any, pa.DataType, Callable[[Any], Any]]] = {
    "name": ("norm_name", _NAME_SQL, _NAME_ARROW, _name_row),
    "resident_id": ("norm_resident_id", _RIC_SQL, _RIC_ARROW, _ric_row),
    "passport": ("norm_passport", sqltypes.VARCHAR, pa.string(), _same),
    "phone": ("norm_phone", sqltypes.VARCHAR, pa.string(), _same),
    "email": ("norm_email", sqltypes.VARCHAR, pa.string(), _same),
    "plate": ("norm_plate", sqltypes.VARCHAR, pa.string(), _same),
    "bank_account": ("norm_bank_account", sqltypes.VARCHAR, pa.string(), _same),
    "region": ("norm_region", sqltypes.VARCHAR, pa.string(), _same),
    "sex": ("norm_sex", sqltypes.VARCHAR, pa.string(), _same),
    "date": ("norm_date", sqltypes.DATE, pa.date32(), _same),
    "datetime": ("norm_datetime", sqltypes.TIMESTAMP_TZ, pa.timestamp("us", tz="UTC"), _utc),
}
SQL_FUNCTIONS = {kind: spec[0] for kind, spec in _KINDS.items()}


def _to_arrow(kind: str, rows: list[Any]) -> pa.Array:
    arrow_type = _KINDS[kind][2]
    if not pa.types.is_struct(arrow_type):
        return pa.array(rows, type=arrow_type)
    fields = [arrow_type.field(i) for i in range(arrow_type.num_fields)]
    columns = [
        pa.array([None if r is None else r[i] for r in rows], type=f.type)
        for i, f in enumerate(fields)
    ]
    mask = pa.array([r is None for r in rows], type=pa.bool_())
    return pa.StructArray.from_arrays(columns, fields=fields, mask=mask)


def _reference(kind: str, values: list[str]) -> pa.Array:
    """The per-value functions over `values`, as Arrow (junk → null)."""
    normalize, convert = REGISTRY[kind], _KINDS[kind][3]
    rows = []
    for value in values:
        result = normalize(value).value
        rows.append(None if result is None else convert(result))
    return _to_arrow(kind, rows)


# Combining diacritics with a non-zero combining class (U+034F has none).
_MARKS = r"[\x{0300}-\x{034e}\x{0350}-\x{036f}]"
# Below this many new names in a chunk, the per-value loop beats the column paths' fixed cost.
_COLUMN_PATH_MIN = 64


# Chinese mobile numbers, national or with +86 / 0086 / 86, spaces, dashes or brackets between
# digits: E.164 is '+86' and the 11 digits (phonenumbers agrees; tests check it). Except national
# numbers starting 179: phonenumbers reads '179dd00' as an international dialling prefix.
_CN_MOBILE = r"^(?:\+86|0086|86)?(?P<n>1[3-9][0-9]{9})$"
_CN_DIAL_PREFIX = r"^179"
_PHONE_NOISE = r"[ \-()]"


def _plus86(digits: pa.Array) -> pa.Array:
    # a slice insert: binary_join_element_wise with a scalar took 20 times as long
    return pc.utf8_replace_slice(digits, start=0, stop=0, replacement="+86")


def _fresh_phones(values: pa.Array) -> pa.Array:
    compact = pc.replace_substring_regex(pc.utf8_normalize(values, form="NFKC"), _PHONE_NOISE, "")
    found = pc.extract_regex(compact, _CN_MOBILE)
    mobile = np.asarray(found.is_valid(), dtype=bool) & ~_matches(compact, _CN_DIAL_PREFIX)
    if not mobile.any():
        return _reference("phone", values.to_pylist())
    fast = np.flatnonzero(mobile)
    slow = np.flatnonzero(~mobile)
    if not len(slow):
        return _plus86(pc.struct_field(found, "n"))
    digits = pc.struct_field(found.take(pa.array(fast)), "n")
    e164 = _plus86(digits)
    rest = _reference("phone", values.take(pa.array(slow)).to_pylist())
    order = np.argsort(np.concatenate([fast, slow]), kind="stable")
    return pa.concat_arrays([e164, rest]).take(pa.array(order))


def _fresh(kind: str, values: pa.Array, column_min: int = _COLUMN_PATH_MIN) -> pa.Array:
    """Answers for values not seen before (no nulls): column paths for names and Chinese
    mobile numbers, the per-value reference for the rest. A column path that fails falls
    back to the reference with a warning, so SQL never fails on a value."""
    path = _COLUMN_PATHS.get(kind)
    if path is None or len(values) < column_min:
        return _reference(kind, values.to_pylist())
    try:
        answers = path(values)
        if len(answers) != len(values):
            raise ValueError(f"{len(answers)} answers for {len(values)} values")
    except (pa.ArrowException, ValueError, IndexError) as exc:
        warnings.warn(
            f"norm_{kind}: column path failed ({exc}); using the per-value functions",
            RuntimeWarning,
            stacklevel=2,
        )
        return _reference(kind, values.to_pylist())
    return answers


def _fresh_names(values: pa.Array) -> pa.Array:
    """Names: plain Hanzi and plain or accented pinyin as columns, the rest per value."""
    kind = "name"
    parts: list[pa.Array] = []
    positions: list[npt.NDArray[np.int64]] = []
    remaining = np.ones(len(values), dtype=bool)

    def take(path: Any, source: pa.Array, chosen: npt.NDArray[np.int64]) -> None:
        if len(chosen):
            struct, good = path(source)
            parts.append(struct.filter(pa.array(good)))
            positions.append(chosen[good])
            remaining[chosen[good]] = False

    hanzi = np.flatnonzero(fast_mask(values))
    take(hanzi_names, values.take(pa.array(hanzi)), hanzi)
    # Words joined by '_' ('ping_li') are separate tokens for names.normalize_name too.
    spaced = pc.replace_substring(values, "_", " ")
    ascii_latin = latin_mask(spaced)
    plain = np.flatnonzero(ascii_latin & remaining)
    # Other Latin forms (tone marks, ü, full-width letters): NFKD and drop the marks, as
    # names.strip_accents does, then try the same path.
    other = np.flatnonzero(remaining & ~ascii_latin)
    other_values = spaced.take(pa.array(other))
    decomposed = pc.utf8_normalize(other_values, form="NFKD")
    folded = pc.replace_substring_regex(decomposed, _MARKS, "")
    short = np.asarray(pc.less_equal(pc.utf8_length(decomposed), _MAX_LEN), dtype=bool)
    accented = np.flatnonzero(latin_mask(folded) & short)
    latin = np.concatenate([plain, other[accented]])
    source = pa.concat_arrays([spaced.take(pa.array(plain)), folded.take(pa.array(accented))])
    take(latin_names, source, latin)
    slow = np.flatnonzero(remaining)
    parts.append(_reference(kind, values.take(pa.array(slow)).to_pylist()))
    positions.append(slow)
    order = np.argsort(np.concatenate(positions), kind="stable")
    return pa.concat_arrays(parts).take(pa.array(order))


def _split_fast(
    kind: str,
    values: pa.Array,
    fast: npt.NDArray[np.bool_],
    answer: Callable[[pa.Array], pa.Array],
) -> pa.Array:
    """`answer` for the rows in `fast` (given those rows), the reference for the others."""
    chosen, slow = np.flatnonzero(fast), np.flatnonzero(~fast)
    if not len(slow):
        return answer(values)
    parts = [answer(values.take(pa.array(chosen)))] if len(chosen) else []
    parts.append(_reference(kind, values.take(pa.array(slow)).to_pylist()))
    order = np.argsort(np.concatenate([chosen, slow]), kind="stable")
    return pa.concat_arrays(parts).take(pa.array(order))


def _matches(values: pa.Array, pattern: str) -> npt.NDArray[np.bool_]:
    mask = pc.match_substring_regex(values, pattern).fill_null(False)
    return np.asarray(mask.to_numpy(zero_copy_only=False), dtype=bool)


def _fresh_resident_ids(values: pa.Array) -> pa.Array:
    return _split_fast("resident_id", values, clean_mask(values), resident_ids)


def _fresh_bank_accounts(values: pa.Array) -> pa.Array:
    # Already clean: 12–19 ASCII digits are their own normal form.
    return _split_fast("bank_account", values, _matches(values, r"^[0-9]{12,19}$"), lambda v: v)


# Plain ASCII addresses whose domain, lower-cased, passes email.py's own domain pattern.
_EMAIL_PLAIN = r"^[A-Za-z0-9._%+\-]{1,64}@[A-Za-z0-9.\-]{1,253}$"
_EMAIL_DOMAIN = f"@{_DOMAIN.pattern}$"


def _lower_domain(values: pa.Array) -> pa.Array:
    parts = pc.split_pattern(values, "@", max_splits=1)
    domain = pc.utf8_lower(pc.list_element(parts, 1))
    return pc.binary_join_element_wise(pc.list_element(parts, 0), domain, "@")


def _fresh_emails(values: pa.Array) -> pa.Array:
    fast = _matches(values, _EMAIL_PLAIN)
    fast &= _matches(pc.utf8_lower(values), _EMAIL_DOMAIN)
    return _split_fast("email", values, fast, _lower_domain)


def _fresh_passports(values: pa.Array) -> pa.Array:
    # Already clean: 5–20 upper-case ASCII letters and digits, with a digit.
    fast = _matches(values, r"^[A-Z0-9]{5,20}$") & _matches(values, "[0-9]")
    return _split_fast("passport", values, fast, _same)


def _fresh_plates(values: pa.Array) -> pa.Array:
    # Already canonical (simplified province, upper-case, no separators): their own normal form.
    return _split_fast("plate", values, _matches(values, f"^(?:{_PLATE.pattern})$"), _same)


_COLUMN_PATHS: dict[str, Callable[[pa.Array], pa.Array]] = {
    "name": _fresh_names,
    "phone": _fresh_phones,
    "resident_id": _fresh_resident_ids,
    "bank_account": _fresh_bank_accounts,
    "email": _fresh_emails,
    "plate": _fresh_plates,
    "passport": _fresh_passports,
}


# Clean values that some normalisers answer in SQL, per row, with no lookup: (RE2 pattern the
# whole raw value must match, SQL of the answer with {v} for the value). Each is a case its
# column path answers the same way (tests check them against `vector_normalize`): bank
# accounts of 12–19 digits are their own normal form; Chinese mobile numbers written as 11
# digits get '+86' (not those starting 179, which the column path leaves to phonenumbers);
# canonical plates are their own normal form (the same RE2 pattern as the column path).
SQL_SHORTCUTS: dict[str, tuple[str, str]] = {
    "bank_account": ("[0-9]{12,19}", "{v}"),
    "phone": ("1(?:[3-689][0-9]|7[0-8])[0-9]{8}", "'+86' || {v}"),
    "plate": (_PLATE.pattern, "{v}"),
}


# Kinds whose column path is cheap and covers nearly every value: a memo only costs (looking
# a phone number up in it takes longer than the column path's answer).
_NO_MEMO = frozenset({"resident_id", "bank_account", "phone", "plate", "email", "passport"})


class _Memo:
    """Answers for values seen before, as Arrow rows: value → row number.

    Rows live in one consolidated array plus a small recent one (folded in every
    RECENT rows), so a chunk costs one dictionary lookup per distinct value and two Arrow
    `take`s. DuckDB calls UDFs from several threads, so the memo is locked.
    """

    LIMIT = 2_000_000
    RECENT = 32_768

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.type = _KINDS[kind][2]
        self.lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        self.rows: dict[str, int] = {}
        self.big: pa.Array = pa.array([], type=self.type)
        self.recent: pa.Array = pa.array([], type=self.type)

    def _append(self, new: pa.Array) -> None:
        self.recent = pa.concat_arrays([self.recent, new])
        if len(self.recent) >= self.RECENT:
            self.big = pa.concat_arrays([self.big, self.recent])
            self.recent = pa.array([], type=self.type)

    def answers(self, uniques: pa.Array) -> pa.Array:
        with self.lock:
            if len(self.rows) >= self.LIMIT:
                self.reset()
            rows = self.rows
            values = uniques.to_pylist()
            index: list[int | None] = [None if v is None else rows.get(v, -1) for v in values]
            new = [i for i, row in enumerate(index) if row == -1]
            if new:
                base = len(self.big) + len(self.recent)
                self._append(_fresh(self.kind, uniques.take(pa.array(new, type=pa.int64()))))
                for j, i in enumerate(new):
                    rows[values[i]] = index[i] = base + j
            big, recent = self.big, self.recent
        at = pa.array(index, type=pa.int64())
        if len(recent) == 0:
            return big.take(at)
        n_big = len(big)
        in_big = pc.less(at, n_big)
        from_big = big.take(pc.if_else(in_big, at, 0)) if n_big else recent.take(pc.multiply(at, 0))
        from_recent = recent.take(pc.if_else(in_big, 0, pc.subtract(at, n_big)))
        return pc.if_else(in_big, from_big, from_recent)


_MEMOS = {kind: _Memo(kind) for kind in _KINDS}


def reset_memo() -> None:
    """Forget every memoised result (benchmarks use it to time a cold start)."""
    for memo in _MEMOS.values():
        with memo.lock:
            memo.reset()


def vector_normalize(
    kind: str, values: pa.Array | pa.ChunkedArray, *, memo: bool = True
) -> pa.Array:
    """Normalise an Arrow string array; junk and nulls become null. `kind` is a REGISTRY key.

    `memo=False` skips the process-wide memo: right for one large batch of distinct values.
    """
    if kind not in _KINDS:
        raise KeyError(f"unknown normaliser kind {kind!r}; one of {sorted(_KINDS)}")
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if not pa.types.is_string(values.type):
        values = values.cast(pa.string())
    if len(values) == 0:
        return pa.array([], type=_KINDS[kind][2])
    uniques = pc.unique(values)
    positions = pc.index_in(values, value_set=uniques, skip_nulls=False)
    if not memo or kind in _NO_MEMO:
        present = np.flatnonzero(np.asarray(uniques.is_valid(), dtype=bool))
        column_min = 1 if kind in _NO_MEMO else _COLUMN_PATH_MIN
        answers = _fresh(kind, uniques.take(pa.array(present)), column_min)
        where = np.full(len(uniques), -1, dtype=np.int64)
        where[present] = np.arange(len(present))
        at = pa.array(where, mask=where < 0)
        return answers.take(at).take(positions)
    return _MEMOS[kind].answers(uniques).take(positions)


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def lookup_table(
    con: duckdb.DuckDBPyConnection, kind: str, source: str, column: str, target: str
) -> int:
    """TEMP TABLE `target(value VARCHAR, norm <type>)` for the distinct values of a column.

    The fastest way to normalise a column of millions of rows: DuckDB finds the distinct
    values, they are normalised in one batch, and the caller joins `target` on `value`.
    Returns the number of distinct values.
    """
    distinct = (
        con.sql(
            f"SELECT DISTINCT CAST({_quote(column)} AS VARCHAR) AS value "
            f"FROM {_quote(source)} WHERE {_quote(column)} IS NOT NULL"
        )
        .to_arrow_table()
        .column(0)
        .combine_chunks()
    )
    table = pa.table({"value": distinct, "norm": vector_normalize(kind, distinct, memo=False)})
    _temp_table(con, table, target)
    return len(distinct)


def _temp_table(con: duckdb.DuckDBPyConnection, table: pa.Table, target: str) -> None:
    """TEMP TABLE `target` holding the Arrow `table`."""
    view = f"_docket_lookup_{threading.get_ident()}"
    con.register(view, table)
    try:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {_quote(target)} AS SELECT * FROM {_quote(view)}"
        ).fetchall()
    finally:
        con.unregister(view)


def _distinct_answers(kind: str, values: pa.Array) -> pa.Array:
    """Answers for values with no nulls and few repeats: no dedupe pass first."""
    if not pa.types.is_string(values.type):
        values = values.cast(pa.string())
    if len(values) == 0:
        return pa.array([], type=_KINDS[kind][2])
    if kind in _NO_MEMO or kind in _COLUMN_PATHS:
        # one batch of distinct values: a column path answers it faster than the memo
        # finds them (docs/benchmarks.md, "Ingest notes")
        return _fresh(kind, values, 1)
    return _MEMOS[kind].answers(values)


def lookup_query(con: duckdb.DuckDBPyConnection, kind: str, query: str, target: str) -> int:
    """TEMP TABLE `target(k, i, r)` from `query`'s rows (k, i): r is i normalised; rows
    whose i is null are left out.

    `query` should give each k once. The values are normalised in one batch (as
    `lookup_table` does), which spares the per-chunk cost of calling norm_* from SQL.
    Returns the number of rows."""
    table = con.sql(query).to_arrow_table()
    table = table.filter(pc.is_valid(table.column(1)))
    answers = _distinct_answers(kind, table.column(1).combine_chunks())
    _temp_table(con, table.append_column("r", answers), target)
    return int(table.num_rows)


def _udf(kind: str) -> Callable[[pa.Array | pa.ChunkedArray], pa.Array]:
    def udf(values: pa.Array | pa.ChunkedArray) -> pa.Array:
        return vector_normalize(kind, values)

    udf.__name__ = SQL_FUNCTIONS[kind]
    return udf


def install(con: duckdb.DuckDBPyConnection) -> None:
    """Register the norm_* functions on `con`; a second call on the same connection is a no-op."""
    names = list(SQL_FUNCTIONS.values())
    present = {
        row[0]
        for row in con.execute(
            "SELECT DISTINCT function_name FROM duckdb_functions()"
            " WHERE list_contains(?, function_name)",
            [names],
        ).fetchall()
    }
    for kind, (fname, sql_type, _, _) in _KINDS.items():
        if fname in present:
            continue
        con.create_function(
            fname,
            _udf(kind),
            [sqltypes.VARCHAR],
            sql_type,
            type=PythonUDFType.ARROW,
            null_handling=FunctionNullHandling.SPECIAL,
            side_effects=False,
        )


__all__ = [
    "SQL_FUNCTIONS",
    "SQL_SHORTCUTS",
    "install",
    "lookup_query",
    "lookup_table",
    "reset_memo",
    "vector_normalize",
]
