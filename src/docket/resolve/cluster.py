"""Constrained, deterministic clustering of the link graph.

Edges are merged greedily, strongest first — analyst `same` judgements, then
deterministic links, then model links in descending match weight, ties broken by
node number — with a union-find that refuses a merge when:

* an analyst judged any mention of one side `different` from any of the other
  (cannot-link; this also blocks transitive merges);
* the two sides carry different valid resident-ID numbers (a GB 11643 checksum
  catches every single typo and transposition, so two valid numbers are two people);
* the link is a model link below `STRONG_WEIGHT`, both sides already hold at least
  `GUARDED_SIZE` profiles, and fewer than `support_needed` above-threshold links
  cross between them — one weak link cannot chain two established clusters.

Most of the graph cannot meet any refusal: a connected component with no judged
mention, at most one valid ID number, and either fewer than 2 * GUARDED_SIZE nodes or
no weak model link between what the stronger links join (weak links come last) merges
whole whatever the order. Those components are found in
numpy (label propagation) and labelled at once; the greedy union-find, a tight Python
loop, runs only over the edges of the rest.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

MUST, DETERMINISTIC, MODEL = 0, 1, 2
STRONG_WEIGHT = 20.0
GUARDED_SIZE = 3
SUPPORT_SHARE = 0.25


def support_needed(size_a: int, size_b: int) -> int:
    """Crossing links needed to merge two guarded clusters with a weak link."""
    return max(2, math.ceil(SUPPORT_SHARE * min(size_a, size_b)))


@dataclass
class Edges:
    """Link graph over nodes 0..n-1."""

    left: npt.NDArray[np.int64]
    right: npt.NDArray[np.int64]
    weight: npt.NDArray[np.float64]
    kind: npt.NDArray[np.int8]


Labels = npt.NDArray[np.int64]


@dataclass(frozen=True)
class ClusterResult:
    labels: Labels  # smallest node number of each node's cluster
    refused_cannot_link: int
    refused_id_conflict: int
    refused_weak_chain: int


def components(n: int, left: npt.NDArray[np.int64], right: npt.NDArray[np.int64]) -> Labels:
    """Connected components of the graph: each node labelled by its component's smallest node."""
    labels = np.arange(n, dtype=np.int64)
    while True:
        low = np.minimum(labels[left], labels[right])
        new = labels.copy()
        np.minimum.at(new, labels[left], low)
        np.minimum.at(new, labels[right], low)
        while True:  # point every node at its label's label until nothing moves
            jumped = new[new]
            if np.array_equal(jumped, new):
                break
            new = jumped
        if np.array_equal(new, labels):
            return labels
        labels = new


def cluster(
    n: int,
    edges: Edges,
    cannot_link: Iterable[tuple[int, int]] = (),
    id_code: npt.NDArray[np.int64] | None = None,
) -> ClusterResult:
    """Cluster n nodes; `id_code[i]` numbers node i's valid resident ID (-1: none)."""
    cannot = list(cannot_link)
    comp = components(n, edges.left, edges.right)
    risky = np.zeros(n, dtype=bool)  # by component label
    if cannot:
        risky[comp[np.asarray(cannot, dtype=np.int64).ravel()]] = True
    if id_code is not None:
        has = id_code >= 0
        pairs = np.unique(np.stack([comp[has], id_code[has]]), axis=1)
        labels_with_ids, count = np.unique(pairs[0], return_counts=True)
        risky[labels_with_ids[count > 1]] = True
    # weak links come last; one inside what the other links already join is a no-op
    weak = (edges.kind == MODEL) & (edges.weight < STRONG_WEIGHT)
    strong = components(n, edges.left[~weak], edges.right[~weak])
    weak &= strong[edges.left] != strong[edges.right]
    size = np.bincount(comp, minlength=n)
    weak_comp = comp[edges.left[weak]]
    risky[weak_comp[size[weak_comp] >= 2 * GUARDED_SIZE]] = True
    keep = risky[comp[edges.left]]
    sub = Edges(edges.left[keep], edges.right[keep], edges.weight[keep], edges.kind[keep])
    nodes = np.flatnonzero(risky[comp])
    labels, refused = _greedy(n, sub, nodes, cannot, id_code)
    out = comp.copy()
    out[nodes] = labels
    return ClusterResult(out, refused[0], refused[1], refused[2])


