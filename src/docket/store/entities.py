"""Entity ids over time: the one place that follows redirects.

Each resolve may merge, split or rename entities; it leaves a row in `entity_redirects`
(old id → the entity now holding most of its mentions, or NULL when all are gone), so
ids kept in cases, watchlists and audit rows never dangle. Every caller follows them
here, through a `Query` — a connection's cursor or a person-data handle.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import duckdb

from docket.errors import InputError

Query = Callable[[str, Sequence[Any]], list[tuple[Any, ...]]]

# Redirect chains are short (one hop per resolve that moved the entity); a longer walk
# means the table was edited into a loop.
_MAX_HOPS = 1000


def cursor_query(con: duckdb.DuckDBPyConnection) -> Query:
    """A Query running each statement on a fresh cursor of `con`."""

    def run(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        cur = con.cursor()
        try:
            rows: list[tuple[Any, ...]] = cur.execute(sql, list(params)).fetchall()
            return rows
        finally:
            cur.close()

    return run


def _walk(query: Query, entity_id: str) -> tuple[str | None, str]:
    """(current id or None, why None: 'unknown' | 'removed' | 'loop')."""
    seen: set[str] = set()
    cur = entity_id
    while cur not in seen and len(seen) < _MAX_HOPS:
        seen.add(cur)
        if query("SELECT 1 FROM entities WHERE entity_id = ?", [cur]):
            return cur, ""
        hop = query(
            "SELECT new_id, reason FROM entity_redirects WHERE old_id = ? "
            'ORDER BY "at" DESC, rowid DESC LIMIT 1',
            [cur],
        )
        if not hop:
            return None, "unknown"
        if hop[0][0] is None:
            return None, f"removed ({hop[0][1]})"
        cur = str(hop[0][0])
    return None, "loop"


def current_id(query: Query, entity_id: str) -> str | None:
    """The live entity `entity_id` refers to now, or None when it is unknown or gone."""
    return _walk(query, entity_id)[0]


def require_current(query: Query, entity_id: str, parameter: str = "entity") -> str:
    """Like `current_id`, but an unknown or removed entity is an InputError saying which."""
    found, why = _walk(query, entity_id)
    if found is not None:
        return found
    if why == "unknown":
        raise InputError(parameter, f"no entity {entity_id!r}", hint="check the id")
    if why == "loop":
        raise InputError(
            parameter, f"redirects of {entity_id!r} form a loop", hint="run `docket resolve`"
        )
    raise InputError(parameter, f"entity {entity_id!r} no longer exists: its mentions were {why}")


def all_ids(query: Query, entity_id: str) -> list[str]:
    """The id itself and every former id whose redirects lead to it, sorted."""
    rows = query(
        "WITH RECURSIVE back(id) AS (SELECT ?::VARCHAR UNION "
        "SELECT r.old_id FROM entity_redirects r JOIN back b ON r.new_id = b.id) "
        "SELECT id FROM back ORDER BY id",
        [entity_id],
    )
    return [str(r[0]) for r in rows]
