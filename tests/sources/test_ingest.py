"""Ingesting files: quarantine with reasons, read = stored + quarantined, idempotence, atomicity."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from docket.sources.ingest import ingest_files
from docket.sources.mapping import load_mapping
from tests.conftest import as_admin, run_ingest
from tests.sources.conftest import count, ingest, write_mapping

PEOPLE = {
    "name": "people",
    "files": ["people*.csv"],
    "format": "csv",
    "record_key": "id",
    "retention_days": 365,
    "legal_basis": "test fixture",
    "person": {"name": "full_name", "birthDate": "dob", "address": "street"},
}


def _people_csv(path: Path, n: int, bad: dict[int, str]) -> None:
    """n data rows; row numbers in `bad` get a defect of the named kind."""
    lines = ["id,full_name,dob,street,shoe_size"]
    for i in range(1, n + 1):
        row = [
            f"P{i}",
            f"Person Number{i}",
            f"19{50 + i % 50}-0{1 + i % 9}-1{i % 9}",
            f"{i} Road",
            "9",
        ]
        kind = bad.get(i)
        if kind == "date":
            row[2] = "31/02/notadate"
        elif kind == "short":
            row = row[:3]
        elif kind == "long":
            row = [*row, "extra"]
        elif kind == "nokey":
            row[0] = ""
        elif kind == "dup":
            row[0] = "P1"
        lines.append(",".join(row))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_malformed_rows_are_quarantined_with_reasons(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    bad = {7: "date", 19: "short", 33: "long", 58: "nokey", 71: "dup", 90: "date"}
    data = tmp_path / "people.csv"
    _people_csv(data, 100, bad)
    result = ingest(con, data, write_mapping(tmp_path, PEOPLE))

    assert result.rows_read == 100
    assert result.rows_quarantined == len(bad)
    assert result.rows_stored == 100 - len(bad)
    assert result.rows_read == result.rows_stored + result.rows_quarantined
    reasons = dict(con.execute("SELECT row_number, reason FROM quarantine").fetchall())
    assert sorted(reasons) == sorted(bad)
    assert reasons[7].startswith("bad date") and "31/02/notadate" in reasons[7]
    assert reasons[19].startswith("wrong column count")
    assert reasons[33].startswith("wrong column count")
    assert reasons[58].startswith("missing record key")
    assert reasons[71].startswith("duplicate record key P1 (first at row 1)")
    good = {f"P{i}" for i in range(1, 101) if i not in bad}
    stored = {r[0] for r in con.execute("SELECT record_key FROM mentions").fetchall()}
    assert stored == good
    # rows keep their place in the file even around rejected ones
    rows = dict(con.execute("SELECT record_key, row_number FROM mentions").fetchall())
    assert rows["P20"] == 20 and rows["P100"] == 100
    src = con.execute("SELECT rows_read, rows_stored, rows_quarantined FROM sources").fetchall()
    assert src == [(100, 94, 6)]


def test_only_mapped_columns_are_stored(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    data = tmp_path / "people.csv"
    _people_csv(data, 5, {2: "date"})
    ingest(con, data, write_mapping(tmp_path, PEOPLE))
    raw = con.execute("SELECT raw FROM quarantine").fetchall()[0][0]
    assert json.loads(raw) == {
        "id": "P2",
        "full_name": "Person Number2",
        "dob": "31/02/notadate",
        "street": "2 Road",
    }
    assert "shoe_size" not in raw


def test_reingesting_the_same_file_is_idempotent(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    data = tmp_path / "people.csv"
    _people_csv(data, 20, {3: "date"})
    mapping = write_mapping(tmp_path, PEOPLE)
    first = ingest(con, data, mapping)
    again = ingest(con, data, mapping)
    assert (first.status, again.status) == ("loaded", "skipped")
    assert count(con, "mentions") == 19
    assert count(con, "quarantine") == 1
    assert count(con, "sources") == 1


def test_a_new_version_of_a_file_replaces_rows_with_the_same_keys(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    mapping = write_mapping(tmp_path, PEOPLE)
    data = tmp_path / "people.csv"
    _people_csv(data, 10, {})
    ingest(con, data, mapping)
    data.write_text("id,full_name,dob,street\nP3,Corrected Name,1960-01-01,3 Road\n")
    ingest(con, data, mapping)
    assert count(con, "mentions") == 10
    names = con.execute("SELECT name_raw FROM mentions WHERE record_key = 'P3'").fetchall()
    assert names == [("Corrected Name",)]


def test_keys_stay_unique_across_new_versions_of_a_file(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    # the store has no key constraints on these tables: ingest itself keeps keys unique
    body = {
        **PEOPLE,
        "person": {**PEOPLE["person"], "phone": "tel"},  # type: ignore[dict-item]
        "things": [{"id": "phone", "kind": "Phone", "key": "tel"}],
        "holdings": [{"asset": "phone"}],
    }
    mapping = write_mapping(tmp_path, body)
    data = tmp_path / "people.csv"
    head = "id,full_name,dob,street,tel\n"
    data.write_text(head + "A,Ann Bee,1980-01-01,,13812345678\nB,Bo Cee,1981-01-01,,13912345678\n")
    ingest(con, data, mapping)
    data.write_text(head + "A,Ann Bee,1980-01-01,,13812345678\nB,Bo Cee,1981-01-01,,13700000000\n")
    ingest(con, data, mapping)
    assert count(con, "mentions") == 2
    assert count(con, "things") == 3  # both of B's phones are things; A's is one
    held = con.execute("SELECT record_key, thing_id FROM holdings ORDER BY 1").fetchall()
    assert held == [("A", "Phone:+8613812345678"), ("B", "Phone:+8613700000000")]
    for table, key in (("mentions", "mention_id"), ("things", "thing_id")):
        dupes = con.execute(f"SELECT count(*) - count(DISTINCT {key}) FROM {table}").fetchall()[0][
            0
        ]
        assert dupes == 0, table


def test_a_crash_midway_leaves_nothing_of_the_file(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    body = {
        **PEOPLE,
        "person": {**PEOPLE["person"], "phone": "tel"},  # type: ignore[dict-item]
        "things": [{"id": "phone", "kind": "Phone", "key": "tel"}],
        "holdings": [{"asset": "phone"}],
    }
    data = tmp_path / "people.csv"
    data.write_text("id,full_name,dob,street,tel\nA,Ann Bee,1980-01-01,,13812345678\nB,x,bad,,1\n")
    m = load_mapping(write_mapping(tmp_path, body))

    def crash(stage: str) -> None:
        if stage == "things":  # after quarantine and mentions were written
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_ingest(con, data, m, step=crash)
    for table in ("mentions", "quarantine", "things", "holdings", "sources"):
        assert count(con, table) == 0, table
    # and the file loads cleanly afterwards
    assert ingest(con, data, m).rows_stored == 1
    assert count(con, "holdings") == 1


def test_files_after_a_crash_are_not_written(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    """Two files at a time: a crash while the second file is written rolls it back, and the
    third file, read meanwhile, is not written; a file that is only malformed fails alone."""
    folder = tmp_path / "in"
    folder.mkdir()
    for k in (1, 2, 3, 4):
        lines = ["id,full_name,dob,street,shoe_size"]
        lines += [f"F{k}-{i},Person Number{i},1980-01-0{1 + i % 9},{i} Road,9" for i in range(50)]
        (folder / f"people_{k}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "people_2.csv").write_text("id;nothing else\n", encoding="utf-8")  # no columns
    m = load_mapping(write_mapping(tmp_path, PEOPLE))
    files = [(folder / f"people_{k}.csv", m) for k in (1, 2, 3, 4)]

    def crash(path: Path, stage: str) -> None:
        if path.name == "people_3.csv" and stage == "mentions":
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt), as_admin(con) as op:
        ingest_files(op, files, step=crash)
    keys = {
        k[0]
        for k in con.execute(
            "SELECT DISTINCT split_part(record_key, '-', 1) FROM mentions"
        ).fetchall()
    }
    assert keys == {"F1"}
    assert [r[0] for r in con.execute("SELECT file FROM sources").fetchall()] == [str(files[0][0])]

    with as_admin(con) as op:
        results, failed = ingest_files(op, files)
    assert [p.name for p, _ in failed] == ["people_2.csv"]
    assert [r.status for r in results] == ["skipped", "loaded", "loaded"]
    assert count(con, "mentions") == 150


def test_user_mapping_for_an_english_person_csv(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    data = tmp_path / "contacts_2024.csv"
    data.write_text(
        "Ref,Surname,Forename,Date of Birth,Address Line 1,Town,Postcode\n"
        'C-1,Smith,John,03/02/1980,"1 High Street",Leeds,LS1 1AA\n'
        "C-2,O'Brien,Siobhán,17/11/1975,2 Low Road,Cork,\n"
        "C-3,Müller,Jürgen,,,Berlin,\n",
        encoding="utf-8",
    )
    mapping = write_mapping(
        tmp_path,
        {
            "name": "contacts",
            "files": ["contacts_*.csv"],
            "record_key": "Ref",
            "person": {
                "lastName": "Surname",
                "firstName": "Forename",
                "birthDate": {"column": "Date of Birth", "format": "%d/%m/%Y"},
                "address": {"column": ["Address Line 1", "Town", "Postcode"], "separator": ", "},
            },
        },
    )
    result = ingest(con, data, mapping)
    assert (result.rows_stored, result.rows_quarantined) == (3, 0)
    rows = con.execute(
        "SELECT record_key, name_raw, family_name, given_name, birth_date::VARCHAR, address "
        "FROM mentions ORDER BY record_key"
    ).fetchall()
    assert rows[0] == (
        "C-1", "Smith/John", "smith", "john", "1980-02-03", "1 High Street, Leeds, LS1 1AA"
    )  # fmt: skip
    assert rows[1] == (
        "C-2",
        "O'Brien/Siobhán",
        "obrien",
        "siobhan",
        "1975-11-17",
        "2 Low Road, Cork",
    )
    assert rows[2] == ("C-3", "Müller/Jürgen", "muller", "jurgen", None, "Berlin")


def test_gb18030_with_undecodable_bytes(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    data = tmp_path / "reg.csv"
    good = "编号,姓名,性别\nR1,张伟,男\n".encode("gb18030")
    broken = b"R2,\x81\x20\xff,\xc5\xae\n"  # invalid GB18030 in the name
    tail = "R3,欧阳娜娜,女\n".encode("gb18030")
    data.write_bytes(good + broken + tail)
    mapping = write_mapping(
        tmp_path,
        {
            "name": "reg",
            "encoding": "gb18030",
            "record_key": "编号",
            "person": {"name": "姓名", "gender": "性别"},
        },
    )
    result = ingest(con, data, mapping)
    assert (result.rows_read, result.rows_stored, result.rows_quarantined) == (3, 2, 1)
    reason = con.execute("SELECT row_number, reason FROM quarantine").fetchall()
    assert reason == [(2, "undecodable bytes (gb18030) in column '姓名'")]
    rows = con.execute("SELECT name_hanzi, sex FROM mentions ORDER BY record_key").fetchall()
    assert rows == [("张伟", "M"), ("欧阳娜娜", "F")]


def test_jsonl_with_broken_lines(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    data = tmp_path / "feed.jsonl"
    lines = [
        json.dumps({"k": "a", "who": "王芳", "at": "2026/01/02 13:45", "religion": "x"}),
        '{"k": "b", "who": ',
        "",
        json.dumps(["not", "an", "object"]),
        json.dumps({"k": "c", "who": "李娜", "at": "2026/01/03 08:00"}),
        json.dumps({"k": "d", "who": "李娜", "at": "yesterday"}),
    ]
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    mapping = write_mapping(
        tmp_path,
        {
            "name": "feed",
            "format": "jsonl",
            "record_key": "k",
            "person": {"name": "who"},
            "things": [{"id": "hotel", "kind": "Hotel", "key": {"value": "H1"}}],
            "events": [
                {
                    "kind": "Stay",
                    "properties": {"startDate": {"column": "at", "format": "%Y/%m/%d %H:%M"}},
                    "place": "hotel",
                    "parties": {"guest": "person", "place": "hotel"},
                }
            ],
        },
    )
    result = ingest(con, data, mapping)
    assert (result.rows_read, result.rows_stored, result.rows_quarantined) == (5, 2, 3)
    reasons = dict(con.execute("SELECT row_number, reason FROM quarantine").fetchall())
    assert reasons[2] == "not valid JSON"
    assert reasons[4] == "not a JSON object"
    assert reasons[6].startswith("bad date and time in at: yesterday")
    events = con.execute(
        "SELECT event_id, kind, strftime(start_at AT TIME ZONE 'Asia/Shanghai', '%Y-%m-%d %H:%M'),"
        " place_id FROM events ORDER BY event_id"
    ).fetchall()
    assert events == [
        ("feed:a", "Stay", "2026-01-02 13:45", "Hotel:H1"),
        ("feed:c", "Stay", "2026-01-03 08:00", "Hotel:H1"),
    ]
    parties = con.execute(
        "SELECT event_id, role, mention_id, thing_id FROM event_parties ORDER BY ALL"
    ).fetchall()
    assert parties[0] == ("feed:a", "guest", "feed:a", None)
    assert parties[1] == ("feed:a", "place", None, "Hotel:H1")


def test_parquet_things_and_events(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    data = tmp_path / "transfers.parquet"
    table = pa.table(
        {
            "id": ["t1", "t2", "t3"],
            "from": ["6222000011112222", "6222000011112222", "6222000033334444"],
            "to": ["6222000033334444", "6222000055556666", "6222000011112222"],
            "amount": pa.array([10.5, 2000.0, None]),
            "when": pa.array([1767331200, 1767334800, 1767338400], pa.timestamp("s")),
        }
    )
    pq.write_table(table, data)
    mapping = write_mapping(
        tmp_path,
        {
            "name": "transfers",
            "format": "parquet",
            "record_key": "id",
            "things": [
                {"id": "payer", "kind": "BankAccount", "key": "from"},
                {"id": "payee", "kind": "BankAccount", "key": "to"},
            ],
            "events": [
                {
                    "kind": "Transfer",
                    "properties": {"date": "when", "amount": "amount"},
                    "parties": {"payer": "payer", "beneficiary": "payee"},
                }
            ],
        },
    )
    result = ingest(con, data, mapping)
    assert (result.rows_stored, result.rows_quarantined) == (3, 0)
    assert count(con, "things") == 3
    props = con.execute("SELECT properties->>'amount' FROM events ORDER BY event_id").fetchall()
    assert [p[0] for p in props] == ["10.5", "2000.0", None]


def test_xml_records(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    data = tmp_path / "list.xml"
    data.write_text(
        "<list><person id='x1'><name>陈静</name><dob>1990-03-07</dob></person>"
        "<person id='x2'><name>Li Lei</name><dob>1991-04-08</dob></person></list>",
        encoding="utf-8",
    )
    mapping = write_mapping(
        tmp_path,
        {
            "name": "list",
            "format": "xml",
            "xml_record": "person",
            "record_key": "id",
            "person": {"name": "name", "birthDate": "dob"},
        },
    )
    assert ingest(con, data, mapping).rows_stored == 2
    rows = con.execute("SELECT record_key, name_pinyin FROM mentions ORDER BY 1").fetchall()
    assert rows == [("x1", "chen jing"), ("x2", "li lei")]


def test_one_column_two_normalisers_by_document_type(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    # The same raw value under two document types: each lookup takes only its own rows.
    data = tmp_path / "pax.csv"
    data.write_text(
        "tk,name,doc,kind,plate,phone\n"
        "t1,张伟,110101199003071233,NI,京A·12345,86 138 1234 5678\n"
        "t2,李娜, e1234 5678 ,PP,粤B D12345,+8613812345678\n"
        "t3,王芳,E12345678,NI,京A12345,\n"
        "t4,陈静,110101199003071233,PP,x,13812345678\n",
        encoding="utf-8",
    )
    mapping = write_mapping(
        tmp_path,
        {
            "name": "pax",
            "format": "csv",
            "record_key": "tk",
            "person": {
                "name": "name",
                "idNumber": {"column": "doc", "when": {"kind": "NI"}},
                "passportNumber": {"column": "doc", "when": {"kind": "PP"}},
                "phone": "phone",
            },
            "things": [{"id": "car", "kind": "Vehicle", "key": "plate"}],
            "holdings": [{"asset": "car"}],
        },
    )
    result = ingest(con, data, mapping)
    assert (result.rows_stored, result.rows_quarantined) == (4, 0)
    rows = con.execute(
        "SELECT record_key, id_number, id_valid, passport, phone FROM mentions ORDER BY 1"
    ).fetchall()
    assert rows == [
        ("t1", "110101199003071233", True, None, "+8613812345678"),
        ("t2", None, None, "E12345678", "+8613812345678"),
        ("t3", None, None, None, None),  # an E… number is no resident ID
        ("t4", None, None, "110101199003071233", "+8613812345678"),
    ]
    things = con.execute("SELECT thing_id, key FROM things ORDER BY 1").fetchall()
    assert things == [("Vehicle:京A12345", "京A12345"), ("Vehicle:粤BD12345", "粤BD12345")]
    assert count(con, "holdings") == 3


def test_parquet_bad_rows_are_quarantined_with_the_raw_row(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    data = tmp_path / "calls.parquet"
    pq.write_table(
        pa.table(
            {
                "id": ["c1", "c2", "c3", None],
                "from": ["13812345678", "8613812345678", "13912345678", "13812345678"],
                "at": ["20260101120000", "2026-13-01", "20260101130000", "20260101140000"],
            }
        ),
        data,
    )
    mapping = write_mapping(
        tmp_path,
        {
            "name": "calls",
            "format": "parquet",
            "record_key": "id",
            "things": [{"id": "caller", "kind": "Phone", "key": "from"}],
            "events": [
                {
                    "kind": "Call",
                    "properties": {"startDate": {"column": "at", "format": "%Y%m%d%H%M%S"}},
                    "parties": {"caller": "caller"},
                }
            ],
        },
    )
    result = ingest(con, data, mapping)
    assert (result.rows_read, result.rows_stored, result.rows_quarantined) == (4, 2, 2)
    bad = con.execute("SELECT row_number, raw, reason FROM quarantine ORDER BY 1").fetchall()
    assert [b[0] for b in bad] == [2, 4]
    assert json.loads(bad[0][1])["at"] == "2026-13-01"
    assert "2026-13-01" in bad[0][2] and "missing record key" in bad[1][2]
    assert con.execute("SELECT thing_id FROM things ORDER BY 1").fetchall() == [
        ("Phone:+8613812345678",),
        ("Phone:+8613912345678",),
    ]
