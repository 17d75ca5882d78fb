"""Reading a source file into staging tables, columnar, with DuckDB's readers.

`stage` leaves two temporary relations on the connection:

- ``_docket_raw(__row, <mapped columns as VARCHAR>)``: rows that parsed, and only
  the columns the mapping names (nothing else is read); a view over the parsed
  table or the Parquet file where no copy is needed;
- ``_docket_rej(__row, raw, reason)``: rows that could not be parsed at all
  (wrong column count, undecodable bytes, not a JSON object …).

``__row`` is the 1-based data row in the file (header excluded; for JSON lines,
the line number). Encodings DuckDB cannot read (gb18030, gbk, big5 …) are
transcoded to a temporary UTF-8 file in a streaming pass; each undecodable byte
sequence becomes `BAD_BYTES`, and a row holding one in a mapped column is
quarantined.
"""

from __future__ import annotations

import codecs
import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import duckdb

from docket.errors import IngestError, MappingError
from docket.sources.mapping import SourceMapping

BAD_BYTES = "\U0010fffd"  # a non-character: never in real text, marks undecodable bytes
_NATIVE_ENCODINGS = {"utf-8": "utf-8", "utf8": "utf-8", "latin-1": "latin-1", "utf-16": "utf-16"}
_CHUNK = 1 << 22
_JSON_SAMPLE = 10_000
# DuckDB does not short-circuit AND: guard every JSON function with json_valid first
_IS_OBJECT = "coalesce(CASE WHEN json_valid(line) THEN json_type(line) = 'OBJECT' END, false)"
# A line trim() leaves empty. Testing for a visible ASCII character first is exact (trim keeps
# them) and spares trim(), which is slow, on every JSON line (a CASE: AND evaluates both sides).
_BLANK = "CASE WHEN regexp_matches(line, '[!-~]') THEN false ELSE trim(line) = '' END"
RAW, REJ = "_docket_raw", "_docket_rej"
RECORDS = "records"  # the format of a real-time batch: JSON lines whose absent keys are null


