"""The DuckDB norm_* functions agree with the per-value reference functions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import duckdb
import pyarrow as pa
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from docket.normalize import REGISTRY
from docket.normalize.sql import SQL_FUNCTIONS, SQL_SHORTCUTS, install, vector_normalize


@pytest.fixture(scope="module")
def con() -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect()
    install(connection)
    yield connection
    connection.close()


def expected(kind: str, raw: str | None) -> Any:
    """What the per-value reference says, in the shape SQL returns."""
    if raw is None:
        return None
    value = REGISTRY[kind](raw).value
    if value is None:
        return None
    if kind == "name":
        return {
            f: getattr(value, f) for f in ("hanzi", "pinyin", "family", "given", "key", "initials")
        }
    if kind == "resident_id":
        return value._asdict()
    return value


def sql_column(con: duckdb.DuckDBPyConnection, kind: str, values: list[str | None]) -> list[Any]:
    table = pa.table({"v": pa.array(values, type=pa.string())})
    cur = con.cursor()
    cur.register("vals", table)
    rows = cur.execute(f"SELECT {SQL_FUNCTIONS[kind]}(v) FROM vals").fetchall()
    cur.unregister("vals")
    return [r[0] for r in rows]


EXAMPLES: dict[str, list[str | None]] = {
    "name": ["ZHANG/WEI", "Wei Zhang", "张伟", "張偉", "John Smith", "123", None, ""],
    "resident_id": ["110101199003071233", "110101199003071230", "110101900307123", "x", None],
    "passport": ["e1234 5678", "??", None],
    "phone": ["+86 138-1234-5678", "010-62345678", "12", None],
    "email": [" A@B.COM", "nope", None],
    "plate": ["京A·12345", "粤B D12345", "A1", None],
    "bank_account": ["6222 0212 3456 7890 128", "12", None],
    "region": ["440300", "深圳市", "火星", None],
    "sex": ["男", "female", "9", None],
    "date": ["1990年3月7日", "07.03.1990", "junk", None],
    "datetime": ["2026-01-02 13:45:00", "2026-01-02T05:45:00Z", "20260102134500", "junk", None],
}


@pytest.mark.parametrize("kind", sorted(EXAMPLES))
def test_sql_and_reference_agree_on_examples(con: duckdb.DuckDBPyConnection, kind: str) -> None:
    values = EXAMPLES[kind]
    assert sql_column(con, kind, values) == [expected(kind, v) for v in values]


def test_the_four_forms_of_zhang_wei_share_one_key_in_sql(con: duckdb.DuckDBPyConnection) -> None:
    rows = con.execute(
        "SELECT DISTINCT norm_name(v).key"
        " FROM (VALUES ('ZHANG/WEI'), ('Wei Zhang'), ('张伟'), ('張偉')) t(v)"
    ).fetchall()
    assert rows == [("weizhang",)]


def test_resident_id_struct_in_sql(con: duckdb.DuckDBPyConnection) -> None:
    row = con.execute(
        "SELECT r.valid, r.birth_date, r.sex, r.region"
        " FROM (SELECT norm_resident_id('110101199003071233') r)"
    ).fetchall()
    assert row == [(True, dt.date(1990, 3, 7), "M", "110101")]
    bad = con.execute("SELECT norm_resident_id('110101199003071230').valid").fetchall()
    assert bad == [(False,)]


def test_naive_datetimes_are_shanghai_time(con: duckdb.DuckDBPyConnection) -> None:
    row = con.execute("SELECT epoch(norm_datetime('2026-01-02 08:00:00'))").fetchall()
    assert row == [(dt.datetime(2026, 1, 2, tzinfo=dt.UTC).timestamp(),)]


def test_install_is_idempotent(con: duckdb.DuckDBPyConnection) -> None:
    install(con)
    install(con)
    assert con.execute("SELECT norm_sex('女')").fetchall() == [("F",)]


def test_many_repeated_values_across_chunks(con: duckdb.DuckDBPyConnection) -> None:
    base = ["张伟", "ZHANG/WEI", None, "王芳", "Fang Wang", "!!"]
    values = base * 2000  # several DuckDB chunks of 2,048
    got = sql_column(con, "name", values)
    want = [expected("name", v) for v in base] * 2000
    assert got == want


def test_vector_normalize_matches_sql(con: duckdb.DuckDBPyConnection) -> None:
    values = pa.array(["13812345678", None, "bad", "13812345678"])
    assert vector_normalize("phone", values).to_pylist() == sql_column(
        con, "phone", values.to_pylist()
    )


_TEXT = st.one_of(st.none(), st.text(max_size=24))
_SHAPED = {
    "name": st.one_of(
        _TEXT, st.sampled_from(["张伟", "ZHANG/WEI", "Li Na", "欧阳娜娜", "Smith, J."])
    ),
    "resident_id": st.one_of(_TEXT, st.from_regex(r"[0-9]{15}|[0-9]{17}[0-9xX]", fullmatch=True)),
    "phone": st.one_of(_TEXT, st.from_regex(r"\+?[0-9 -]{6,16}", fullmatch=True)),
    "date": st.one_of(_TEXT, st.dates().map(lambda d: d.strftime("%Y/%m/%d"))),
    "datetime": st.one_of(_TEXT, st.datetimes().map(lambda d: d.isoformat())),
    "region": st.one_of(_TEXT, st.sampled_from(["广东省", "深圳", "440305", "110000"])),
}


@settings(max_examples=40, deadline=None)
@given(kind=st.sampled_from(sorted(REGISTRY)), data=st.data())
def test_sql_and_reference_agree_on_generated_columns(
    con: duckdb.DuckDBPyConnection, kind: str, data: st.DataObject
) -> None:
    values = data.draw(st.lists(_SHAPED.get(kind, _TEXT), max_size=30))
    assert sql_column(con, kind, values) == [expected(kind, v) for v in values]


# The column paths for names (numpy over Hanzi, Arrow over pinyin tokens) only run on chunks
# with many new names; these tests drive them directly and compare with the reference.
_SYLLABLES = ["zhang", "wei", "xiao", "ming", "ou", "yang", "na", "lv", "lyu", "xi", "an", "e"]
_SYLLABLES += ["zhuge", "liang", "li", "jin", "nan", "guo", "ai", "zeng", "shan", "fang"]
_HANZI = [
    *"张張伟偉欧阳歐陽娜曾单單解仇区區朴查盖覃乐樂缪翟司马馬诸葛諸亮小明王李刘劉陈陳",
    "\U00020000",
]


def _latin_name() -> st.SearchStrategy[str]:
    token = st.lists(st.sampled_from(_SYLLABLES), min_size=1, max_size=3).map("".join)
    cased = st.tuples(token, st.sampled_from([str.upper, str.title, str.lower])).map(
        lambda t: t[1](t[0])
    )
    accented = cased.map(lambda t: t.replace("a", "ā", 1).replace("u", "ü", 1))
    word = st.one_of(cased, accented, st.sampled_from(["John", "SMITH", "B", "Q"]))
    sep = st.sampled_from([" ", "/", "  ", ", ", "_", "__"])
    return st.tuples(st.lists(word, min_size=1, max_size=3), sep).map(
        lambda t: t[1].join(t[0]) if t[1] != "/" else "/".join([t[0][0], " ".join(t[0][1:])])
    )


_NAMES = st.one_of(
    st.lists(st.sampled_from(_HANZI), min_size=1, max_size=7).map("".join),
    _latin_name(),
    st.text(max_size=12),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_NAMES, min_size=1, max_size=12, unique=True))
def test_column_paths_agree_with_the_reference(values: list[str]) -> None:
    from docket.normalize.sql import _fresh

    got = _fresh("name", pa.array(values, type=pa.string()), column_min=1).to_pylist()
    assert got == [expected("name", v) for v in values]


def test_lookup_table_normalises_each_distinct_value_once(
    con: duckdb.DuckDBPyConnection,
) -> None:
    from docket.normalize.sql import lookup_table

    values = ["张伟", "ZHANG/WEI", None, "Zhāng Wěi", "張偉", "!!", "张伟", "John Smith"] * 50
    con.register("people_arrow", pa.table({"full name": pa.array(values, type=pa.string())}))
    con.execute("CREATE OR REPLACE TEMP TABLE people AS SELECT * FROM people_arrow").fetchall()
    assert lookup_table(con, "name", "people", "full name", "name_lookup") == 6
    rows = con.execute(
        'SELECT p."full name", l.norm FROM people p '
        'LEFT JOIN name_lookup l ON p."full name" = l.value'
    ).fetchall()
    assert len(rows) == len(values)
    for raw, norm in rows:
        assert norm == expected("name", raw)


@settings(max_examples=40, deadline=None)
@given(st.lists(_NAMES | st.none(), min_size=0, max_size=80))
def test_vector_normalize_without_memo_matches_with_memo(values: list[str | None]) -> None:
    array = pa.array(values, type=pa.string())
    plain = vector_normalize("name", array, memo=False).to_pylist()
    assert plain == vector_normalize("name", array).to_pylist()
    assert plain == [expected("name", v) for v in values]


def test_a_hanzi_without_reading_does_not_shift_its_neighbours() -> None:
    from docket.normalize.sql import _fresh

    values = ["𠀀𠣋", "张张", "王芳", "\U0002a6d6\U0002a6d7"]
    got = _fresh("name", pa.array(values), column_min=1).to_pylist()
    assert got == [expected("name", v) for v in values]
    assert got[1]["given"] == "zhang"  # type: ignore[index]


_PHONES = st.one_of(
    st.from_regex(
        r"(\+86|0086|\+ 86|86)?[ -]?1[0-9]{2}[ -]?[0-9]{4}[ -(]?[0-9]{4}\)?", fullmatch=True
    ),
    st.from_regex(r"\+?[0-9 ()-]{5,16}", fullmatch=True),
    st.text(max_size=16),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(_PHONES, min_size=1, max_size=12, unique=True))
def test_mobile_column_path_agrees_with_phonenumbers(values: list[str]) -> None:
    from docket.normalize.sql import _fresh

    got = _fresh("phone", pa.array(values, type=pa.string()), column_min=1).to_pylist()
    assert got == [expected("phone", v) for v in values]


_IDS = st.one_of(
    st.from_regex(r"(110101|440305|999999)(19|20)[0-9]{2}(0[1-9]|1[0-2]|13|00)[0-3][0-9][0-9]{3}[0-9Xx]",
                  fullmatch=True),
    st.from_regex(r"(110101|440305)[0-9]{2}(0[1-9]|1[0-2])[0-3][0-9][0-9]{3}", fullmatch=True),
    st.from_regex(r"[0-9]{15}|[0-9]{17}[0-9xX]|[0-9 -]{15,20}", fullmatch=True),
    st.text(max_size=20),
)  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(st.lists(_IDS, min_size=1, max_size=12, unique=True))
def test_resident_id_column_path_agrees_with_the_reference(values: list[str]) -> None:
    from docket.normalize.sql import _fresh

    got = _fresh("resident_id", pa.array(values, type=pa.string()), column_min=1).to_pylist()
    assert got == [expected("resident_id", v) for v in values]


def test_resident_id_column_path_on_valid_and_invalid_numbers() -> None:
    from docket.normalize.sql import _fresh

    values = ["110101199003071233", "110101199003071230", "110101900307123", "11010119900231123x"]
    got = _fresh("resident_id", pa.array(values), column_min=1).to_pylist()
    assert [r["valid"] for r in got] == [True, False, True, False]
    assert got == [expected("resident_id", v) for v in values]


_EMAILS = st.one_of(
    st.emails(),
    st.from_regex(r"[A-Za-z0-9._+-]{1,8}@[A-Za-z0-9.-]{1,12}\.?[A-Za-z]{0,4}\.?", fullmatch=True),
    st.text(max_size=20),
)
_ACCOUNTS = st.one_of(
    st.from_regex(r"[0-9]{10,21}", fullmatch=True),
    st.from_regex(r"[0-9 -]{12,24}", fullmatch=True),
    st.text(max_size=20),
)


@settings(max_examples=120, deadline=None)
@given(
    st.sampled_from(["email", "bank_account"]),
    st.data(),
)
def test_email_and_account_column_paths_agree_with_the_reference(
    kind: str, data: st.DataObject
) -> None:
    from docket.normalize.sql import _fresh

    strategy = _EMAILS if kind == "email" else _ACCOUNTS
    values = data.draw(st.lists(strategy, min_size=1, max_size=12, unique=True))
    got = _fresh(kind, pa.array(values, type=pa.string()), column_min=1).to_pylist()
    assert got == [expected(kind, v) for v in values]


def test_mobile_column_path_leaves_dialling_prefixes_to_phonenumbers() -> None:
    from docket.normalize.sql import _fresh

    # A national '179dd00…' is an international dialling prefix for phonenumbers; with +86,
    # 0086 or 86 in front it is a mobile number again.
    values = ["17916004994", "17984003936", "8617916004994", "+86 179 1600 4994"]
    values += ["008617984003936", "8613247401754", "86 132-4740-1754", "13247401754"]
    got = _fresh("phone", pa.array(values), column_min=1).to_pylist()
    assert got == [expected("phone", v) for v in values]
    assert got[-3:] == ["+8613247401754"] * 3


_PLATES = st.one_of(
    st.from_regex(r"[京粤沪滬湘A-Z][A-Za-z][A-Z0-9·. ]{4,6}[A-Z0-9挂学警港]?", fullmatch=True),
    st.text(max_size=10),
)


@settings(max_examples=120, deadline=None)
@given(st.lists(_PLATES, min_size=1, max_size=12, unique=True))
def test_plate_column_path_agrees_with_the_reference(values: list[str]) -> None:
    from docket.normalize.sql import _fresh

    got = _fresh("plate", pa.array(values, type=pa.string()), column_min=1).to_pylist()
    assert got == [expected("plate", v) for v in values]


_PASSPORTS = st.one_of(
    st.from_regex(r"[EGPegp][A-Za-z0-9 ·.-]{3,22}", fullmatch=True),
    st.from_regex(r"[A-Z0-9]{3,22}", fullmatch=True),
    st.text(max_size=20),
)


@settings(max_examples=120, deadline=None)
@given(st.lists(_PASSPORTS, min_size=1, max_size=12, unique=True))
def test_passport_column_path_agrees_with_the_reference(values: list[str]) -> None:
    from docket.normalize.sql import _fresh

    got = _fresh("passport", pa.array(values, type=pa.string()), column_min=1).to_pylist()
    assert got == [expected("passport", v) for v in values]


def test_names_with_underscores_take_the_column_path_and_agree() -> None:
    from docket.normalize.sql import _fresh

    values = ["ping_li", "LI_WU", "méilì_zhū", "Wang_Xiuying/Li", "_li", "li_", "zhang__wei"]
    got = _fresh("name", pa.array(values), column_min=1).to_pylist()
    assert got == [expected("name", v) for v in values]
    assert got[0]["key"] == "liping"  # type: ignore[index]


@pytest.mark.parametrize("kind", ["name", "phone", "resident_id", "date"])
def test_lookup_query_normalises_each_row_of_a_query(
    con: duckdb.DuckDBPyConnection, kind: str
) -> None:
    from docket.normalize.sql import lookup_query

    raw = {
        "name": ["张伟", " 张伟", "ZHANG/WEI", "", "!!"],
        "phone": ["13812345678", " 13812345678 ", "8613812345678", "", "12"],
        "resident_id": ["110101199003071233", "110101900307123", " x ", "", "1"],
        "date": ["1990-03-07", "1990/3/7 ", "x", "", "07.03.1990"],
    }[kind]
    con.register("raw_values", pa.table({"k": pa.array(raw, type=pa.string())}))
    query = "SELECT k, NULLIF(trim(k), '') AS i FROM raw_values"
    assert lookup_query(con, kind, query, "lk") == len(raw) - 1  # the empty one is left out
    rows = con.execute("SELECT k, i, r FROM lk").fetchall()
    con.unregister("raw_values")
    assert {k for k, _, _ in rows} == {v for v in raw if v.strip()}
    for _k, i, r in rows:
        assert r == expected(kind, i)


_SHORTCUT_INPUTS = st.one_of(
    st.text(alphabet="0123456789 +-()xAB京沪粤学警", min_size=0, max_size=21),
    st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True),
    st.from_regex(r"[京沪粤][A-Z][A-Z0-9]{4,6}[学警]?", fullmatch=True),
)


@pytest.mark.parametrize("kind", sorted(SQL_SHORTCUTS))
@settings(max_examples=300, deadline=None)
@given(raw=_SHORTCUT_INPUTS)
@example(raw="6222021234567890123")
@example(raw="13812345678")
@example(raw="17912345678")  # 179…: phonenumbers reads a dialling prefix; not a shortcut
@example(raw="京A12345")
def test_sql_shortcuts_answer_as_the_normaliser(
    con: duckdb.DuckDBPyConnection, kind: str, raw: str
) -> None:
    """Where a shortcut's pattern matches, its SQL answer is what the normaliser answers
    (ingest skips the lookup for those values); where it does not, the lookup is used."""
    pattern, answer = SQL_SHORTCUTS[kind]
    matched, got = con.execute(
        f"SELECT regexp_full_match(v, ?), {answer.format(v='v')} FROM (SELECT ?::VARCHAR AS v)",
        [pattern, raw],
    ).fetchall()[0]
    if matched:
        assert got == vector_normalize(kind, pa.array([raw]), memo=False)[0].as_py()
        assert got == expected(kind, raw)