def _greedy(
    n: int,
    edges: Edges,
    nodes: npt.NDArray[np.int64],
    cannot_link: list[tuple[int, int]],
    id_code: npt.NDArray[np.int64] | None,
) -> tuple[Labels, list[int]]:
    """The greedy constrained union-find over `edges`; labels of `nodes` (the nodes those
    edges touch, and any others) and the refusals [cannot-link, ID conflict, weak chain]."""
    order = np.lexsort((edges.right, edges.left, -edges.weight, edges.kind))
    lefts = edges.left[order].tolist()
    rights = edges.right[order].tolist()
    weights = edges.weight[order].tolist()
    kinds = edges.kind[order].tolist()

    # adjacency (CSR) over all edges, for counting links that cross two clusters
    both_l = np.concatenate([edges.left, edges.right])
    both_r = np.concatenate([edges.right, edges.left])
    by_node = np.argsort(both_l, kind="stable")
    neighbours = both_r[by_node].tolist()
    starts = np.searchsorted(both_l[by_node], np.arange(n + 1)).tolist()

    parent = list(range(n))
    size = [1] * n
    members: dict[int, list[int]] = {}
    ids: dict[int, set[int]] = {}
    if id_code is not None:
        with_id = nodes[id_code[nodes] >= 0]
        for node, code in zip(with_id.tolist(), id_code[with_id].tolist(), strict=True):
            ids[node] = {code}
    forbid: dict[int, set[int]] = {}
    for a, b in cannot_link:
        forbid.setdefault(a, set()).add(b)
        forbid.setdefault(b, set()).add(a)

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def forbidden(ra: int, rb: int) -> bool:
        fa, fb = forbid.get(ra), forbid.get(rb)
        if not fa or not fb:
            return False
        small, other = (fa, rb) if len(fa) <= len(fb) else (fb, ra)
        return any(find(p) == other for p in small)

    def crossing(ra: int, rb: int) -> int:
        small, other = (ra, rb) if size[ra] <= size[rb] else (rb, ra)
        count = 0
        for node in members.get(small, [small]):
            for k in range(starts[node], starts[node + 1]):
                if find(neighbours[k]) == other:
                    count += 1
        return count

    refused = [0, 0, 0]
    for u, v, w, kind in zip(lefts, rights, weights, kinds, strict=True):
        ru, rv = find(u), find(v)
        if ru == rv:
            continue
        if forbidden(ru, rv):
            refused[0] += 1
            continue
        if kind != MUST:
            iu, iv = ids.get(ru), ids.get(rv)
            if iu and iv and iu != iv:
                refused[1] += 1
                continue
            if (
                kind == MODEL
                and w < STRONG_WEIGHT
                and size[ru] >= GUARDED_SIZE
                and size[rv] >= GUARDED_SIZE
                and crossing(ru, rv) < support_needed(size[ru], size[rv])
            ):
                refused[2] += 1
                continue
        # union: the larger root absorbs the smaller (ties: the smaller node number)
        if size[ru] < size[rv] or (size[ru] == size[rv] and rv < ru):
            ru, rv = rv, ru
        parent[rv] = ru
        size[ru] += size[rv]
        members.setdefault(ru, [ru]).extend(members.pop(rv, [rv]))
        if rv in ids:
            ids.setdefault(ru, set()).update(ids.pop(rv))
        if rv in forbid:
            forbid.setdefault(ru, set()).update(forbid.pop(rv))

    roots = np.fromiter((find(i) for i in nodes.tolist()), dtype=np.int64, count=len(nodes))
    # label each node by the smallest node of its cluster: independent of merge order
    smallest = np.full(n, n, dtype=np.int64)
    np.minimum.at(smallest, roots, nodes)
    return smallest[roots], refused