def _mark(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    return BAD_BYTES, exc.end


codecs.register_error("docket-mark", _mark)


@dataclass(frozen=True)
class Staged:
    transcoded: bool  # rows may carry BAD_BYTES


def lit(value: str) -> str:
    """A SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def ident(name: str) -> str:
    """A quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def present(expr: str) -> str:
    """SQL: `expr` trimmed, NULL when blank — NULLIF(trim(expr), '') with a shortcut.

    trim() copies every value; an ASCII value that neither starts nor ends with a space
    is its own trimmed form (the only ASCII character trim removes is the space), which a
    byte comparison shows. Other values go through trim()."""
    return (
        f"CASE WHEN {expr} <> '' AND NOT starts_with({expr}, ' ') AND NOT ends_with({expr}, ' ')"
        f" AND strlen({expr}) = length({expr}) THEN {expr} ELSE NULLIF(trim({expr}), '') END"
    )


def transcode(src: Path, dst: Path, encoding: str) -> None:
    """Re-encode `src` to UTF-8 in chunks, marking undecodable bytes with BAD_BYTES."""
    try:
        decoder = codecs.getincrementaldecoder(encoding)(errors="docket-mark")
    except LookupError:
        raise IngestError(f"{src}: unknown encoding {encoding!r}") from None
    with src.open("rb") as fin, dst.open("w", encoding="utf-8", newline="") as fout:
        while chunk := fin.read(_CHUNK):
            fout.write(decoder.decode(chunk))
        fout.write(decoder.decode(b"", final=True))


def _check_columns(m: SourceMapping, path: Path, present: list[str]) -> None:
    have = set(present)
    for col in m.columns():
        if col not in have:
            uses = (f.key for f in m.fields() if col in f.columns or col in dict(f.when))
            where = next(uses, "record_key")
            raise MappingError(
                m.file,
                where,
                f"column {col!r} is not in {path}; the file has: {', '.join(present)}",
                hint="fix the column name in the mapping (names are case-sensitive)",
            )


def drop_temps(con: duckdb.DuckDBPyConnection) -> None:
    """Drop every staging table and view (all temporary ones named _docket_*)."""
    for kind, catalog in (("VIEW", "duckdb_views()"), ("TABLE", "duckdb_tables()")):
        rows = con.execute(
            f"SELECT DISTINCT {kind.lower()}_name FROM {catalog} "
            "WHERE temporary AND starts_with(" + kind.lower() + "_name, '_docket_')"
        ).fetchall()
        for (t,) in rows:
            con.execute(f"DROP {kind} IF EXISTS temp.{ident(t)}")


def _number_rows(con: duckdb.DuckDBPyConnection, parsed: str, select: str) -> None:
    """RAW over `parsed` (file order), numbering rows around the rejected ones.

    Without rejected rows RAW is a view (rowids follow the file), not a second copy."""
    n_rej = con.execute(f"SELECT count(*) FROM {REJ}").fetchall()[0][0]
    if n_rej == 0:
        con.execute(f"CREATE TEMP VIEW {RAW} AS SELECT rowid + 1 AS __row, {select} FROM {parsed}")
        return
    total = con.execute(f"SELECT count(*) FROM {parsed}").fetchall()[0][0] + n_rej
    con.execute(
        f"""CREATE TEMP TABLE {RAW} AS
        WITH free AS (
            SELECT n, row_number() OVER (ORDER BY n) AS k
            FROM range(1, {total} + 1) t(n) ANTI JOIN {REJ} r ON r.__row = t.n)
        SELECT free.n AS __row, {select}
        FROM (SELECT rowid + 1 AS k, * FROM {parsed}) p JOIN free USING (k)"""
    )


def _reject_reason() -> str:
    return """CASE
        WHEN error_type IN ('MISSING COLUMNS', 'TOO MANY COLUMNS')
            THEN 'wrong column count: ' || error_message
        WHEN error_type = 'INVALID ENCODING' THEN 'undecodable bytes (not valid UTF-8)'
        ELSE lower(error_type) || ': ' || error_message END"""


def _csv_options(m: SourceMapping, header: bool, encoding: str) -> str:
    opts = [
        f"encoding={lit(encoding)}",
        f"header={'true' if header else 'false'}",
        "all_varchar=true",
        f"delim={lit(m.delimiter)}",
        f"quote={lit(m.quote)}",
    ]
    if m.quote == "":
        opts.append("escape=''")
    if not header and m.column_names:
        opts.append("names=[" + ", ".join(lit(c) for c in m.column_names) + "]")
    return ", ".join(opts)


def _read_csv(con: duckdb.DuckDBPyConnection, path: Path, m: SourceMapping, encoding: str) -> None:
    opts = _csv_options(m, m.header, encoding)
    src = lit(str(path))
    desc = con.execute(
        f"DESCRIBE SELECT * FROM read_csv({src}, {opts}, ignore_errors=true)"
    ).fetchall()
    _check_columns(m, path, [r[0] for r in desc])
    cols = ", ".join(ident(c) for c in m.columns())
    con.execute(
        f"""CREATE TEMP TABLE _docket_parsed AS SELECT {cols} FROM read_csv({src}, {opts},
            store_rejects=true, rejects_table='_docket_rej_errors',
            rejects_scan='_docket_rej_scans')"""
    )
    header_lines = 1 if m.header else 0
    con.execute(
        f"""CREATE TEMP TABLE {REJ} AS
        SELECT line - {header_lines} AS __row, any_value(csv_line) AS raw,
               min({_reject_reason()}) AS reason
        FROM _docket_rej_errors GROUP BY line"""
    )
    _number_rows(con, "_docket_parsed", cols)


def _read_lines(con: duckdb.DuckDBPyConnection, path: Path, encoding: str) -> None:
    """Lines of a text file into _docket_lines(line) in file order; bad lines into REJ."""
    con.execute(
        f"""CREATE TEMP TABLE _docket_lines AS SELECT line FROM read_csv({lit(str(path))},
            encoding={lit(encoding)}, header=false, delim='\x1e', quote='', escape='',
            columns={{'line': 'VARCHAR'}},
            store_rejects=true, rejects_table='_docket_rej_errors',
            rejects_scan='_docket_rej_scans')"""
    )
    con.execute(
        f"""CREATE TEMP TABLE {REJ} AS
        SELECT line AS __row, any_value(csv_line) AS raw,
               min({_reject_reason()}) AS reason
        FROM _docket_rej_errors GROUP BY line"""
    )
    # number every line (rejected lines keep their place), then keep the JSON ones
    _number_rows(con, "_docket_lines", "line")
    kind = "VIEW" if _is_view(con, RAW) else "TABLE"
    con.execute(f"ALTER {kind} {RAW} RENAME TO _docket_numbered")


def _is_view(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return bool(
        con.execute(
            "SELECT count(*) FROM duckdb_views() WHERE temporary AND view_name = ?", [name]
        ).fetchall()[0][0]
    )


def _json_columns(
    con: duckdb.DuckDBPyConnection, m: SourceMapping, path: Path, *, every_column: bool = True
) -> None:
    """From _docket_numbered(__row, line) to RAW (objects) and REJ (the rest). A file must
    hold `every_column` the mapping reads (a misspelt name is the mapping's fault); a batch
    of real-time records may leave keys out (null)."""
    if every_column:
        present = con.execute(
            f"""SELECT DISTINCT unnest(json_keys(line)) FROM (
                SELECT line FROM _docket_numbered
                WHERE {_IS_OBJECT} LIMIT {_JSON_SAMPLE})"""
        ).fetchall()
        _check_columns(m, path, sorted(r[0] for r in present))
    cols = m.columns()
    paths = "[" + ", ".join(lit("$." + json.dumps(c, ensure_ascii=False)) for c in cols) + "]"
    select = ", ".join(f"__v[{i + 1}] AS {ident(c)}" for i, c in enumerate(cols))
    ok = _IS_OBJECT
    con.execute(
        f"""CREATE TEMP TABLE {RAW} AS SELECT __row, {select} FROM (
            SELECT __row, CASE WHEN {ok} THEN json_extract_string(line, {paths}) END AS __v
            FROM _docket_numbered WHERE {ok})"""
    )
    # The lines RAW did not take: none when RAW has every non-blank line (the usual case,
    # two counts); else an anti-join, cheaper than parsing every line again.
    lines = con.execute(
        f"SELECT count(*) FILTER (WHERE NOT {_BLANK}) FROM _docket_numbered"
    ).fetchall()[0][0]
    if lines == con.execute(f"SELECT count(*) FROM {RAW}").fetchall()[0][0]:
        return
    con.execute(
        f"""INSERT INTO {REJ} SELECT __row, line,
            CASE WHEN json_valid(line) THEN 'not a JSON object' ELSE 'not valid JSON' END
        FROM _docket_numbered n ANTI JOIN {RAW} r USING (__row) WHERE NOT {_BLANK}"""
    )


def _read_json_array(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    try:
        con.execute(
            f"""CREATE TEMP TABLE _docket_numbered AS SELECT rowid + 1 AS __row, json AS line
            FROM (SELECT json::VARCHAR AS json
                  FROM read_json_objects({lit(str(path))}, format='array'))"""
        )
    except duckdb.Error as exc:
        raise IngestError(f"{path}: not a JSON array of records: {exc}") from None
    con.execute(f"CREATE TEMP TABLE {REJ} (__row BIGINT, raw VARCHAR, reason VARCHAR)")


def _read_parquet(con: duckdb.DuckDBPyConnection, path: Path, m: SourceMapping) -> None:
    src = lit(str(path))
    try:
        desc = con.execute(f"DESCRIBE SELECT * FROM read_parquet({src})").fetchall()
    except duckdb.Error as exc:
        raise IngestError(f"{path}: not a readable Parquet file: {exc}") from None
    _check_columns(m, path, [r[0] for r in desc])
    select = ", ".join(f"CAST({ident(c)} AS VARCHAR) AS {ident(c)}" for c in m.columns())
    # A view: Parquet is columnar and fast to read again, and a copy costs more than that.
    con.execute(
        f"""CREATE TEMP VIEW {RAW} AS SELECT file_row_number + 1 AS __row, {select}
        FROM read_parquet({src}, file_row_number=true)"""
    )
    con.execute(f"CREATE TEMP TABLE {REJ} (__row BIGINT, raw VARCHAR, reason VARCHAR)")


def xml_to_jsonl(src: Path, dst: Path, record: str, encoding: str | None = None) -> None:
    """Stream `record` elements of an XML file to JSON lines (child texts and attributes)."""
    try:
        with dst.open("w", encoding="utf-8") as out:
            for _event, elem in ET.iterparse(src, events=("end",)):
                if elem.tag != record:
                    continue
                row: dict[str, str | None] = dict(elem.attrib)
                for child in elem:
                    row[child.tag] = (child.text or "").strip() or None
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
                elem.clear()
    except ET.ParseError as exc:
        raise IngestError(f"{src}: not well-formed XML: {exc}") from None


def stage(con: duckdb.DuckDBPyConnection, path: Path, m: SourceMapping, tmp: Path) -> Staged:
    """Read `path` into RAW and REJ (see module docstring)."""
    drop_temps(con)
    src, transcoded = path, False
    encoding = _NATIVE_ENCODINGS.get(m.encoding, "utf-8")
    if m.format == "xml":
        src = tmp / (path.name + ".jsonl")
        xml_to_jsonl(path, src, str(m.xml_record))
    elif m.format != "parquet" and m.encoding not in _NATIVE_ENCODINGS:
        src, transcoded = tmp / (path.name + ".utf8"), True
        transcode(path, src, m.encoding)
    try:
        if m.format in ("csv", "tsv"):
            _read_csv(con, src, m, encoding)
        elif m.format == "parquet":
            _read_parquet(con, src, m)
        elif m.format == "json":
            _read_json_array(con, src)
            _json_columns(con, m, path)
        else:  # jsonl, records (real-time intake: a key left out is null), xml via jsonl
            _read_lines(con, src, encoding)
            _json_columns(con, m, path, every_column=m.format != RECORDS)
    except duckdb.Error as exc:
        raise IngestError(f"{path}: cannot be read as {m.format}: {exc}") from None
    return Staged(transcoded)
