"""Who an entity is connected to, how and since when: breadth-first over graph_edges.

One query per hop reads the edges of the frontier's nodes (graph_edges is sorted by node
number, so each is a short read); the node limit keeps the strongest-connected nodes of
the last hop and says that it cut the result.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from docket.errors import InputError
from docket.governance.gate import PersonData, read_path
from docket.graph.build import person_kind
from docket.graph.results import Edge, Neighbourhood, Node
from docket.graph.start import disclose, names, number, start, window
from docket.schema import model

MAX_HOPS = 3
MAX_LIMIT = 10_000


def edge_kinds() -> list[str]:
    """Every edge label the model declares."""
    m = model()
    out: list[str] = []
    for k in [*m.of_group("event"), *m.of_group("relation")]:
        for e in [*k.edges, *([k.shared] if k.shared else [])]:
            if e.label not in out:
                out.append(e.label)
    return out


def person_kinds() -> list[str]:
    """Edge labels between people: through held things on both ends, `between` and `shared`
    edges (what a query reads when it names no kind)."""
    from docket.graph.rules import held_kinds, is_person_role

    m = model()
    held = held_kinds(m)
    out: list[str] = []
    for k in m.of_group("event"):
        for e in k.edges:

            def personal(role: str, k: Any = k) -> bool:
                return is_person_role(m, k, role) or set(k.parties[role].kinds) <= held

            if personal(e.source) and personal(e.target) and e.label not in out:
                out.append(e.label)
    out += [r.shared.label for r in m.of_group("relation") if r.shared is not None]
    return out


def check_kinds(kinds: Sequence[str] | None) -> list[str]:
    """The kinds asked for (default: the person–person ones), each a label of the model."""
    if not kinds:
        return person_kinds()
    known = edge_kinds()
    bad = [k for k in kinds if k not in known]
    if bad:
        raise InputError(
            "--kind", f"unknown edge kind {bad[0]!r}", hint=f"one of: {', '.join(known)}"
        )
    return list(dict.fromkeys(kinds))


@dataclass
class Walk:
    """What a breadth-first walk found: node number → Node, and the edge rows read (ROW)."""

    nodes: dict[int, Node]
    rows: list[tuple[Any, ...]]
    cut: bool


# Edge rows: (node_no, other_no, node_kind, other_kind, kind, direction, weight) and, with
# detail, (node, other, count, first_at, last_at, shared, event_ids); event_ids within the
# window when one is given.
_NARROW = "node_no, other_no, node_kind, other_kind, kind, direction, weight"
_DETAIL = "node, other, count, first_at, last_at, shared, {ids} AS event_ids"
_EDGES = (
    "SELECT {cols} FROM graph_edges WHERE node_no IN (SELECT unnest(?::UBIGINT[])) "
    "AND kind IN (SELECT unnest(?::VARCHAR[])) AND weight >= ? AND {when}"
)


def edges_sql(
    detail: bool, since: datetime | None = None, until: datetime | None = None
) -> tuple[str, list[object], list[object]]:
    """SELECT of the edge rows of a list of node numbers; its arguments are the first list
    returned, the numbers, the kinds, the minimum weight and the second list returned."""
    test, targs = window("event_times[i]", since, until)
    ids = "event_ids"
    when = "true"
    if targs:
        # timeless edges (standing relations) always count; others need an event in the window
        ids = f"list_filter(event_ids, lambda x, i: event_times[i] IS NULL OR ({test}))"
        when = (
            f"len(list_filter(event_times, lambda t, i: t IS NULL OR "
            f"({test.replace('event_times[i]', 't')}))) > 0"
        )
    cols = _NARROW + (", " + _DETAIL.format(ids=ids) if detail else "")
    return _EDGES.format(cols=cols, when=when), (targs if detail else []), targs


def read_edges(
    pd: PersonData,
    numbers: Sequence[int],
    kinds: list[str],
    *,
    detail: bool,
    since: datetime | None = None,
    until: datetime | None = None,
    min_weight: float = 0.0,
) -> list[tuple[Any, ...]]:
    """The edge rows listed under these node numbers."""
    sql, before, after = edges_sql(detail, since, until)
    args = [*before, list(numbers), kinds, min_weight, *after]
    return list(pd.sql(sql, args).fetchall())


def walk(
    pd: PersonData,
    seeds: list[str],
    *,
    hops: int,
    kinds: list[str],
    detail: bool = False,
    since: datetime | None = None,
    until: datetime | None = None,
    min_weight: float = 0.0,
    limit: int = 500,
) -> Walk:
    """Breadth-first from `seeds` up to `hops`, keeping at most `limit` nodes: the strongest
    tied (summed weight to the nodes already kept) when a hop finds more than there is room."""
    person = person_kind(model())
    nodes = {number(s): Node(s, person, 0) for s in seeds}
    rows: list[tuple[Any, ...]] = []
    frontier = list(nodes)
    cut = False
    for hop in range(1, hops + 1):
        if not frontier:
            break
        found = read_edges(
            pd, frontier, kinds, detail=detail, since=since, until=until, min_weight=min_weight
        )
        rows += found
        strength: dict[int, float] = {}
        kind_of: dict[int, str] = {}
        name_of: dict[int, str] = {}
        for r in found:
            if r[1] not in nodes:
                strength[r[1]] = strength.get(r[1], 0.0) + float(r[6])
                kind_of[r[1]] = r[3]
                if detail:
                    name_of[r[1]] = r[8]
        ranked = sorted(strength, key=lambda n: (-strength[n], n))
        room = limit - len(nodes)
        if len(ranked) > room:
            ranked, cut = ranked[: max(room, 0)], True
        for n in ranked:
            nodes[n] = Node(name_of.get(n, ""), kind_of[n], hop)
        frontier = ranked
        if cut:
            break
    if not detail:
        named = names(pd, nodes)
        nodes = {n: Node(named[n][0], node.kind, node.hops) for n, node in nodes.items()}
    return Walk(nodes, rows, cut)


def persons(w: Walk) -> set[str]:
    """The ids of the walk's nodes that are entities."""
    person = person_kind(model())
    return {n.id for n in w.nodes.values() if n.kind == person}


