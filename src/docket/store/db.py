"""Opening the DuckDB store and creating its tables.

Each package that owns tables keeps their DDL in its own `tables.sql`
(store/ for canonical data, resolve/ for entities, governance/ for users, cases
and audit); `connect` applies all of them, idempotently (CREATE … IF NOT EXISTS).

DuckDB allows one writing process per file. Docket's CLI opens the store for
the length of one command; long-lived processes hold one connection and hand
out cursors.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import duckdb

from docket import settings
from docket.errors import StoreError

_PACKAGES_WITH_TABLES = ("store", "resolve", "governance", "graph")


def ddl_statements() -> list[str]:
    """The DDL of every package that owns tables, in a fixed order."""
    out = []
    root = resources.files("docket")
    for pkg in _PACKAGES_WITH_TABLES:
        f = root / pkg / "tables.sql"
        if f.is_file():
            out.append(f.read_text(encoding="utf-8"))
    return out


def connect(
    path: Path | str | None = None, *, read_only: bool = False
) -> duckdb.DuckDBPyConnection:
    """Open (creating if needed) the store at `path` (default: settings.db_path())."""
    p = Path(path) if path is not None else settings.db_path()
    if read_only and not p.exists():
        raise StoreError(
            f"no store at {p}", hint="run `docket ingest` first, or set DOCKET_HOME / --db"
        )
    p.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(p), read_only=read_only)
    except duckdb.IOException as exc:
        raise StoreError(
            f"cannot open store {p}: {exc}",
            hint="another Docket process may be writing to it; wait for it to finish",
        ) from None
    if not read_only:
        for ddl in ddl_statements():
            con.execute(ddl)
    return con
