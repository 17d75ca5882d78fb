"""Who an entity is connected to, how and since when: breadth-first over graph_edges.

One query per hop reads the edges of the frontier's nodes (graph_edges is sorted by node,
so each is a short read); the node limit keeps the strongest-connected nodes of the last
hop and says that it cut the result.
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
from docket.graph.start import disclose, start, window
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
    """What a breadth-first walk found: nodes with their hop, the edge rows between them."""

    nodes: dict[str, Node]
    rows: list[tuple[Any, ...]]
    truncated: bool


# (node, other, node_kind, other_kind, kind, direction, count, first_at, last_at, weight,
#  shared, event_ids, event_times) restricted to a window and a minimum weight
_EDGES = (
    "SELECT node, other, node_kind, other_kind, kind, direction, count, first_at, last_at, "
    "weight, shared, {ids} AS event_ids FROM graph_edges "
    "WHERE node IN ({marks}) AND kind IN ({kinds}) AND weight >= ? AND {when}"
)


def edges_sql(
    n_nodes: int, kinds: list[str], since: datetime | None, until: datetime | None
) -> tuple[str, list[object]]:
    test, targs = window("event_times[i]", since, until)
    if targs:
        # timeless edges (standing relations) always count; others need an event in the window
        keep = f"list_filter(event_ids, lambda x, i: event_times[i] IS NULL OR ({test}))"
        when = f"len({keep}) > 0"
        ids = keep
        args = targs + targs
    else:
        when, ids, args = "true", "event_ids", []
    sql = _EDGES.format(
        ids=ids, marks=", ".join("?" * n_nodes), kinds=", ".join("?" * len(kinds)), when=when
    )
    return sql, args


def walk(
    pd: PersonData,
    seeds: list[str],
    *,
    hops: int,
    kinds: list[str],
    since: datetime | None = None,
    until: datetime | None = None,
    min_weight: float = 0.0,
    limit: int = 500,
) -> Walk:
    """Breadth-first from `seeds` up to `hops`, keeping at most `limit` nodes."""
    person = person_kind(model())
    nodes = {s: Node(s, person, 0) for s in seeds}
    rows: list[tuple[Any, ...]] = []
    frontier = list(seeds)
    truncated = False
    for hop in range(1, hops + 1):
        if not frontier:
            break
        sql, wargs = edges_sql(len(frontier), kinds, since, until)
        # window arguments come first in the SELECT list (event_ids), then the WHERE's
        n_sel = len(wargs) // 2
        args = [*wargs[:n_sel], *frontier, *kinds, min_weight, *wargs[n_sel:]]
        found = pd.sql(sql, args).fetchall()
        rows += found
        strength: dict[str, float] = {}
        kind_of: dict[str, str] = {}
        for r in found:
            if r[1] not in nodes:
                strength[r[1]] = strength.get(r[1], 0.0) + float(r[9])
                kind_of[r[1]] = r[3]
        ranked = sorted(strength, key=lambda n: (-strength[n], n))
        room = limit - len(nodes)
        if len(ranked) > room:
            ranked, truncated = ranked[: max(room, 0)], True
        for n in ranked:
            nodes[n] = Node(n, kind_of[n], hop)
        frontier = ranked
        if truncated:
            break
    return Walk(nodes, rows, truncated)


def persons(rows: list[tuple[Any, ...]]) -> set[str]:
    """The nodes of edge rows that are entities."""
    person = person_kind(model())
    return {r[0] for r in rows if r[2] == person} | {r[1] for r in rows if r[3] == person}


def to_edges(rows: list[tuple[Any, ...]], keep: dict[str, Node]) -> list[Edge]:
    """Edge rows (listed under either end) as edges, once each, between kept nodes."""
    out: dict[tuple[str, str, str], Edge] = {}
    for node, other, _nk, _ok, kind, direction, count, first, last, w, shared, ids in rows:
        if node not in keep or other not in keep:
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
        since=since,
        until=until,
        min_weight=min_weight,
        limit=limit,
    )
    edges = to_edges(w.rows, w.nodes)
    nodes = sorted(w.nodes.values(), key=lambda n: (n.hops, n.id))
    disclose(pd, [n.id for n in nodes if n.kind == person_kind(model())])
    pd.result_count = len(nodes)
    return Neighbourhood(origin, hops, nodes, edges, w.truncated, limit)
