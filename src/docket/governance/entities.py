"""Entity ids as governance sees them: following redirects, tolerating a store not yet resolved."""

from __future__ import annotations

import duckdb


def table_exists(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    cur = con.cursor()
    try:
        found = cur.execute(
            "SELECT 1 FROM information_schema.tables "
            "WHERE table_name = ? AND table_schema = 'main'",
            [name],
        ).fetchall()
    finally:
        cur.close()
    return bool(found)


def current_id(con: duckdb.DuckDBPyConnection, entity_id: str) -> str | None:
    """The entity an id refers to now (following merges and splits), or None if it is gone."""
    if not table_exists(con, "entities"):
        return None
    cur = con.cursor()
    try:
        seen: set[str] = set()
        eid: str | None = entity_id
        while eid is not None and eid not in seen:
            seen.add(eid)
            if cur.execute("SELECT 1 FROM entities WHERE entity_id = ?", [eid]).fetchall():
                return eid
            if not table_exists(con, "entity_redirects"):
                return None
            hop = cur.execute(
                "SELECT new_id FROM entity_redirects WHERE old_id = ? ORDER BY rowid DESC LIMIT 1",
                [eid],
            ).fetchall()
            eid = hop[0][0] if hop else None
        return None
    finally:
        cur.close()


def all_ids(con: duckdb.DuckDBPyConnection, entity_id: str) -> list[str]:
    """The id itself and every former id whose redirects lead to it."""
    if not table_exists(con, "entity_redirects"):
        return [entity_id]
    cur = con.cursor()
    try:
        rows = cur.execute(
            "WITH RECURSIVE back(id) AS (SELECT ?::VARCHAR UNION "
            "SELECT r.old_id FROM entity_redirects r JOIN back b ON r.new_id = b.id) "
            "SELECT id FROM back ORDER BY id",
            [entity_id],
        ).fetchall()
    finally:
        cur.close()
    return [r[0] for r in rows]
