"""Retention: purge what sources' retention periods say must go, keep what a legal hold keeps.

A source file expires at loaded_at + retention_days. Purge removes its mentions,
events, holdings, event parties and quarantined rows, the things nothing else
refers to, and every derived row naming a removed mention or event (any table
with a mention_id / mention_id_l / mention_id_r / event_id column: entity_mentions,
match_evidence, judgements …, or with an event_ids list of '<source>:<record_key>' ids,
which name events and, for holdings, the holding's mention: graph_edges). It keeps the
mentions of entities linked to an open case under a legal hold, and the events those
mentions take part in. Then it re-resolves (and the front door rebuilds the graph) and
forgets what named the people who are gone: case links and scope entries of removed
entities, watchlist entries for them, and watchlist criteria whose values only the purged
records held. The front door then rewrites the store file (Docket.compact), so that the
deleted rows leave no bytes behind.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import duckdb

from docket.governance.handles import Operation, operation_path
from docket.store.entities import current_id, cursor_query

# Tables whose rows are canonical or governance records: handled explicitly, never generically.
_OWN = {
    "mentions", "events", "event_parties", "holdings", "things", "quarantine", "sources",
    "users", "sessions", "cases", "case_members", "case_subjects", "case_scope", "legal_holds",
    "watchlist", "audit_log", "audit_head", "login_failures", "bulk_bases",
}  # fmt: skip
_MENTION_COLUMNS = ("mention_id", "mention_id_l", "mention_id_r")
# watchlist criterion → the mention column it matches
_CRITERIA_COLUMNS = (
    ("name_key", "m.name_key"), ("id_number", "m.id_number"), ("passport", "m.passport"),
    ("phone", "m.phone"), ("email", "m.email"), ("birth_date", "m.birth_date"),
    ("region_code", "m.region_code"),
)  # fmt: skip


@dataclass
class PurgeReport:
    expired_files: list[str] = field(default_factory=list)  # 'source:sha256[:12]'
    removed: dict[str, int] = field(default_factory=dict)  # table → rows (to be) removed
    kept_by_hold: dict[str, int] = field(default_factory=dict)  # table → rows a hold keeps
    entities_unsupported: int = 0  # entities no remaining mention supports
    reresolved: bool = False
    compacted: bool = False  # the store file was rewritten without the deleted rows' bytes
    file_bytes: tuple[int, int] | None = None  # its size before and after

    @property
    def total_removed(self) -> int:
        return sum(self.removed.values())


def _scalar(cur: duckdb.DuckDBPyConnection, sql: str, args: list[object] | None = None) -> int:
    return int(cur.execute(sql, args or []).fetchall()[0][0])


def _held_entities(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Current ids of entities linked to an open case with an active legal hold."""
    cur = con.cursor()
    try:
        linked = cur.execute(
            "SELECT DISTINCT s.entity_id FROM case_subjects s "
            "JOIN cases c ON c.case_id = s.case_id AND c.status = 'open' "
            "JOIN legal_holds h ON h.case_id = s.case_id AND h.released_at IS NULL"
        ).fetchall()
    finally:
        cur.close()
    query = cursor_query(con)
    out = {current_id(query, e) or e for (e,) in linked}
    return sorted(out)


def _derived_tables(
    cur: duckdb.DuckDBPyConnection, columns: tuple[str, ...]
) -> dict[str, list[str]]:
    rows = cur.execute(
        "SELECT table_name, list(column_name ORDER BY column_name) FROM information_schema.columns "
        "WHERE table_catalog = current_database() AND table_schema = 'main' "
        "AND column_name IN (SELECT unnest(?::VARCHAR[])) "
        "GROUP BY table_name ORDER BY table_name",
        [list(columns)],
    ).fetchall()
    return {t: cols for t, cols in rows if t not in _OWN}


