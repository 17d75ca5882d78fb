"""Groups of closely tied people: Leiden communities around an entity or a case's subjects.

The person–person edges within `hops` of the seeds are read (docket.graph.neighbours.walk),
edges between the nodes found are added, parallel edges of several kinds summed into one
weight, and igraph's `community_leiden` runs with the modularity objective (its default,
CPM at resolution 1, leaves every node alone) at resolution RESOLUTION. Each member's
centrality is its weighted PageRank in the graph searched; its degree is its weighted
degree inside its community.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

import igraph

from docket.errors import InputError
from docket.governance.gate import PersonData, read_path
from docket.graph.neighbours import MAX_HOPS, Walk, check_kinds, persons, read_edges, walk
from docket.graph.results import Communities, Community, Member
from docket.graph.start import disclose, start

MAX_NODES = 20_000
SEED = 7  # Leiden is randomised: a fixed seed gives the same communities for the same graph
# Modularity at resolution 1 splits a small, tight group whose members also have their own
# families and friends in a neighbourhood of a few hundred people (the resolution limit);
# 0.5 keeps such a group whole (the planted money-mule ring of docs/synth.md).
RESOLUTION = 0.5


def leiden(
    n: int,
    edges: list[tuple[int, int]],
    weights: list[float],
    resolution: float = RESOLUTION,
    iterations: int = -1,
) -> tuple[list[int], float]:
    """Community of each node 0..n-1 (Leiden, modularity objective; `iterations` passes, -1:
    until stable) and the modularity."""
    g = igraph.Graph(n=n, edges=edges)
    rng = random.Random(SEED)
    igraph.set_random_number_generator(rng)
    try:
        parts = g.community_leiden(
            objective_function="modularity",
            weights=weights,
            resolution=resolution,
            n_iterations=iterations,
        )
    finally:
        igraph.set_random_number_generator(random)
    return list(parts.membership), float(g.modularity(parts.membership, weights=weights))


@read_path("graph.communities")
def communities(
    pd: PersonData,
    *,
    around: str | None = None,
    case_subjects: bool = False,
    hops: int = 2,
    kinds: Sequence[str] | None = None,
    resolution: float = RESOLUTION,
    limit: int = 5_000,
) -> Communities:
    """Leiden communities of the people within `hops` of `around`, or of the subjects of the
    handle's case (`case_subjects`), with each member's centrality."""
    if (around is None) == (not case_subjects):
        raise InputError("--around", "name an entity (--around) or ask for the case's subjects")
    if not 1 <= hops <= MAX_HOPS:
        raise InputError("--hops", f"{hops} is out of range", hint=f"use 1 … {MAX_HOPS}")
    if not 0 < resolution <= 10:
        raise InputError("--resolution", f"{resolution} is out of range", hint="use (0, 10]")
    if not 1 <= limit <= MAX_NODES:
        raise InputError("--limit", f"{limit} is out of range", hint=f"use 1 … {MAX_NODES}")
    if around is not None:
        seeds = [start(pd, around, "--around")]
    else:
        seeds = [start(pd, s, "case subject") for s in _subjects(pd)]
        if not seeds:
            raise InputError(
                "--case", f"case {pd.case} has no subjects", hint="link them: `docket case link`"
            )
    asked = check_kinds(kinds)
    w = walk(pd, sorted(set(seeds)), hops=hops, kinds=asked, limit=limit)
    rows = _between(pd, sorted(w.nodes), asked)
    result = _partition(w, rows, set(seeds), resolution)
    members = sorted({m.entity_id for c in result[2] for m in c.members} & persons(w))
    disclose(pd, members)
    pd.result_count = len(members)
    return Communities(
        sorted(set(seeds)), hops, len(w.nodes), result[0], result[1], result[2], w.cut
    )


def _subjects(pd: PersonData) -> list[str]:
    rows = pd.sql(
        "SELECT entity_id FROM case_subjects WHERE case_id = ? ORDER BY entity_id", [pd.case]
    ).fetchall()
    return [r[0] for r in rows]


def _between(pd: PersonData, numbers: list[int], kinds: list[str]) -> list[tuple[Any, ...]]:
    """Edge rows with both ends among the node `numbers`."""
    keep = set(numbers)
    return [r for r in read_edges(pd, numbers, kinds, detail=False) if r[1] in keep]


def _partition(
    w: Walk, rows: list[tuple[Any, ...]], seeds: set[str], resolution: float
) -> tuple[int, float, list[Community]]:
    """(edges, modularity, communities) of the walk's nodes joined by edge `rows`."""
    numbers = sorted(w.nodes, key=lambda n: w.nodes[n].id)
    names = [w.nodes[n].id for n in numbers]
    index = {n: i for i, n in enumerate(numbers)}
    weight: dict[tuple[int, int], float] = {}
    for r in rows:
        a, b = sorted((index[r[0]], index[r[1]]))
        if a != b:
            # each edge is listed under both ends: half of each listing adds up to its weight
            weight[(a, b)] = weight.get((a, b), 0.0) + float(r[6]) / 2
    pairs = sorted(weight)
    ws = [weight[p] for p in pairs]
    membership, modularity = leiden(len(names), pairs, ws, resolution)
    g = igraph.Graph(n=len(names), edges=pairs)
    rank = g.pagerank(weights=ws or None, directed=False)
    inside = [0.0] * len(names)
    for (a, b), x in zip(pairs, ws, strict=True):
        if membership[a] == membership[b]:
            inside[a] += x
            inside[b] += x
    groups: dict[int, list[Member]] = {}
    for i, n in enumerate(names):
        groups.setdefault(membership[i], []).append(
            Member(n, round(rank[i], 6), round(inside[i], 4), n in seeds)
        )
    ordered = sorted(groups.values(), key=lambda ms: (-len(ms), min(m.entity_id for m in ms)))
    out = [
        Community(i + 1, sorted(ms, key=lambda m: (-m.centrality, m.entity_id)))
        for i, ms in enumerate(ordered)
    ]
    return len(pairs), modularity, out
