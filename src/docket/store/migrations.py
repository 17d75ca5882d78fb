"""Schema versions: every store records its version and is upgraded when it is opened.

Each package's `tables.sql` holds the current schema: a new store is created from it and
stamped CURRENT. A store made by an earlier release is brought forward by the migrations
below, one version at a time, each in its own transaction with its row in
`schema_version` (so a crash leaves the store at the last completed version), and the
upgrade lands in the audit trail. Release 0.1.0 stores predate `schema_version`: they
are version 1. A store newer than this release is refused, not guessed at.

To change a table: edit its `tables.sql` and append a Migration that brings an existing
store to the same shape. tests/store/test_migrations.py compares a migrated 0.1.0 store
with a new one, table by table and column by column.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb

from docket.errors import StoreError


@dataclass(frozen=True)
class Migration:
    version: int  # the version the store has once this ran
    description: str
    statements: tuple[str, ...] = ()
    run: Callable[[duckdb.DuckDBPyConnection], None] | None = None  # for data changes


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        2,
        "schema versions; sessions record the client they were opened from",
        ("ALTER TABLE sessions ADD COLUMN IF NOT EXISTS client VARCHAR",),
    ),
)
CURRENT = MIGRATIONS[-1].version if MIGRATIONS else 1

SCHEMA_VERSION_DDL = """
CREATE TABLE IF NOT EXISTS schema_version (
    version      INTEGER NOT NULL,
    applied_at   TIMESTAMPTZ NOT NULL,
    description  VARCHAR NOT NULL
)
"""


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute(
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_catalog = current_database() AND table_schema = 'main'"
    ).fetchall()
    return {str(r[0]) for r in rows}


def version_of(con: duckdb.DuckDBPyConnection) -> int:
    """The store's schema version: 0 for an empty file, 1 for a release 0.1.0 store."""
    tables = _tables(con)
    if "schema_version" in tables:
        found = con.execute("SELECT max(version) FROM schema_version").fetchall()[0][0]
        return int(found or 0)
    return 1 if tables & {"audit_log", "mentions", "users"} else 0


def _stamp(con: duckdb.DuckDBPyConnection, version: int, description: str) -> None:
    con.execute(
        "INSERT INTO schema_version VALUES (?, ?, ?)", [version, datetime.now(UTC), description]
    )


def prepare(con: duckdb.DuckDBPyConnection, ddl: list[str], *, path: object) -> tuple[int, int]:
    """Create a new store, or upgrade an older one; returns (version found, version now).

    `ddl` is the current schema (CREATE … IF NOT EXISTS), applied after the migrations so
    that tables new in this release exist in upgraded stores too.
    """
    found = version_of(con)
    if found > CURRENT:
        raise StoreError(
            f"{path} has schema version {found}; this Docket knows versions up to {CURRENT}",
            hint="open it with the newer Docket release that wrote it",
        )
    if found == 0:
        con.execute("BEGIN TRANSACTION")
        try:
            for statement in ddl:
                con.execute(statement)
            con.execute(SCHEMA_VERSION_DDL)
            _stamp(con, CURRENT, "created")
            con.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(duckdb.Error):
                con.execute("ROLLBACK")
            raise
        return 0, CURRENT
    for m in MIGRATIONS:
        if m.version <= found:
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(SCHEMA_VERSION_DDL)
            for statement in m.statements:
                con.execute(statement)
            if m.run is not None:
                m.run(con)
            _stamp(con, m.version, m.description)
            con.execute("COMMIT")
        except BaseException as exc:
            with contextlib.suppress(duckdb.Error):
                con.execute("ROLLBACK")
            if isinstance(exc, duckdb.Error):
                raise StoreError(
                    f"{path}: upgrading to schema version {m.version} failed: {exc}",
                    hint="the store is unchanged from version "
                    f"{m.version - 1}; report this with the message above",
                ) from None
            raise
    for statement in ddl:
        con.execute(statement)
    return found, CURRENT
