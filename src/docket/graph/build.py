"""Deriving the graph tables from the canonical store and the resolution.

`build_graph(op)` replaces graph_nodes, graph_edges, graph_whereabouts and graph_spots as a
whole (the end of `docket resolve`, and of a purge); `update_graph(op, events=…,
mentions=…, entities=…)` recomputes the rows of every node new records touch (the
real-time path). Both run the same SQL (docket.graph.rules), the update restricted to a
scope of nodes, so that an update and a rebuild give the same tables. Both take the
Operation of the audited operation that changed what they derive from.

Staging tables (temp, dropped at the end): _g_holders (thing → holder entities and the
records that say so), _g_scope (the nodes an update recomputes), _g_party (each event party
as a graph node), _g_spot (each event's `together` key), _g_facts (one row per occurrence of
an edge), _g_where (whereabouts).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime

import duckdb

from docket.errors import StoreError
from docket.governance.handles import Operation, operation_path
from docket.graph import rules
from docket.reference import regions
from docket.schema import Model, model

_STAGING = ("_g_holders", "_g_scope", "_g_events", "_g_party", "_g_spot", "_g_facts",
            "_g_edges", "_g_where", "_g_regions")  # fmt: skip


@dataclass
class GraphSummary:
    """What a build or update did: edges by kind (each edge once), rows written, seconds."""

    mode: str
    edges: dict[str, int] = field(default_factory=dict)
    whereabouts: int = 0
    spots: int = 0
    nodes: int = 0  # update: nodes whose rows were recomputed
    seconds: float = 0.0

    @property
    def total_edges(self) -> int:
        return sum(self.edges.values())


def person_kind(m: Model) -> str:
    return m.of_group("entity")[0].name


def _stage_holders(cur: duckdb.DuckDBPyConnection) -> None:
    cur.execute(
        "CREATE OR REPLACE TEMP TABLE _g_holders AS SELECT thing_id, entity_id, relation, "
        "records, count(*) OVER (PARTITION BY thing_id, relation) AS holders FROM ("
        "  SELECT h.thing_id, em.entity_id, h.relation, "
        "  list(h.source || ':' || h.record_key ORDER BY h.source, h.record_key) AS records "
        "  FROM holdings h JOIN entity_mentions em ON em.mention_id = h.mention_id "
        "  GROUP BY h.thing_id, em.entity_id, h.relation)"
    )


def _stage_events(cur: duckdb.DuckDBPyConnection, m: Model) -> None:
    """_g_events, for an update: events with a party among the scope's nodes (as a mention of
    the entity, a thing it holds or the thing itself), and the partners of their `between`
    edges (events at the same spot)."""
    cur.execute(
        "CREATE OR REPLACE TEMP TABLE _g_events AS SELECT DISTINCT p.event_id "
        "FROM event_parties p LEFT JOIN entity_mentions em ON em.mention_id = p.mention_id "
        "WHERE em.entity_id IN (SELECT node FROM _g_scope) "
        "OR p.thing_id IN (SELECT node FROM _g_scope) "
        "OR p.thing_id IN (SELECT thing_id FROM _g_holders "
        "                  WHERE entity_id IN (SELECT node FROM _g_scope))"
    )
    _stage_spots(cur, m, scoped=True)
    cur.execute(
        "INSERT INTO _g_events SELECT DISTINCT b.event_id FROM _g_spot a "
        "JOIN _g_spot b ON a.spot = b.spot "
        "WHERE a.event_id IN (SELECT event_id FROM _g_events) "
        "AND b.event_id NOT IN (SELECT event_id FROM _g_events)"
    )


def _stage_parties(cur: duckdb.DuckDBPyConnection, m: Model, scoped: bool) -> None:
    """_g_party: each party of an event (of _g_events, when scoped) as a graph node."""
    roles = []
    for kind in m.of_group("event"):
        for role in kind.parties:
            entity = rules.is_person_role(m, kind, role)
            roles.append(f"({rules.lit(kind.name)}, {rules.lit(role)}, {str(entity).lower()})")
    only = " AND p.event_id IN (SELECT event_id FROM _g_events)" if scoped else ""
    cur.execute(
        "CREATE OR REPLACE TEMP TABLE _g_party AS SELECT p.event_id, e.kind, p.role, "
        "coalesce(em.entity_id, h.entity_id, p.thing_id) AS node, "
        "coalesce(h.holders, 1) AS holders, "
        "CASE WHEN h.entity_id IS NOT NULL THEN p.thing_id END AS via, "
        "(em.entity_id IS NOT NULL OR h.entity_id IS NOT NULL) AS is_entity "
        "FROM event_parties p JOIN events e ON e.event_id = p.event_id "
        f"JOIN (VALUES {', '.join(roles)}) r(kind, role, person) "
        "ON r.kind = e.kind AND r.role = p.role "
        "LEFT JOIN entity_mentions em ON r.person AND em.mention_id = p.mention_id "
        "LEFT JOIN _g_holders h ON NOT r.person AND h.thing_id = p.thing_id "
        f"WHERE (NOT r.person OR em.entity_id IS NOT NULL){only}"
    )


def _stage_spots(cur: duckdb.DuckDBPyConnection, m: Model, scoped: bool) -> None:
    """_g_spot: the `together` key of events; in an update, of every event of a kind with
    `between` edges (partners may be any of them) and of _g_events' events of other kinds."""
    selects = []
    for k in m.of_group("event"):
        if k.together is None:
            continue
        sql = rules.spot_rows(k)
        if scoped and not any(e.between for e in k.edges):
            sql += " AND e.event_id IN (SELECT event_id FROM _g_events)"
        selects.append(sql)
    if not selects:
        selects = [
            "SELECT NULL::VARCHAR AS event_id, NULL::VARCHAR AS kind, NULL::VARCHAR AS spot, "
            "NULL::TIMESTAMPTZ AS start_at, NULL::TIMESTAMPTZ AS end_at, NULL::VARCHAR AS test, "
            "NULL::VARCHAR AS detail WHERE false"
        ]
    cur.execute(
        "CREATE OR REPLACE TEMP TABLE _g_spot AS SELECT * FROM ("
        + " UNION ALL ".join(selects)
        + ") WHERE spot IS NOT NULL AND start_at IS NOT NULL"
    )