def _stage(cur: duckdb.DuckDBPyConnection, held: list[str], now: datetime) -> None:
    """Temp tables: _expired_files, _held_mentions, _gone_mentions, _gone_events."""
    cur.execute(
        "CREATE OR REPLACE TEMP TABLE _expired_files AS SELECT source, sha256, file FROM sources "
        "WHERE retention_days IS NOT NULL AND loaded_at + to_days(retention_days) <= ?",
        [now],
    )
    has_em = bool(
        cur.execute(
            "SELECT 1 FROM information_schema.tables WHERE table_name = 'entity_mentions'"
        ).fetchall()
    )
    if has_em and held:
        cur.execute(
            "CREATE OR REPLACE TEMP TABLE _held_mentions AS SELECT DISTINCT mention_id "
            "FROM entity_mentions WHERE entity_id IN (SELECT unnest(?::VARCHAR[]))",
            [held],
        )
    else:
        cur.execute("CREATE OR REPLACE TEMP TABLE _held_mentions (mention_id VARCHAR)")
    cur.execute(
        "CREATE OR REPLACE TEMP TABLE _expired_mentions AS SELECT m.mention_id, "
        "m.mention_id IN (SELECT mention_id FROM _held_mentions) AS held FROM mentions m "
        "JOIN _expired_files f ON f.source = m.source AND f.sha256 = m.file_sha256"
    )
    cur.execute(
        "CREATE OR REPLACE TEMP TABLE _gone_mentions AS "
        "SELECT mention_id FROM _expired_mentions WHERE NOT held"
    )
    cur.execute(
        "CREATE OR REPLACE TEMP TABLE _expired_events AS SELECT e.event_id, EXISTS ("
        "  SELECT 1 FROM event_parties p JOIN _held_mentions h ON h.mention_id = p.mention_id"
        "  WHERE p.event_id = e.event_id) AS held "
        "FROM events e JOIN _expired_files f ON f.source = e.source AND f.sha256 = e.file_sha256"
    )
    cur.execute(
        "CREATE OR REPLACE TEMP TABLE _gone_events AS "
        "SELECT event_id FROM _expired_events WHERE NOT held"
    )
    # identifying values only the purged mentions held: watchlist criteria naming them go
    values = " UNION ALL ".join(
        f"SELECT '{c}' AS col, CAST({src} AS VARCHAR) AS val FROM mentions m "
        f"WHERE {src} IS NOT NULL AND m.mention_id IN (SELECT mention_id FROM _gone_mentions)"
        for c, src in _CRITERIA_COLUMNS
    )
    kept = " UNION ALL ".join(
        f"SELECT '{c}', CAST({src} AS VARCHAR) FROM mentions m WHERE {src} IS NOT NULL "
        "AND m.mention_id NOT IN (SELECT mention_id FROM _gone_mentions)"
        for c, src in _CRITERIA_COLUMNS
    )
    cur.execute(
        f"CREATE OR REPLACE TEMP TABLE _gone_values AS SELECT DISTINCT col, val FROM ({values}) "
        f"EXCEPT SELECT col, val FROM ({kept}) k(col, val)"
    )


_GONE_MENTION = "mention_id IN (SELECT mention_id FROM _gone_mentions)"
_GONE_EVENT = "event_id IN (SELECT event_id FROM _gone_events)"


def _conditions(
    cur: duckdb.DuckDBPyConnection, now: datetime
) -> dict[str, tuple[str, list[object]]]:
    """table → (WHERE condition, args) selecting the rows purge removes, in deletion order."""
    conds: dict[str, tuple[str, list[object]]] = {
        "event_parties": (f"{_GONE_EVENT} OR {_GONE_MENTION}", []),
        "holdings": (_GONE_MENTION, []),
        "events": (_GONE_EVENT, []),
        "mentions": (_GONE_MENTION, []),
        "quarantine": (
            "EXISTS (SELECT 1 FROM sources s WHERE s.source = quarantine.source "
            "AND s.file = quarantine.file AND s.retention_days IS NOT NULL "
            "AND quarantine.loaded_at + to_days(s.retention_days) <= ?)",
            [now],
        ),
    }
    for table, cols in _derived_tables(cur, _MENTION_COLUMNS).items():
        conds[table] = (
            " OR ".join(f"{c} IN (SELECT mention_id FROM _gone_mentions)" for c in cols),
            [],
        )
    for table in _derived_tables(cur, ("event_id",)):
        if table not in conds:
            conds[table] = (_GONE_EVENT, [])
    for table in _derived_tables(cur, ("event_ids",)):
        if table not in conds:
            conds[table] = (
                "list_has_any(event_ids, (SELECT list(event_id) FROM _gone_events)) OR "
                "list_has_any(event_ids, (SELECT list(mention_id) FROM _gone_mentions))",
                [],
            )
    return conds


_ORPHAN_THINGS = (
    "source IN (SELECT source FROM _expired_files) "
    "AND thing_id NOT IN (SELECT thing_id FROM holdings) "
    "AND thing_id NOT IN (SELECT thing_id FROM event_parties WHERE thing_id IS NOT NULL) "
    "AND thing_id NOT IN (SELECT place_id FROM events WHERE place_id IS NOT NULL)"
)


