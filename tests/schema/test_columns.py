"""person.yaml, the mentions table and what ingest writes agree."""

from __future__ import annotations

from pathlib import Path

import duckdb

from docket.schema.columns import DECLARED, compared_columns, property_columns
from docket.store.db import ddl_statements
from tests.conftest import run_ingest

# mentions columns no Person property fills: where the row came from, and the name as given
BOOKKEEPING = {"mention_id", "source", "record_key", "file_sha256", "row_number", "name_raw",
               "loaded_at"}  # fmt: skip


def _mentions_columns() -> set[str]:
    con = duckdb.connect()
    for ddl in ddl_statements():
        con.execute(ddl)
    return {c.lower() for c in con.sql("SELECT * FROM mentions LIMIT 0").columns}


def test_every_column_the_model_names_is_a_mentions_column_and_nothing_else_is() -> None:
    table = _mentions_columns()
    named = set(property_columns()) | set(DECLARED.values())
    assert named <= table, named - table
    assert table - named == BOOKKEEPING


def test_resolve_compares_what_the_model_marks_compared() -> None:
    compared = set(compared_columns())
    assert "nationality" not in compared  # person.yaml: compared: false
    assert {"street", "house_number", "locality", "postal_code", "region"} <= compared
    assert set(DECLARED.values()) <= compared


def test_ingest_fills_address_parts_only_from_what_the_mapping_gives(tmp_path: Path) -> None:
    """A resident ID states birth date and sex, not the address's region."""
    from docket.sources.mapping import parse_mapping
    from docket.store import connect

    csv = tmp_path / "people.csv"
    csv.write_text("id,name,ric,state\n1,张伟,11010519491231002X,\n2,Li Na,,WA\n", "utf-8")
    mapping = parse_mapping(
        {"name": "people", "record_key": "id",
         "person": {"name": "name", "idNumber": "ric", "region": "state"}},
        "people.yaml",
    )  # fmt: skip
    con = connect(tmp_path / "s.duckdb")
    run_ingest(con, csv, mapping)
    rows = con.execute(
        "SELECT record_key, birth_date IS NOT NULL, sex, region FROM mentions ORDER BY 1"
    ).fetchall()
    assert rows == [("1", True, "F", None), ("2", False, None, "WA")]