def _stage_facts(cur: duckdb.DuckDBPyConnection, m: Model, scoped: bool) -> None:
    facts = rules.all_facts(m, scoped)
    union = " UNION ALL ".join(f.sql for f in facts)
    cur.execute(
        "CREATE OR REPLACE TEMP TABLE _g_facts AS SELECT kind, "
        "CASE WHEN directed THEN src ELSE least(src, dst) END AS src, "
        "CASE WHEN directed THEN dst ELSE greatest(src, dst) END AS dst, "
        f"directed, start_at, weight_units, shared, event_ids, event_times FROM ({union})"
    )
    person = rules.lit(person_kind(m))
    cur.execute(
        "CREATE OR REPLACE TEMP TABLE _g_edges AS SELECT f.*, "
        f"CASE WHEN ns.entity_id IS NOT NULL THEN {person} ELSE coalesce(ts.kind, '?') END "
        f"AS src_kind, CASE WHEN nd.entity_id IS NOT NULL THEN {person} "
        "ELSE coalesce(td.kind, '?') END AS dst_kind FROM ("
        "  SELECT kind, src, dst, directed, count(*) AS count, min(start_at) AS first_at, "
        "  max(start_at) AS last_at, sum(weight_units) AS weight_units, bool_or(shared) AS shared, "
        "  list_sort(list_distinct(flatten(list(list_zip(event_times, event_ids))))) AS ev "
        "  FROM _g_facts GROUP BY kind, src, dst, directed) f "
        "LEFT JOIN entities ns ON ns.entity_id = f.src LEFT JOIN things ts ON ts.thing_id = f.src "
        "LEFT JOIN entities nd ON nd.entity_id = f.dst LEFT JOIN things td ON td.thing_id = f.dst"
    )


