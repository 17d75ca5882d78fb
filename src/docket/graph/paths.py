"""How two entities are connected: the k shortest paths, with the events behind each hop.

Two breadth-first searches grow from both ends (the smaller frontier first) over
graph_edges until they meet, plus one hop for alternatives; igraph's k-shortest-paths
(Yen) then runs on the edges read. A path's cost is its hop count plus, per hop,
1 / (1 + weight) / 2 of the strongest edge: fewer hops first, stronger ties among equals.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import igraph

from docket.errors import InputError
from docket.governance.gate import PersonData, read_path
from docket.graph.build import person_kind
from docket.graph.neighbours import check_kinds, read_edges, to_edges
from docket.graph.results import Edge, Hop, Node, Path, Paths
from docket.graph.start import disclose, names, number, start
from docket.schema import model

MAX_K = 10
MAX_HOPS = 6
MAX_NODES = 20_000


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
    ends = (number(src), number(dst))
    rows, searched, met, stopped = _search(pd, ends, asked, k, max_hops)
    found = _k_shortest(rows, ends, k)
    result = _described(pd, found, asked)
    people = {
        n
        for p in result
        for n, kind in zip(p.path.nodes, p.kinds, strict=True)
        if kind == person_kind(model())
    }
    disclose(pd, sorted(people))
    pd.result_count = len(result)
    return Paths(src, dst, [p.path for p in result], searched, met and not stopped)


def _search(
    pd: PersonData, ends: tuple[int, int], kinds: list[str], k: int, max_hops: int
) -> tuple[list[tuple[Any, ...]], int, bool, bool]:
    """Edge rows read by two breadth-first searches from both ends, growing the smaller
    frontier first, until they meet (and one hop more when k > 1): (rows, nodes searched,
    met, stopped at the node limit)."""
    seen: list[dict[int, int]] = [{ends[0]: 0}, {ends[1]: 0}]
    frontiers = [[ends[0]], [ends[1]]]
    rows: list[tuple[Any, ...]] = []
    met, extra, stopped = False, 0, False
    for depth in range(1, max_hops + 1):
        side = 0 if len(frontiers[0]) <= len(frontiers[1]) else 1
        if not frontiers[side]:
            side = 1 - side
            if not frontiers[side]:
                break
        found = read_edges(pd, frontiers[side], kinds, detail=False)
        rows += found
        nxt = sorted({r[1] for r in found} - seen[side].keys())
        for n in nxt:
            seen[side][n] = depth
        frontiers[side] = nxt
        if len(seen[0]) + len(seen[1]) > MAX_NODES:
            stopped = True
            break
        met = met or bool(seen[0].keys() & seen[1].keys())
        if met:
            if extra >= 1 or k == 1:
                break
            extra += 1
    return rows, len(seen[0]) + len(seen[1]), met, stopped


def _cost(weight: float) -> float:
    return 1 + 0.5 / (1 + weight)


def _k_shortest(rows: list[tuple[Any, ...]], ends: tuple[int, int], k: int) -> list[list[int]]:
    """Up to k shortest node-number paths (Yen, igraph) over the rows' edges."""
    best: dict[tuple[int, int], float] = {}
    for r in rows:
        pair = (min(r[0], r[1]), max(r[0], r[1]))
        best[pair] = max(best.get(pair, 0.0), float(r[6]))
    numbers = sorted({n for p in best for n in p} | set(ends))
    index = {n: i for i, n in enumerate(numbers)}
    pairs = sorted(best)
    if not pairs:
        return []
    g = igraph.Graph(n=len(numbers), edges=[(index[x], index[y]) for x, y in pairs])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # "couldn't reach some vertices"
        found = g.get_k_shortest_paths(
            index[ends[0]],
            to=index[ends[1]],
            k=k,
            mode="all",
            weights=[_cost(best[p]) for p in pairs],
            output="vpath",
        )
    return [[numbers[v] for v in vpath] for vpath in found if vpath]


@dataclass(frozen=True)
class _Found:
    path: Path
    kinds: list[str]  # node kinds, along the path


def _described(pd: PersonData, found: list[list[int]], kinds: list[str]) -> list[_Found]:
    """Paths of node numbers as paths of ids, each hop with its edges and their events."""
    on_path = sorted({n for p in found for n in p})
    if not on_path:
        return []
    named = names(pd, on_path)
    keep = {n: Node(named[n][0], named[n][1], 0) for n in on_path}
    by_pair: dict[tuple[str, str], list[Edge]] = {}
    for e in to_edges(read_edges(pd, on_path, kinds, detail=True), keep):
        by_pair.setdefault((min(e.source, e.target), max(e.source, e.target)), []).append(e)
    out = []
    for p in found:
        ids = [named[n][0] for n in p]
        hops, cost = [], 0.0
        for x, y in pairwise(ids):
            edges = sorted(by_pair[(min(x, y), max(x, y))], key=lambda e: (-e.weight, e.kind))
            cost += _cost(edges[0].weight)
            hops.append(Hop(x, y, list(dict.fromkeys(e.kind for e in edges)), edges))
        out.append(_Found(Path(ids, hops, round(cost, 4)), [named[n][1] for n in p]))
    return sorted(out, key=lambda f: (f.path.cost, f.path.nodes))
