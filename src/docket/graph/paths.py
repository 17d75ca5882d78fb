"""How two entities are connected: the k shortest paths, with the events behind each hop.

Two breadth-first searches grow from both ends (the smaller frontier first) over
graph_edges until they meet, plus one hop for alternatives; igraph's k-shortest-paths
(Yen) then runs on the edges read. A path's cost is its hop count plus, per hop,
1 / (1 + weight) / 2 of the strongest edge: fewer hops first, stronger ties among equals.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
from typing import Any

import igraph

from docket.errors import InputError
from docket.governance.gate import PersonData, read_path
from docket.graph.neighbours import check_kinds, edges_sql, persons, to_edges
from docket.graph.results import Edge, Hop, Node, Path, Paths
from docket.graph.start import disclose, start

MAX_K = 10
MAX_HOPS = 6
MAX_NODES = 20_000


def _grow(pd: PersonData, frontier: list[str], kinds: list[str]) -> list[tuple[Any, ...]]:
    sql, _ = edges_sql(len(frontier), kinds, None, None)
    return list(pd.sql(sql, [*frontier, *kinds, 0.0]).fetchall())


@read_path("graph.path")
def paths(
    pd: PersonData,
    a: str,
    b: str,
    *,
    k: int = 3,
    kinds: Sequence[str] | None = None,
    max_hops: int = MAX_HOPS,
) -> Paths:
    """Up to `k` shortest paths from `a` to `b` over edges of `kinds` (either direction)."""
    if not 1 <= k <= MAX_K:
        raise InputError("--k", f"{k} is out of range", hint=f"use 1 … {MAX_K}")
    if not 1 <= max_hops <= MAX_HOPS:
        raise InputError("--max-hops", f"{max_hops} is out of range", hint=f"use 1 … {MAX_HOPS}")
    src, dst = start(pd, a, "A"), start(pd, b, "B")
    asked = check_kinds(kinds)
    if src == dst:
        raise InputError("B", "is the same entity as A", hint="name two different entities")
    seen = [{src: 0}, {dst: 0}]
    frontiers = [[src], [dst]]
    rows: list[tuple[Any, ...]] = []
    met, extra, complete = False, 0, True
    depth = 0
    while depth < max_hops:
        side = 0 if len(frontiers[0]) <= len(frontiers[1]) else 1
        if not frontiers[side]:
            side = 1 - side
            if not frontiers[side]:
                break
        found = _grow(pd, frontiers[side], asked)
        rows += found
        depth += 1
        nxt = sorted({r[1] for r in found} - seen[side].keys())
        for n in nxt:
            seen[side][n] = depth
        frontiers[side] = nxt
        if len(seen[0]) + len(seen[1]) > MAX_NODES:
            complete = False
            break
        if not met and (seen[0].keys() & seen[1].keys()):
            met = True
        if met:
            if extra >= 1 or k == 1:
                break
            extra += 1
    result = _k_shortest(rows, src, dst, k)
    if not met or len(result) < k:
        complete = complete and met
    people = persons(rows)
    disclose(pd, sorted({n for p in result for n in p.nodes if n in people}))
    pd.result_count = len(result)
    return Paths(src, dst, result, len(seen[0]) + len(seen[1]), complete)


def _k_shortest(rows: list[tuple[Any, ...]], src: str, dst: str, k: int) -> list[Path]:
    names = sorted({r[0] for r in rows} | {r[1] for r in rows} | {src, dst})
    index = {n: i for i, n in enumerate(names)}
    keep = {n: Node(n, "", 0) for n in names}
    by_pair: dict[tuple[str, str], list[Edge]] = {}
    for e in to_edges(rows, keep):
        by_pair.setdefault((min(e.source, e.target), max(e.source, e.target)), []).append(e)
    pairs = sorted(by_pair)
    if not pairs:
        return []
    g = igraph.Graph(n=len(names), edges=[(index[x], index[y]) for x, y in pairs])
    costs = [1 + 0.5 / (1 + max(e.weight for e in by_pair[p])) for p in pairs]
    found = g.get_k_shortest_paths(
        index[src], to=index[dst], k=k, mode="all", weights=costs, output="vpath"
    )
    out = []
    for vpath in found:
        if not vpath:
            continue
        nodes = [names[v] for v in vpath]
        hops = []
        cost = 0.0
        for x, y in pairwise(nodes):
            edges = sorted(by_pair[(min(x, y), max(x, y))], key=lambda e: (-e.weight, e.kind))
            cost += 1 + 0.5 / (1 + edges[0].weight)
            hops.append(Hop(x, y, [e.kind for e in edges], edges))
        out.append(Path(nodes, hops, round(cost, 4)))
    return sorted(out, key=lambda p: (p.cost, p.nodes))