_EDGE_ROWS = (
    "SELECT md5_number_upper({a}) AS node_no, md5_number_upper({b}) AS other_no, "
    "{a} AS node, {b} AS other, {a}_kind AS node_kind, {b}_kind AS other_kind, kind, "
    "CASE WHEN directed THEN '{way}' ELSE 'both' END AS direction, count, first_at, last_at, "
    f"weight_units / {rules.WEIGHT_UNITS}.0 AS weight, shared, "
    "list_transform(ev, lambda x: x[2]) AS event_ids, "
    "list_transform(ev, lambda x: x[1]) AS event_times FROM _g_edges"
)


def _stage_whereabouts(cur: duckdb.DuckDBPyConnection, m: Model, scoped: bool) -> None:
    selects = [s for k in m.of_group("event") for s in rules.whereabouts_rows(m, k, scoped)]
    cur.register("_g_regions_arrow", regions())
    cur.execute(
        "CREATE OR REPLACE TEMP TABLE _g_regions AS SELECT code, latitude, longitude "
        "FROM _g_regions_arrow WHERE latitude IS NOT NULL "
        "QUALIFY row_number() OVER (PARTITION BY code ORDER BY level DESC) = 1"
    )
    cur.unregister("_g_regions_arrow")
    cur.execute(
        "CREATE OR REPLACE TEMP TABLE _g_where AS SELECT md5_number_upper(w.entity_id) AS "
        "entity_no, w.entity_id, w.start_at, w.end_at, "
        "w.place_id, t.kind AS place_kind, t.name AS place_name, t.region_code, "
        "coalesce(t.latitude, r.latitude) AS latitude, "
        "coalesce(t.longitude, r.longitude) AS longitude, w.event_id, w.event_kind, w.role, "
        f"w.via, w.spot FROM ({' UNION ALL '.join(selects)}) w "
        "JOIN things t ON t.thing_id = w.place_id "
        "LEFT JOIN _g_regions r ON r.code = rpad(t.region_code, 6, '0') "
        "WHERE w.start_at IS NOT NULL"
    )


def _node_rows(m: Model) -> str:
    """SELECT of graph_nodes' rows: every entity, and the things that are ends of edges."""
    return (
        "SELECT md5_number_upper(node) AS node_no, node, kind FROM ("
        f"SELECT entity_id AS node, {rules.lit(person_kind(m))} AS kind FROM entities "
        "UNION SELECT src, src_kind FROM _g_edges UNION SELECT dst, dst_kind FROM _g_edges)"
    )


_WHERE_ORDER = "entity_no, start_at, event_id, role"
_SPOT_ROWS = (
    "SELECT DISTINCT md5_number_upper(s.spot) AS spot_no, s.spot, s.start_at, s.end_at, "
    "w.entity_id, s.event_id, s.kind AS event_kind, s.test, s.detail "
    "FROM _g_where w JOIN _g_spot s ON s.event_id = w.event_id"
)
_SPOT_ORDER = "spot_no, start_at, entity_id, event_id"
_EDGE_ORDER = "node_no, kind, other_no, direction"


def _check_numbers(cur: duckdb.DuckDBPyConnection) -> None:
    """Two nodes with one number would mix their edges: refuse (2^-64 odds per pair)."""
    clash = cur.execute(
        "SELECT node_no, list(node) FROM graph_nodes GROUP BY node_no HAVING count(*) > 1 LIMIT 1"
    ).fetchall()
    if clash:
        raise StoreError(f"graph node number {clash[0][0]} is shared by {clash[0][1]}")


def _counts(cur: duckdb.DuckDBPyConnection, table: str) -> dict[str, int]:
    rows = cur.execute(
        f"SELECT kind, count(*) FROM {table} WHERE direction <> 'in' "
        "AND (direction = 'out' OR node < other) GROUP BY kind ORDER BY kind"
    ).fetchall()
    return {k: int(n) for k, n in rows}


