"""Helpers for source tests: write a mapping and a data file, ingest them on a real store."""

from __future__ import annotations

from pathlib import Path

import duckdb
import yaml

from docket.sources.ingest import FileResult
from docket.sources.mapping import SourceMapping, load_mapping
from tests.conftest import run_ingest


def write_mapping(folder: Path, body: dict[str, object], name: str = "mapping.yaml") -> Path:
    path = folder / name
    path.write_text(yaml.safe_dump(body, allow_unicode=True), encoding="utf-8")
    return path


def ingest(con: duckdb.DuckDBPyConnection, data: Path, mapping: Path | SourceMapping) -> FileResult:
    m = mapping if isinstance(mapping, SourceMapping) else load_mapping(mapping)
    return run_ingest(con, data, m)


def count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    return int(con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0])
