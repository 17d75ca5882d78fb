"""Exporting person mentions: CSV, Parquet, or FollowTheMoney JSON lines.

A disclosure of person data: every function here takes the `PersonData` handle
that `docket.governance.gate.person_data` hands out (case, justification, audit),
never a raw connection, and writes to a binary stream the caller opened (the session
opens files 0600). Rows stream from DuckDB as Arrow batches.
"""

from __future__ import annotations

import warnings
from typing import IO, Any

import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from docket.errors import InputError
from docket.governance.gate import PersonData, read_path
from docket.schema import model

FORMATS = ("csv", "parquet", "ftm")
_BATCH = 65_536

# mentions column → Person property (its `ftm:` name is the FollowTheMoney property).
# region_code is left out of FtM: FtM's `jurisdiction` is a country, not a GB/T 2260 code.
FTM_COLUMNS = {
    "name_raw": "name",
    "birth_date": "birthDate",
    "sex": "gender",
    "nationality": "nationality",
    "id_number": "idNumber",
    "passport": "passportNumber",
    "phone": "phone",
    "email": "email",
    "address": "address",
}
_FTM_GENDER = "CASE sex WHEN 'M' THEN 'male' WHEN 'F' THEN 'female' END"


def _has_entities(pd: PersonData) -> bool:
    rows = pd.sql(
        "SELECT count(*) FROM information_schema.tables "
        "WHERE table_schema = 'main' AND table_name = 'entity_mentions'"
    ).fetchall()
    return bool(rows[0][0])


def mentions_query(pd: PersonData) -> str:
    """SELECT of every mention, with `entity_id` once resolution has run."""
    if _has_entities(pd):
        return (
            "SELECT m.mention_id, m.source, m.record_key, em.entity_id, m.* EXCLUDE "
            "(mention_id, source, record_key) FROM mentions m "
            "LEFT JOIN entity_mentions em USING (mention_id) ORDER BY m.source, m.record_key"
        )
    return "SELECT * FROM mentions ORDER BY source, record_key"


def _ftm_query(pd: PersonData) -> str:
    person = model().kind("Person")
    entries = []
    for col, prop in FTM_COLUMNS.items():
        value = _FTM_GENDER if col == "sex" else f"CAST({col} AS VARCHAR)"
        entries.append(f"{{'k': '{person.properties[prop].ftm}', 'v': {value}}}")
    alias = person.properties["nameLatin"].ftm
    entries.append(
        f"{{'k': '{alias}', 'v': CASE WHEN name_hanzi IS NOT NULL THEN name_pinyin END}}"
    )
    props = (
        "map_from_entries(list_transform(list_filter([" + ", ".join(entries) + "], "
        "lambda e: e.v IS NOT NULL), lambda e: {'k': e.k, 'v': [e.v]}))"
    )
    return (
        f"SELECT to_json({{'id': mention_id, 'schema': '{person.ftm}', "
        f"'properties': {props}}})::VARCHAR AS line FROM ({mentions_query(pd)})"
    )


def _reader(cursor: Any) -> Any:
    """Arrow batches from the handle's cursor. DuckDB warns that this copies the rows once;
    the gate hands out cursors, not relations, so the copy is the price of going through it."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Arrow output on a DB-API result")
        return cursor.to_arrow_reader(_BATCH)


@read_path("export.mentions")
def export_mentions(pd: PersonData, fmt: str, sink: IO[bytes]) -> int:
    """Write every mention to `sink` as csv, parquet or ftm. Returns rows."""
    if fmt not in FORMATS:
        raise InputError("--format", f"{fmt!r} is not one of {', '.join(FORMATS)}")
    if fmt == "ftm":
        n = 0
        for batch in _reader(pd.sql(_ftm_query(pd))):
            lines = batch.column(0).to_pylist()
            sink.write(("\n".join(lines) + "\n").encode("utf-8") if lines else b"")
            n += len(lines)
        sink.flush()
        return n
    return write_batches(_reader(pd.sql(mentions_query(pd))), sink, parquet=fmt == "parquet")


def write_batches(reader: Any, sink: IO[bytes], *, parquet: bool = False) -> int:
    """Stream Arrow batches to `sink` as CSV or Parquet; return rows."""
    n = 0
    writer: Any = (
        pq.ParquetWriter(sink, reader.schema) if parquet else pacsv.CSVWriter(sink, reader.schema)
    )
    try:
        for batch in reader:
            writer.write_batch(batch)
            n += batch.num_rows
    finally:
        writer.close()
    sink.flush()
    return n


@read_path("export.quarantine")
def export_quarantine(pd: PersonData, sink: IO[bytes], source: str | None = None) -> int:
    """Write rejected rows as delivered (raw) with their reasons to `sink`, as CSV. Returns
    rows."""
    where, args = ("WHERE source = ?", [source]) if source else ("", [])
    cur = pd.sql(
        "SELECT source, file, row_number, reason, raw FROM quarantine "
        f"{where} ORDER BY source, file, row_number",
        args,
    )
    return write_batches(_reader(cur), sink)