@operation_path("graph.summary")
def last_build(op: Operation) -> GraphSummary | None:
    """What the last build or update did (kinds and counts only), or None."""
    rows = op.con.execute(
        "SELECT mode, edges, nodes, seconds FROM graph_builds ORDER BY built_at DESC LIMIT 1"
    ).fetchall()
    if not rows:
        return None
    mode, edges, nodes, seconds = rows[0]
    return GraphSummary(mode, json.loads(edges), nodes=int(nodes), seconds=float(seconds))


def _scalar(cur: duckdb.DuckDBPyConnection, sql: str) -> int:
    return int(cur.execute(sql).fetchall()[0][0])


def _derive(cur: duckdb.DuckDBPyConnection, m: Model, scoped: bool) -> None:
    """Every staging table, for the whole store or (scoped) for the nodes of _g_scope."""
    if scoped:
        _stage_events(cur, m)
    else:
        _stage_spots(cur, m, scoped=False)
    _stage_parties(cur, m, scoped)
    _stage_facts(cur, m, scoped)
    _stage_whereabouts(cur, m, scoped)


def _record(cur: duckdb.DuckDBPyConnection, s: GraphSummary) -> None:
    cur.execute(
        "INSERT INTO graph_builds VALUES (?, ?, ?, ?, ?)",
        [datetime.now(UTC), s.mode, s.nodes, json.dumps(s.edges), s.seconds],
    )


@operation_path("graph.build")
def build_graph(op: Operation, m: Model | None = None) -> GraphSummary:
    """Rebuild every graph table from the store, in one transaction, inside the operation
    that changed what it derives from (resolve, purge)."""
    return _run(op.con, m or model(), None)


@operation_path("graph.update")
def update_graph(
    op: Operation,
    *,
    events: Iterable[str] = (),
    mentions: Iterable[str] = (),
    entities: Iterable[str] = (),
    m: Model | None = None,
) -> GraphSummary:
    """Recompute the graph rows of every node new records touch, in one transaction.

    `events`: new event ids (already in events / event_parties, their mentions resolved);
    `mentions`: mentions that are new or changed entity (their holdings included);
    `entities`: former entity ids of those mentions (merged or split away).
    The result equals `build_graph` on the same store.
    """
    return _run(op.con, m or model(), (list(events), list(mentions), list(entities)))


def _run(
    con: duckdb.DuckDBPyConnection,
    m: Model,
    changes: tuple[list[str], list[str], list[str]] | None,
) -> GraphSummary:
    """Derive and write the graph: all of it, or (with the changed events, mentions and
    former entity ids) the rows of the nodes they touch."""
    t0 = time.perf_counter()
    scoped = changes is not None
    s = GraphSummary("update" if scoped else "rebuild")
    cur = con.cursor()
    try:
        _stage_holders(cur)
        if changes is not None:
            _stage_scope(cur, m, *changes)
            s.nodes = _scalar(cur, "SELECT count(*) FROM _g_scope")
        _derive(cur, m, scoped)
        cur.execute("BEGIN TRANSACTION")
        _write(cur, m, scoped)
        if scoped:
            s.edges = _edge_counts(cur)
        else:
            s.edges = _counts(cur, "graph_edges")
            s.whereabouts = _scalar(cur, "SELECT count(*) FROM graph_whereabouts")
            s.spots = _scalar(cur, "SELECT count(*) FROM graph_spots")
        s.seconds = round(time.perf_counter() - t0, 3)
        _record(cur, s)
        cur.execute("COMMIT")
    except BaseException:
        _rollback(cur)
        raise
    finally:
        _drop_staging(cur)
        cur.close()
    return s


