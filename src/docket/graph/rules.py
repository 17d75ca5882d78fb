"""The model's graph declarations (`edges`, `whereabouts`, `together`, `shared`) as SQL.

Nothing here names an event kind: each function reads the model and returns SELECT text
over the canonical tables and the build's staging tables (`_g_party`, `_g_holders`,
`_g_scope`; see docket.graph.build). A party in a role of a Person kind is its mention's
entity; a party that is a thing people hold (an asset of a relation) stands for each of its
holders; any other thing is a node of its own. A place role without a party row is the
event's own place (events.place_id).
"""

from __future__ import annotations

from dataclasses import dataclass

from docket.errors import ModelError
from docket.schema import Condition, Edge, Kind, Model
from docket.schema.loader import MODEL_DIR

# Weights are summed as integers of this many units per 1.0, so that a rebuild and an
# incremental update add the same numbers in any order and agree to the last digit.
WEIGHT_UNITS = 1_000_000
DAY = "INTERVAL 1 DAY"


def lit(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def held_kinds(m: Model) -> set[str]:
    """Thing kinds people hold: the targets of relation edges (phones, accounts …)."""
    out: set[str] = set()
    for rel in m.of_group("relation"):
        for edge in rel.edges:
            out.update(rel.parties[edge.target].kinds)
    return out


def is_person_role(m: Model, kind: Kind, role: str) -> bool:
    return all(m.kind(k).group == "entity" for k in kind.parties[role].kinds)


def column(kind: Kind, prop: str, alias: str = "e") -> str:
    """SQL for a property of an event (as docket.sources.compile stores it)."""
    if prop.endswith(".date"):
        return f"CAST({column(kind, prop.removesuffix('.date'), alias)} AS DATE)"
    times = [n for n, p in kind.properties.items() if p.type == "datetime"]
    if prop in times[:2]:
        return f"{alias}.{('start_at', 'end_at')[times.index(prop)]}"
    if prop not in kind.properties:
        raise ModelError(MODEL_DIR / "events.yaml", kind.name, f"{prop!r} is not a property")
    return f"({alias}.properties ->> {lit(prop)})"


def first_set(kind: Kind, props: tuple[str, ...], alias: str = "e") -> str:
    if not props:
        return "NULL::TIMESTAMPTZ"
    cols = [column(kind, p, alias) for p in props]
    return cols[0] if len(cols) == 1 else f"coalesce({', '.join(cols)})"


def condition(kind: Kind, c: Condition) -> str:
    """SQL true when condition `c` holds between events `a` and `b`."""
    left, right = column(kind, c.prop, "a"), column(kind, c.prop, "b")
    if c.test == "same":
        return f"({left} = {right})"
    # adjacent seats: the same car and row (the seat without its letter), not the same seat
    row = "regexp_replace({}, '[A-Za-z]+$', '')"
    return f"({row.format(left)} = {row.format(right)} AND {left} <> {right})"


def _party(kind: Kind, role: str, alias: str) -> str:
    """Join of the staged party nodes of `role` as `alias` (columns node, holders, via)."""
    return (
        f"JOIN _g_party {alias} ON {alias}.event_id = e.event_id "
        f"AND {alias}.kind = {lit(kind.name)} AND {alias}.role = {lit(role)}"
    )


def _place(kind: Kind, role: str, alias: str) -> tuple[str, str]:
    """(LEFT JOIN of a place role's party row, SQL of the place's thing id)."""
    join = (
        f"LEFT JOIN event_parties {alias} ON {alias}.event_id = e.event_id "
        f"AND {alias}.role = {lit(role)}"
    )
    return join, f"coalesce({alias}.thing_id, e.place_id)"


def _in_scope(*nodes: str) -> str:
    return "(" + " OR ".join(f"{n} IN (SELECT node FROM _g_scope)" for n in nodes) + ")"


def _weight(edge: Edge, holders: str, factor: str = "1") -> str:
    return f"CAST(round({edge.weight * WEIGHT_UNITS} * {factor} / ({holders})) AS BIGINT)"


@dataclass(frozen=True)
class Fact:
    """SELECT text of one declaration's facts: (kind, src, dst, directed, start_at, weight_units,
    shared, event_ids, event_times), one row per occurrence."""

    label: str
    sql: str


def party_facts(kind: Kind, edge: Edge, scoped: bool) -> Fact:
    """Occurrences of a source → target edge of an event kind."""
    where = f"e.kind = {lit(kind.name)} AND s.node <> t.node"
    if scoped:
        where += " AND " + _in_scope("s.node", "t.node")
    sql = (
        f"SELECT {lit(edge.label)} AS kind, s.node AS src, t.node AS dst, "
        f"{str(edge.directed).lower()} AS directed, e.start_at AS start_at, "
        f"{_weight(edge, 's.holders * t.holders')} AS weight_units, "
        "(s.holders > 1 OR t.holders > 1) AS shared, [e.event_id] AS event_ids, "
        f"[e.start_at] AS event_times FROM events e {_party(kind, edge.source, 's')} "
        f"{_party(kind, edge.target, 't')} WHERE {where}"
    )
    return Fact(edge.label, sql)


def spot_key(kind: Kind) -> str:
    """SQL of an event's `together` key, '<Kind>|v1|v2…' (NULL when a value is missing)."""
    t = kind.together
    assert t is not None
    parts = [lit(kind.name)]
    for item in t.same:
        if item in kind.parties:
            parts.append(f"coalesce(sp_{item}.thing_id, e.place_id)")
        else:
            parts.append(f"CAST({column(kind, item)} AS VARCHAR)")
    return " || '|' || ".join(parts)


def spot_joins(kind: Kind) -> str:
    t = kind.together
    assert t is not None
    return " ".join(_place(kind, item, f"sp_{item}")[0] for item in t.same if item in kind.parties)


def spot_test(kind: Kind) -> str:
    t = kind.together
    assert t is not None
    return "overlap" if t.overlap else "window" if t.within_window else "same"


def spot_interval(kind: Kind, alias: str = "e") -> tuple[str, str]:
    """(start, end) of an event's presence at its spot; an open stay lasts a day."""
    t = kind.together
    assert t is not None
    if t.overlap:
        start, end = column(kind, t.overlap[0], alias), column(kind, t.overlap[1], alias)
        return start, f"coalesce({end}, {start} + {DAY})"
    return f"{alias}.start_at", "NULL::TIMESTAMPTZ"


def pair_facts(kind: Kind, edge: Edge, scoped: bool) -> Fact:
    """Occurrences of a `between` edge: two events together, and any of `when_any`."""
    t = kind.together
    if t is None:
        raise ModelError(
            MODEL_DIR / "events.yaml", f"{kind.name}.edges", "a `between` edge needs `together`"
        )
    start_a, end_a = spot_interval(kind, "a")
    start_b, end_b = spot_interval(kind, "b")
    tests = [condition(kind, c) for c in edge.when_any]
    tests_time = f"{start_a} < {end_b} AND {start_b} < {end_a}" if t.overlap else "true"
    factor = "1"
    if edge.stronger is not None:
        cond, mult = edge.stronger
        factor = f"(CASE WHEN {condition(kind, cond)} THEN {mult} ELSE 1 END)"
    when = f" AND ({' OR '.join(tests)})" if tests else ""
    scope = " AND " + _in_scope("pa.node", "pb.node") if scoped else ""
    sql = (
        f"SELECT {lit(edge.label)} AS kind, least(pa.node, pb.node) AS src, "
        f"greatest(pa.node, pb.node) AS dst, {str(edge.directed).lower()} AS directed, "
        f"least(a.start_at, b.start_at) AS start_at, "
        f"{_weight(edge, 'pa.holders * pb.holders', factor)} AS weight_units, "
        "(pa.holders > 1 OR pb.holders > 1) AS shared, "
        "CASE WHEN a.start_at < b.start_at OR (a.start_at = b.start_at AND a.event_id < "
        "b.event_id) THEN [a.event_id, b.event_id] ELSE [b.event_id, a.event_id] END "
        "AS event_ids, [least(a.start_at, b.start_at), greatest(a.start_at, b.start_at)] "
        "AS event_times "
        f"FROM _g_spot sa JOIN _g_spot sb ON sa.spot = sb.spot AND sa.event_id < sb.event_id "
        "JOIN events a ON a.event_id = sa.event_id JOIN events b ON b.event_id = sb.event_id "
        f"JOIN _g_party pa ON pa.event_id = a.event_id AND pa.kind = {lit(kind.name)} "
        f"AND pa.role = {lit(edge.between or '')} "
        f"JOIN _g_party pb ON pb.event_id = b.event_id AND pb.kind = {lit(kind.name)} "
        f"AND pb.role = {lit(edge.between or '')} "
        f"WHERE sa.kind = {lit(kind.name)} AND pa.node <> pb.node AND {tests_time}{when}{scope}"
    )
    return Fact(edge.label, sql)


def holding_facts(rel: Kind, edge: Edge, scoped: bool) -> Fact:
    """A relation's edge (holder → asset), one occurrence per stating record."""
    scope = f" AND {_in_scope('h.entity_id', 'h.thing_id')}" if scoped else ""
    sql = (
        f"SELECT {lit(edge.label)} AS kind, h.entity_id AS src, h.thing_id AS dst, "
        f"{str(edge.directed).lower()} AS directed, NULL::TIMESTAMPTZ AS start_at, "
        f"{_weight(edge, '1')} AS weight_units, h.holders > 1 AS shared, "
        "[r] AS event_ids, [NULL::TIMESTAMPTZ] AS event_times "
        f"FROM _g_holders h, unnest(h.records) AS u(r) WHERE h.relation = {lit(rel.name)}{scope}"
    )
    return Fact(edge.label, sql)


def shared_facts(rel: Kind, scoped: bool) -> Fact:
    """Two holders of one asset: one occurrence per asset, with both holders' records."""
    edge = rel.shared
    assert edge is not None
    scope = f" AND {_in_scope('a.entity_id', 'b.entity_id')}" if scoped else ""
    sql = (
        f"SELECT {lit(edge.label)} AS kind, a.entity_id AS src, b.entity_id AS dst, "
        f"{str(edge.directed).lower()} AS directed, NULL::TIMESTAMPTZ AS start_at, "
        f"{_weight(edge, '1')} AS weight_units, true AS shared, "
        "list_sort(list_concat(a.records, b.records)) AS event_ids, "
        "list_transform(list_concat(a.records, b.records), lambda x: NULL::TIMESTAMPTZ) "
        "AS event_times FROM _g_holders a JOIN _g_holders b ON a.thing_id = b.thing_id "
        f"AND a.entity_id < b.entity_id AND a.relation = b.relation "
        f"WHERE a.relation = {lit(rel.name)}{scope}"
    )
    return Fact(edge.label, sql)


def all_facts(m: Model, scoped: bool) -> list[Fact]:
    """Every edge declaration of the model as fact SELECTs."""
    out: list[Fact] = []
    for kind in m.of_group("event"):
        for edge in kind.edges:
            if edge.between is None:
                out.append(party_facts(kind, edge, scoped))
            else:
                out.append(pair_facts(kind, edge, scoped))
    for rel in m.of_group("relation"):
        for edge in rel.edges:
            out.append(holding_facts(rel, edge, scoped))
        if rel.shared is not None:
            out.append(shared_facts(rel, scoped))
    return out


def detail_props(kind: Kind) -> list[str]:
    """Properties the kind's pair edges compare (room, seat, booking): co-location evidence."""
    props: list[str] = []
    for edge in kind.edges:
        conds = [*edge.when_any, *([edge.stronger[0]] if edge.stronger else [])]
        props += [c.prop for c in conds if c.prop not in props]
    return props


def whereabouts_rows(m: Model, kind: Kind, scoped: bool) -> list[str]:
    """SELECTs of (entity_id, start_at, end_at, place_id, event_id, event_kind, role, via, spot)."""
    out = []
    spot = spot_key(kind) if kind.together else "NULL"
    joins = spot_joins(kind) if kind.together else ""
    scope = " AND p.node IN (SELECT node FROM _g_scope)" if scoped else ""
    for i, w in enumerate(kind.whereabouts):
        pjoin, place = _place(kind, w.place, f"pl{i}")
        out.append(
            f"SELECT p.node AS entity_id, {first_set(kind, w.at)} AS start_at, "
            f"{first_set(kind, w.until)} AS end_at, {place} AS place_id, e.event_id, "
            f"{lit(kind.name)} AS event_kind, {lit(w.place)} AS role, p.via, "
            f"{spot} AS spot FROM events e {_party(kind, w.party, 'p')} {pjoin} {joins} "
            f"WHERE e.kind = {lit(kind.name)} AND p.is_entity{scope}"
        )
    return out


def spot_rows(kind: Kind) -> str:
    """SELECT of every event of a kind with a `together` rule: (event_id, kind, spot,
    start_at, end_at, test, detail)."""
    start, end = spot_interval(kind)
    props = detail_props(kind)
    detail = (
        "json_object(" + ", ".join(f"{lit(p)}, {column(kind, p)}" for p in props) + ")::VARCHAR"
        if props
        else "NULL"
    )
    return (
        f"SELECT e.event_id, {lit(kind.name)} AS kind, {spot_key(kind)} AS spot, "
        f"{start} AS start_at, {end} AS end_at, {lit(spot_test(kind))} AS test, "
        f"{detail} AS detail FROM events e {spot_joins(kind)} WHERE e.kind = {lit(kind.name)}"
    )