def to_edges(rows: list[tuple[Any, ...]], keep: dict[int, Node]) -> list[Edge]:
    """Detailed edge rows (listed under either end) as edges, once each, between kept nodes."""
    out: dict[tuple[str, str, str], Edge] = {}
    for r in rows:
        node_no, other_no, _nk, _ok, kind, direction, w = r[:7]
        node, other, count, first, last, shared, ids = r[7:]
        if node_no not in keep or other_no not in keep:
            continue
        src, dst = (other, node) if direction == "in" else (node, other)
        if direction == "both" and src > dst:
            src, dst = dst, src
        key = (src, dst, kind)
        if key not in out:
            out[key] = Edge(
                src,
                dst,
                kind,
                direction != "both",
                int(count),
                first,
                last,
                float(w),
                bool(shared),
                list(ids),
            )
    return [out[k] for k in sorted(out)]


@read_path("graph.neighbours")
def neighbours(
    pd: PersonData,
    entity: str,
    *,
    hops: int = 1,
    kinds: Sequence[str] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    min_weight: float = 0.0,
    limit: int = 200,
) -> Neighbourhood:
    """Nodes within `hops` of `entity` over edges of `kinds`, and the edges between them."""
    if not 1 <= hops <= MAX_HOPS:
        raise InputError("--hops", f"{hops} is out of range", hint=f"use 1 … {MAX_HOPS}")
    if not 1 <= limit <= MAX_LIMIT:
        raise InputError("--limit", f"{limit} is out of range", hint=f"use 1 … {MAX_LIMIT}")
    origin = start(pd, entity)
    asked = check_kinds(kinds)
    w = walk(
        pd,
        [origin],
        hops=hops,
        kinds=asked,
        detail=True,
        since=since,
        until=until,
        min_weight=min_weight,
        limit=limit,
    )
    edges = to_edges(w.rows, w.nodes)
    nodes = sorted(w.nodes.values(), key=lambda n: (n.hops, n.id))
    disclose(pd, sorted(persons(w)))
    pd.result_count = len(nodes)
    return Neighbourhood(origin, hops, nodes, edges, w.cut, limit)