def _write(cur: duckdb.DuckDBPyConnection, m: Model, scoped: bool) -> None:
    """Replace the graph tables' rows (of the scope's nodes, when scoped) by the staged ones."""
    mine = "IN (SELECT node FROM _g_scope)"
    node, edge, entity = (
        (f"WHERE node {mine}", f"WHERE node {mine} OR other {mine}", f"WHERE entity_id {mine}")
        if scoped
        else ("", "", "")
    )
    for table, where in (("graph_nodes", node), ("graph_edges", edge),
                         ("graph_whereabouts", entity), ("graph_spots", entity)):  # fmt: skip
        cur.execute(f"DELETE FROM {table} {where}")
    # an update also adds things that are ends of an edge for the first time
    new_things = " OR node NOT IN (SELECT node FROM graph_nodes)" if scoped else ""
    cur.execute(
        f"INSERT INTO graph_nodes SELECT * FROM ({_node_rows(m)}) {node}{new_things} "
        "ORDER BY node_no"
    )
    _check_numbers(cur)
    cur.execute(
        "INSERT INTO graph_edges SELECT * FROM ("
        + _EDGE_ROWS.format(a="src", b="dst", way="out")
        + " UNION ALL "
        + _EDGE_ROWS.format(a="dst", b="src", way="in")
        + f") ORDER BY {_EDGE_ORDER}"
    )
    cur.execute(f"INSERT INTO graph_whereabouts SELECT * FROM _g_where {entity} "
                f"ORDER BY {_WHERE_ORDER}")  # fmt: skip
    cur.execute(f"INSERT INTO graph_spots SELECT * FROM ({_SPOT_ROWS}) {entity} "
                f"ORDER BY {_SPOT_ORDER}")  # fmt: skip


def _edge_counts(cur: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Edges by kind recomputed by an update (each edge once)."""
    rows = cur.execute("SELECT kind, count(*) FROM _g_edges GROUP BY kind ORDER BY kind").fetchall()
    return {k: int(n) for k, n in rows}


def _stage_scope(
    cur: duckdb.DuckDBPyConnection,
    m: Model,
    events: list[str],
    mentions: list[str],
    entities: list[str],
) -> None:
    """_g_scope: the nodes whose rows an update recomputes.

    The parties of the new events (as nodes), the entities of the changed mentions and the
    former ids given, every holder of a thing those mentions hold, and the things themselves
    (a thing no one held was a node of its own).
    """
    cur.execute("CREATE OR REPLACE TEMP TABLE _g_scope (node VARCHAR)")
    cur.execute(
        "INSERT INTO _g_scope SELECT DISTINCT coalesce(em.entity_id, h.entity_id, p.thing_id) "
        "FROM event_parties p LEFT JOIN entity_mentions em ON em.mention_id = p.mention_id "
        "LEFT JOIN _g_holders h ON h.thing_id = p.thing_id "
        "WHERE p.event_id IN (SELECT unnest(?::VARCHAR[])) "
        "AND coalesce(em.entity_id, h.entity_id, p.thing_id) IS NOT NULL",
        [events],
    )
    cur.execute(
        "INSERT INTO _g_scope SELECT entity_id FROM entity_mentions "
        "WHERE mention_id IN (SELECT unnest(?::VARCHAR[])) "
        "UNION SELECT unnest(?::VARCHAR[]) "
        "UNION SELECT thing_id FROM holdings WHERE mention_id IN (SELECT unnest(?::VARCHAR[])) "
        "UNION SELECT h.entity_id FROM _g_holders h JOIN holdings x ON x.thing_id = h.thing_id "
        "WHERE x.mention_id IN (SELECT unnest(?::VARCHAR[]))",
        [mentions, entities, mentions, mentions],
    )
    cur.execute("CREATE OR REPLACE TEMP TABLE _g_scope AS SELECT DISTINCT node FROM _g_scope")


def _rollback(cur: duckdb.DuckDBPyConnection) -> None:
    with suppress(duckdb.Error):  # no transaction was open
        cur.execute("ROLLBACK")


def _drop_staging(cur: duckdb.DuckDBPyConnection) -> None:
    for t in _STAGING:
        cur.execute(f"DROP TABLE IF EXISTS temp.{t}")
