"""Constrained clustering: strongest links first, no chaining, judgements and IDs respected."""

from __future__ import annotations

import numpy as np

from docket.resolve.cluster import DETERMINISTIC, MODEL, MUST, Edges, cluster


def edges(rows: list[tuple[int, int, float, int]]) -> Edges:
    a = np.array(rows, dtype=np.float64).reshape(-1, 4)
    return Edges(
        a[:, 0].astype(np.int64), a[:, 1].astype(np.int64), a[:, 2], a[:, 3].astype(np.int8)
    )


def clique(nodes: range, weight: float = 15.0) -> list[tuple[int, int, float, int]]:
    return [(i, j, weight, MODEL) for i in nodes for j in nodes if i < j]


def test_one_weak_link_does_not_chain_two_big_clusters() -> None:
    rows = clique(range(0, 5)) + clique(range(5, 10)) + [(4, 5, 7.0, MODEL)]
    result = cluster(10, edges(rows))
    assert len(set(result.labels[:5])) == 1 and len(set(result.labels[5:])) == 1
    assert result.labels[0] != result.labels[9]
    assert result.refused_weak_chain == 1


def test_well_supported_clusters_do_merge() -> None:
    cross = [(i, j, 7.0, MODEL) for i in range(3) for j in range(5, 8)]
    rows = clique(range(0, 5)) + clique(range(5, 10)) + cross
    assert len(set(cluster(10, edges(rows)).labels)) == 1


def test_a_singleton_joins_on_one_link() -> None:
    rows = [*clique(range(0, 5)), (2, 5, 7.0, MODEL)]
    assert len(set(cluster(6, edges(rows)).labels)) == 1


def test_cannot_link_blocks_transitive_merges() -> None:
    # 0-1-2 chain with strong links, but 0 and 2 judged different: 2 stays out
    rows = [(0, 1, 30.0, MODEL), (1, 2, 25.0, MODEL)]
    labels = cluster(3, edges(rows), cannot_link=[(0, 2)]).labels
    assert labels[0] == labels[1] != labels[2]


def test_must_link_merges_what_the_model_would_not() -> None:
    labels = cluster(2, edges([(0, 1, 1000.0, MUST)])).labels
    assert labels[0] == labels[1]


def test_two_valid_ids_never_share_a_cluster_unless_judged_same() -> None:
    ids = np.array([1, 2, -1], dtype=np.int64)
    rows = [(0, 2, 30.0, DETERMINISTIC), (1, 2, 25.0, MODEL)]
    labels = cluster(3, edges(rows), id_code=ids).labels
    assert labels[0] == labels[2] != labels[1]
    assert len(set(cluster(2, edges([(0, 1, 1e3, MUST)]), id_code=ids[:2]).labels)) == 1


def test_labels_do_not_depend_on_edge_order() -> None:
    rng = np.random.default_rng(3)
    n = 300
    rows = [
        (int(a), int(b), float(w), MODEL)
        for a, b, w in zip(
            rng.integers(0, n, 600), rng.integers(0, n, 600), rng.uniform(5, 25, 600), strict=True
        )
        if a != b
    ]
    first = cluster(n, edges(rows)).labels
    perm = rng.permutation(len(rows))
    again = cluster(n, edges([rows[i] for i in perm])).labels
    assert np.array_equal(first, again)


def test_whole_components_are_what_the_greedy_pass_gives() -> None:
    """Components labelled at once (no refusal possible) agree with the greedy pass over
    every edge, on random graphs with IDs, judgements and weak links."""
    from docket.resolve.cluster import _greedy

    rng = np.random.default_rng(11)
    for _ in range(30):
        n = int(rng.integers(2, 120))
        m = int(rng.integers(1, 2 * n))
        left, right = rng.integers(0, n, m), rng.integers(0, n, m)
        ok = left != right
        kinds = rng.choice([MUST, DETERMINISTIC, MODEL, MODEL, MODEL], m)[ok].astype(np.int8)
        g = Edges(left[ok], right[ok], rng.uniform(4, 30, m)[ok], kinds)
        ids = np.where(rng.random(n) < 0.15, rng.integers(0, 4, n), -1).astype(np.int64)
        cannot = [(int(a), int(b)) for a, b in rng.integers(0, n, (int(rng.integers(0, 3)), 2))]
        fast = cluster(n, g, cannot_link=cannot, id_code=ids)
        labels, refused = _greedy(n, g, np.arange(n, dtype=np.int64), cannot, ids)
        assert np.array_equal(fast.labels, labels)
        assert [fast.refused_cannot_link, fast.refused_id_conflict, fast.refused_weak_chain] == (
            refused
        )