@operation_path("purge")
def purge(
    op: Operation,
    *,
    dry_run: bool = False,
    now: datetime | None = None,
    reresolve: Callable[[Operation], object] | None = None,
) -> PurgeReport:
    """Remove expired data (or, with dry_run, only count it), inside the admin's operation.

    `reresolve(op)` re-resolves what remains (the front door passes the resolver with the
    deployment's id key); without it, links to purged mentions are dropped.
    """
    con = op.con
    at = now or datetime.now(UTC)
    report = PurgeReport()
    held = _held_entities(con)
    resolver = reresolve
    # A resolver replaces entity_mentions itself and needs the old rows to leave redirects
    # ('removed') for entities whose every mention is purged.
    keep_for_resolver = {"entity_mentions"} if resolver is not None else set()
    cur = con.cursor()
    try:
        cur.execute("BEGIN TRANSACTION")
        _stage(cur, held, at)
        report.expired_files = [
            f"{s}:{h[:12]}"
            for s, h in cur.execute(
                "SELECT source, sha256 FROM _expired_files ORDER BY source, sha256"
            ).fetchall()
        ]
        report.kept_by_hold = {
            "mentions": _scalar(cur, "SELECT count(*) FROM _expired_mentions WHERE held"),
            "events": _scalar(cur, "SELECT count(*) FROM _expired_events WHERE held"),
        }
        gone_values = {(str(c), str(v)) for c, v in cur.execute(
            "SELECT col, val FROM _gone_values"
        ).fetchall()}  # fmt: skip
        conds = _conditions(cur, at)
        for table, (where, args) in conds.items():
            report.removed[table] = _scalar(
                cur, f"SELECT count(*) FROM {table} WHERE {where}", args
            )
        has_entities = "entity_mentions" in conds
        if has_entities:
            report.entities_unsupported = _scalar(
                cur,
                "SELECT count(*) FROM entities e WHERE NOT EXISTS "
                "(SELECT 1 FROM entity_mentions em "
                f"WHERE em.entity_id = e.entity_id AND NOT em.{_GONE_MENTION})",
            )
        if dry_run:
            report.removed["things"] = _orphan_things_after(cur, conds)
            cur.execute("ROLLBACK")
            return report
        for table, (where, args) in conds.items():
            if table not in keep_for_resolver:
                cur.execute(f"DELETE FROM {table} WHERE {where}", args)
        report.removed["things"] = _scalar(
            cur, f"SELECT count(*) FROM things WHERE {_ORPHAN_THINGS}"
        )
        cur.execute(f"DELETE FROM things WHERE {_ORPHAN_THINGS}")
        cur.execute("COMMIT")
    except BaseException:
        cur.execute("ROLLBACK")
        raise
    finally:
        cur.close()
    if report.total_removed == 0:
        return report
    c = con.cursor()
    remaining = _scalar(c, "SELECT count(*) FROM mentions")
    c.close()
    if remaining == 0:
        _clear_entities(con)
    elif resolver is not None:
        try:
            resolver(op)
        except BaseException:
            _drop_dangling(con)
            raise
        report.reresolved = True
    else:
        _drop_dangling(con)
    report.removed.update(_forget_the_gone(con, gone_values))
    return report


def _forget_the_gone(
    con: duckdb.DuckDBPyConnection, gone_values: set[tuple[str, str]]
) -> dict[str, int]:
    """After re-resolution: case links, scope entries and watchlist entries naming entities
    that no longer exist, and watchlist criteria naming values only purged records held."""
    query = cursor_query(con)
    cur = con.cursor()
    removed: dict[str, int] = {}
    try:
        for table in ("case_subjects", "case_scope", "watchlist"):
            ids = [r[0] for r in cur.execute(
                f"SELECT DISTINCT entity_id FROM {table} WHERE entity_id IS NOT NULL"
            ).fetchall()]  # fmt: skip
            gone = [e for e in ids if current_id(query, e) is None]
            removed[table] = _scalar(
                cur,
                f"SELECT count(*) FROM {table} WHERE entity_id IN (SELECT unnest(?::VARCHAR[]))",
                [gone],
            )
            cur.execute(
                f"DELETE FROM {table} WHERE entity_id IN (SELECT unnest(?::VARCHAR[]))", [gone]
            )
        named = [
            entry
            for entry, criteria in cur.execute(
                "SELECT entry_id, criteria FROM watchlist WHERE criteria IS NOT NULL"
            ).fetchall()
            if any((k, str(v)) in gone_values for k, v in json.loads(criteria).items())
        ]
        removed["watchlist"] += len(named)
        cur.execute(
            "DELETE FROM watchlist WHERE entry_id IN (SELECT unnest(?::VARCHAR[]))", [named]
        )
    finally:
        cur.close()
    return removed


def _drop_dangling(con: duckdb.DuckDBPyConnection) -> None:
    """Without re-resolution: drop entity links to purged mentions and entities left empty."""
    cur = con.cursor()
    try:
        cur.execute(
            "DELETE FROM entity_mentions WHERE mention_id NOT IN (SELECT mention_id FROM mentions)"
        )
        cur.execute(
            "DELETE FROM entities WHERE entity_id NOT IN (SELECT entity_id FROM entity_mentions)"
        )
    finally:
        cur.close()


def _orphan_things_after(
    cur: duckdb.DuckDBPyConnection, conds: dict[str, tuple[str, list[object]]]
) -> int:
    """Count things that would be orphaned, by deleting inside the (rolled back) transaction."""
    for table, (where, args) in conds.items():
        cur.execute(f"DELETE FROM {table} WHERE {where}", args)
    return _scalar(cur, f"SELECT count(*) FROM things WHERE {_ORPHAN_THINGS}")


def _clear_entities(con: duckdb.DuckDBPyConnection) -> None:
    """Every mention is gone: so is every entity."""
    cur = con.cursor()
    try:
        for table in ("entity_mentions", "entities"):
            cur.execute(f"DELETE FROM {table}")
    finally:
        cur.close()
