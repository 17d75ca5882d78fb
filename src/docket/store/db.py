"""Opening the DuckDB store: private files, the current schema, upgrades.

Each package that owns tables keeps their DDL in its own `tables.sql` (store/ for
canonical data, resolve/ for entities, governance/ for users, cases and audit); a new
store is created from all of them and an older one is upgraded (store/migrations.py).

DuckDB allows one writing process per file. A local command opens the store for its
own length; the service (`docket serve`) holds it open and hands each request a cursor.
Only `docket.Docket` opens stores: the connection never leaves the library.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import duckdb

from docket.errors import StoreError
from docket.store import migrations
from docket.store.files import check_private, make_private, private_folder, store_files

_PACKAGES_WITH_TABLES = ("store", "resolve", "governance", "graph", "realtime")


def ddl_statements() -> list[str]:
    """The DDL of every package that owns tables, in a fixed order."""
    out = []
    root = resources.files("docket")
    for pkg in _PACKAGES_WITH_TABLES:
        f = root / pkg / "tables.sql"
        if f.is_file():
            out.append(f.read_text(encoding="utf-8"))
    return out


def connect(path: Path | str, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (creating if needed) the store file at `path`: private, current schema.

    Refuses a file the group or others can read or write (store/files.py). A store of an
    earlier release is upgraded and the upgrade audited; read-only, it must be current.
    """
    p = Path(path)
    if read_only and not p.exists():
        raise StoreError(
            f"no store at {p}", hint="run `docket ingest` first, or set DOCKET_HOME / --db"
        )
    make_private()
    private_folder(p.parent)
    for f in store_files(p):
        check_private(f)
    try:
        con = duckdb.connect(str(p), read_only=read_only)
    except duckdb.IOException as exc:
        busy = "lock" in str(exc).lower()
        raise StoreError(
            f"cannot open store {p}: {exc}",
            hint="another Docket process is using it; if it is the service (`docket serve`), "
            "be its client: set DOCKET_URL (e.g. http://127.0.0.1:8000)"
            if busy
            else "check the path and that the file is a Docket store",
        ) from None
    except duckdb.Error as exc:
        raise StoreError(
            f"cannot open store {p}: {exc}", hint="check that the file is a Docket store"
        ) from None
    try:
        if read_only:
            found = migrations.version_of(con)
            if found != migrations.CURRENT:
                raise StoreError(
                    f"{p} has schema version {found}, not {migrations.CURRENT}",
                    hint="open it writable once, so that Docket can upgrade it",
                )
            return con
        before, after = migrations.prepare(con, ddl_statements(), path=p)
        if 0 < before < after:
            from docket.governance import audit

            audit.record(
                con,
                action="store.upgrade",
                outcome="ok",
                category="alteration",
                params={"from_version": before, "to_version": after},
                detail=f"schema upgraded from version {before} to {after} on open",
            )
    except BaseException:
        con.close()
        raise
    return con
