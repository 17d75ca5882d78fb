"""The relationship graph at a million people: build, query latency, Leiden; peers in the same run.

Docket: `build_graph` on a copy of a resolved store, then its read paths (2-hop neighbours,
shortest path, trajectory, co-location) over a few hundred random people, inside one
person-data block (the gate's own cost is measured by bench_governance). Peers, loaded
with the same person–person edges, whereabouts and co-location spots: the embedded graph
database ladybug (the maintained fork of Kuzu), asked the same questions in Cypher, and
in-memory igraph (its load time reported). Leiden (igraph, modularity) on the whole
person–person graph: time and memory.

    .venv/bin/python -m bench.run graph
    .venv/bin/python -m bench.bench_graph --store /work/bench-data/home-1m/docket.duckdb
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil

from bench._docs import machine, write_section

SECTION = "## Graph"
DEFAULT_STORE = Path("/work/bench-data/home-1m/docket.duckdb")
PASSWORD = "bench-graph-password"
MEMORY_LIMIT = "8GB"  # the store's share of a shared 24 GiB machine; DuckDB spills beyond it
GOALS = {"2-hop neighbours": 50.0, "shortest path": 200.0, "co-location": 100.0}


class PeakRss:
    """The largest RSS of this process while the block runs, sampled every 50 ms."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._proc = psutil.Process()

    def __enter__(self) -> PeakRss:
        self.base = self._proc.memory_info().rss
        self.peak = self.base
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(0.05):
            self.peak = max(self.peak, self._proc.memory_info().rss)

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


@dataclass
class Latency:
    times_ms: list[float] = field(default_factory=list)

    def add(self, fn: Callable[[], Any]) -> Any:
        t0 = time.perf_counter()
        out = fn()
        self.times_ms.append((time.perf_counter() - t0) * 1000)
        return out

    @property
    def p50(self) -> float:
        return statistics.median(self.times_ms)

    @property
    def p95(self) -> float:
        xs = sorted(self.times_ms)
        return xs[min(len(xs) - 1, round(0.95 * (len(xs) - 1)))]


def _prepare(
    store: Path, work: Path, admin: tuple[str, str], rebuild: bool
) -> tuple[Any, dict[str, Any], dict[str, str]]:
    """A private copy of the store with its graph built, an analyst and an approved case:
    (connection, build figures, analyst's token and case)."""
    from docket.governance import gate
    from docket.governance.auth import open_session
    from docket.governance.roles import ADMIN
    from docket.graph import build_graph
    from docket.session import Docket
    from docket.store import connect

    db = work / "docket.duckdb"
    build: dict[str, Any] = {}
    if rebuild or not db.exists():
        work.mkdir(parents=True, exist_ok=True)
        work.chmod(0o700)
        for p in (db, Path(f"{db}.wal")):
            p.unlink(missing_ok=True)
        shutil.copy(store, db)
        db.chmod(0o600)
    with Docket(work) as d, d.session(user=admin[0], password=admin[1]) as adm:
        if "bench-ana" not in {u.name for u in adm.users.list()}:
            adm.users.add("bench-ana", "analyst", PASSWORD)
            adm.users.add("bench-sup", "supervisor", PASSWORD)
    con = connect(db)
    con.execute("SET enable_progress_bar = false")
    con.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
    if rebuild:
        token = open_session(con, admin[0], admin[1])[1]
        load = os.getloadavg()[0]
        with (
            PeakRss() as rss,
            gate.operation(con, token=token, action="graph.build", roles=[ADMIN]) as op,
        ):
            summary = build_graph(op)
        build = {"summary": summary, "peak_gib": rss.peak / 2**30, "load": load}
    found = con.execute(
        "SELECT case_id FROM cases WHERE opened_by = 'bench-ana' LIMIT 1"
    ).fetchall()
    if found:
        case = found[0][0]
    else:
        con.close()
        with Docket(work) as d:
            with d.session(user="bench-ana", password=PASSWORD) as ana:
                case = ana.cases.open("bench", "fraud", "B-1")
            with d.session(user="bench-sup", password=PASSWORD) as sup:
                sup.cases.approve(case)
        con = connect(db)
        con.execute("SET enable_progress_bar = false")
    reader = {"token": open_session(con, "bench-ana", PASSWORD)[1], "case": case}
    return con, build, reader


def _export(con: Any, work: Path, kinds: list[str]) -> dict[str, Path]:
    """The same data as CSV files for the peers (person–person edges once each)."""
    kind_list = ", ".join("'" + k.replace("'", "''") + "'" for k in kinds)
    files = {n: work / f"peer_{n}.csv" for n in ("people", "ties", "places", "was_at", "spots",
                                                   "at")}  # fmt: skip
    queries = {
        "people": "SELECT node AS id FROM graph_nodes WHERE kind = 'Person'",
        "ties": "SELECT node AS src, other AS dst, kind, weight, count, first_at, last_at, "
        "'[' || array_to_string(event_ids, ',') || ']' AS event_ids FROM graph_edges "
        f"WHERE node_kind = 'Person' AND other_kind = 'Person' AND kind IN ({kind_list}) "
        "AND (direction = 'out' OR (direction = 'both' AND node < other))",
        "places": "SELECT DISTINCT place_id AS id FROM graph_whereabouts",
        "was_at": "SELECT entity_id AS src, place_id AS dst, start_at, end_at, event_id, role "
        "FROM graph_whereabouts",
        "spots": "SELECT DISTINCT spot AS id FROM graph_spots",
        "at": "SELECT entity_id AS src, spot AS dst, start_at, "
        "coalesce(end_at, start_at) AS end_at, event_id, test FROM graph_spots",
    }
    for name, q in queries.items():
        con.execute(f"COPY ({q}) TO '{files[name]}' (HEADER, DELIMITER '|')")
    return files


def _ladybug(work: Path, files: dict[str, Path]) -> tuple[Any, float]:
    import ladybug as kuzu

    path = work / "peer.lbug"
    shutil.rmtree(path, ignore_errors=True)
    path.unlink(missing_ok=True)
    t0 = time.perf_counter()
    conn = kuzu.Connection(kuzu.Database(str(path)))
    for ddl in (
        "CREATE NODE TABLE Person(id STRING, PRIMARY KEY(id))",
        "CREATE NODE TABLE Place(id STRING, PRIMARY KEY(id))",
        "CREATE NODE TABLE Spot(id STRING, PRIMARY KEY(id))",
        "CREATE REL TABLE Tie(FROM Person TO Person, kind STRING, weight DOUBLE, count INT64, "
        "first_at TIMESTAMP, last_at TIMESTAMP, event_ids STRING[])",
        "CREATE REL TABLE WasAt(FROM Person TO Place, start_at TIMESTAMP, end_at TIMESTAMP, "
        "event_id STRING, role STRING)",
        "CREATE REL TABLE AtSpot(FROM Person TO Spot, start_at TIMESTAMP, end_at TIMESTAMP, "
        "event_id STRING, test STRING)",
    ):
        conn.execute(ddl)
    for table, name in (("Person", "people"), ("Place", "places"), ("Spot", "spots"),
                        ("Tie", "ties"), ("WasAt", "was_at"), ("AtSpot", "at")):  # fmt: skip
        conn.execute(f"COPY {table} FROM '{files[name]}' (header=true, delim='|')")
    return conn, time.perf_counter() - t0


_LB_HOP = (
    "MATCH (a:Person)-[r:Tie]-(b:Person) WHERE a.id IN $ids AND r.kind IN $kinds "
    "RETURN a.id, b.id, r.kind, r.weight, r.count, r.first_at, r.last_at, r.event_ids"
)
_LB_PATH = (
    "MATCH (a:Person {id: $a})-[e:Tie* SHORTEST 1..6]-(b:Person {id: $b}) "
    "RETURN properties(nodes(e), 'id'), properties(rels(e), 'kind'), "
    "properties(rels(e), 'event_ids')"
)
_LB_TRAJ = (
    "MATCH (a:Person {id: $id})-[w:WasAt]->(p:Place) "
    "RETURN w.start_at, w.end_at, p.id, w.event_id, w.role ORDER BY w.start_at, w.event_id"
)
_LB_COLOC = (
    "MATCH (a:Person {id: $id})-[m:AtSpot]->(s:Spot)<-[o:AtSpot]-(b:Person) WHERE b.id <> $id "
    "AND o.event_id <> m.event_id "
    "AND CASE m.test WHEN 'window' THEN o.start_at - m.start_at <= interval('30 minutes') "
    "AND m.start_at - o.start_at <= interval('30 minutes') "
    "WHEN 'overlap' THEN o.start_at < m.end_at AND m.start_at < o.end_at ELSE true END "
    "RETURN b.id, s.id, m.event_id, o.event_id, m.start_at, o.start_at"
)


def _lb_two_hops(conn: Any, who: str, kinds: list[str]) -> int:
    first = conn.execute(_LB_HOP, {"ids": [who], "kinds": kinds}).get_all()
    frontier = sorted({r[1] for r in first} - {who})
    second = conn.execute(_LB_HOP, {"ids": frontier, "kinds": kinds}).get_all()
    return len(first) + len(second)


def _pairs(
    g: Any, names: list[str], sample: list[str], rng: random.Random
) -> list[tuple[str, str]]:
    """For each sampled person, a partner 2 to 4 hops away (how far suspects usually are)."""
    index = {n: i for i, n in enumerate(names)}
    out = []
    for a in sample:
        layers = g.neighborhood(index[a], order=4, mindist=2)
        if layers:
            out.append((a, names[rng.choice(layers)]))
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--store", type=Path, default=DEFAULT_STORE,
                        help="a resolved store (copied, never written)")  # fmt: skip
    parser.add_argument("--work", type=Path, default=Path("/tmp/docket-bench-graph"))
    parser.add_argument("--admin", default="admin", help="an admin of the store")
    parser.add_argument(
        "--admin-password-env",
        default="DOCKET_BENCH_ADMIN_PASSWORD",
        help="variable holding the admin's password (default bench-admin-pass)",
    )
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--reuse", action="store_true", help="reuse the built copy in --work")
    parser.add_argument("--no-leiden", action="store_true")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    if not args.store.exists():
        print(f"no store at {args.store}: build one (docket synth, ingest, resolve) first")
        return

    import igraph

    from docket.governance.gate import person_data
    from docket.graph.movement import colocate, trajectory
    from docket.graph.neighbours import neighbours, person_kinds
    from docket.graph.paths import paths

    load_before = os.getloadavg()[0]
    admin = (args.admin, os.environ.get(args.admin_password_env, "bench-admin-pass"))
    con, build, reader = _prepare(args.store, args.work, admin, rebuild=not args.reuse)
    kinds = person_kinds()
    rng = random.Random(7)

    t0 = time.perf_counter()
    ties = con.execute(
        "SELECT node, other, weight FROM graph_edges WHERE node_kind = 'Person' "
        "AND other_kind = 'Person' AND kind IN (SELECT unnest(?::VARCHAR[])) "
        "AND (direction = 'out' OR (direction = 'both' AND node < other))",
        [kinds],
    ).fetchnumpy()
    names = sorted(set(ties["node"].tolist()) | set(ties["other"].tolist()))
    index = {n: i for i, n in enumerate(names)}
    with PeakRss() as graph_rss:
        g = igraph.Graph(
            n=len(names),
            edges=list(
                zip(
                    map(index.__getitem__, ties["node"]),
                    map(index.__getitem__, ties["other"]),
                    strict=True,
                )
            ),
        )
    igraph_load = time.perf_counter() - t0
    sample = rng.sample(names, args.samples)
    pairs = _pairs(g, names, sample, rng)

    docket = {k: Latency() for k in ("2-hop neighbours", "shortest path", "trajectory",
                                      "co-location")}  # fmt: skip
    with person_data(
        con, token=reader["token"], action="bench.graph", case=reader["case"], why="benchmark"
    ) as pd:
        for who in sample:
            docket["2-hop neighbours"].add(lambda w=who: neighbours(pd, w, hops=2, limit=10_000))
            docket["trajectory"].add(lambda w=who: trajectory(pd, w))
            docket["co-location"].add(lambda w=who: colocate(pd, w))
        for a, b in pairs:
            docket["shortest path"].add(lambda a=a, b=b: paths(pd, a, b, k=1))
        pd.result_count = 0

    files = _export(con, args.work, kinds)
    lb, lb_load = _ladybug(args.work, files)
    peer = {k: Latency() for k in docket}
    for who in sample:
        peer["2-hop neighbours"].add(lambda w=who: _lb_two_hops(lb, w, kinds))
        peer["trajectory"].add(lambda w=who: lb.execute(_LB_TRAJ, {"id": w}).get_all())
        peer["co-location"].add(lambda w=who: lb.execute(_LB_COLOC, {"id": w}).get_all())
    for a, b in pairs:
        peer["shortest path"].add(lambda a=a, b=b: lb.execute(_LB_PATH, {"a": a, "b": b}).get_all())

    mem = {k: Latency() for k in ("2-hop neighbours", "shortest path")}
    for who in sample:
        mem["2-hop neighbours"].add(lambda w=who: g.neighborhood(index[w], order=2))
    for a, b in pairs:
        mem["shortest path"].add(lambda a=a, b=b: g.get_shortest_path(index[a], index[b]))

    leiden: dict[str, float] = {}
    if not args.no_leiden:
        from docket.graph.communities import leiden as run_leiden

        pairs_idx = [tuple(e) for e in g.get_edgelist()]
        weights = ties["weight"].tolist()
        with PeakRss() as rss:
            t0 = time.perf_counter()
            membership, modularity = run_leiden(len(names), pairs_idx, weights, iterations=2)
            leiden = {"seconds": time.perf_counter() - t0, "peak_gib": rss.peak / 2**30,
                      "rise_gib": (rss.peak - rss.base) / 2**30,
                      "communities": len(set(membership)), "modularity": modularity}  # fmt: skip
    con.close()
    text = _report(args, build, docket, peer, mem, leiden, len(names), g.ecount(), igraph_load,
                   graph_rss, lb_load, len(pairs), load_before)  # fmt: skip
    print(text)
    if not args.no_write:
        write_section(SECTION, text)


def _report(args: Any, build: dict[str, Any], docket: dict[str, Latency],
            peer: dict[str, Latency], mem: dict[str, Latency], leiden: dict[str, float],
            nodes: int, edges: int, igraph_load: float, graph_rss: PeakRss, lb_load: float,
            n_pairs: int, load_before: float) -> str:  # fmt: skip
    lines = [
        SECTION,
        "",
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC · {machine()} · load average "
        f"{load_before:.1f} before, {os.getloadavg()[0]:.1f} after (shared machine) · "
        f"`.venv/bin/python -m bench.run graph` (store: `{args.store}`, copied)",
        "",
    ]
    if build:
        s = build["summary"]
        lines += [
            f"**Build** (`build_graph`, a rebuild as `docket resolve` ends): {s.seconds:.0f} s, "
            f"peak RSS {build['peak_gib']:.1f} GiB; {s.whereabouts:,} whereabouts, "
            f"{s.spots:,} co-location spots.",
            "",
            "| edge kind | edges |",
            "|---|---:|",
            *[f"| {k} | {n:,} |" for k, n in s.edges.items()],
            f"| **all** | {s.total_edges:,} |",
            "",
        ]
    lines += [
        f"**Queries**, {len(docket['trajectory'].times_ms)} random people with a person–person "
        f"edge ({n_pairs} pairs for paths: each person and someone 2 to 4 hops away); "
        "milliseconds. Docket runs its read paths (`docket.graph`) inside one person-data "
        "block; ladybug 0.22.0 runs the same questions in Cypher on the same edges, "
        f"whereabouts and spots (loaded from CSV in {lb_load:.0f} s); igraph answers from "
        f"memory ({nodes:,} nodes, {edges:,} edges loaded in {igraph_load:.1f} s, "
        f"{(graph_rss.peak - graph_rss.base) / 2**30:.1f} GiB), node sets only.",
        "",
        "| query | Docket p50 | Docket p95 | ladybug p50 | ladybug p95 | igraph p50 | igraph p95 "
        "| goal (p95) | Docket / ladybug (p95) |",
        "|---|---:|---:|---:|---:|---:|---:|---|---:|",
    ]
    for k, lat in docket.items():
        m = mem.get(k)
        goal = GOALS.get(k)
        met = "" if goal is None else (
            f"≤ {goal:.0f} ms: {'met' if lat.p95 <= goal else '**not met**'}")  # fmt: skip
        lines.append(
            f"| {k} | {lat.p50:.1f} | {lat.p95:.1f} | {peer[k].p50:.1f} | {peer[k].p95:.1f} | "
            f"{'' if m is None else f'{m.p50:.2f}'} | {'' if m is None else f'{m.p95:.2f}'} | "
            f"{met} | {lat.p95 / peer[k].p95:.2f}x |"
        )
    if leiden:
        lines += [
            "",
            f"**Leiden** on the whole person–person graph ({nodes:,} nodes, {edges:,} edges, "
            "weighted; igraph `community_leiden`, modularity, resolution 0.5, 2 iterations): "
            f"{leiden['seconds']:.0f} s, peak RSS {leiden['peak_gib']:.1f} GiB (+"
            f"{leiden['rise_gib']:.1f} GiB while it ran), {int(leiden['communities']):,} "
            f"communities, modularity {leiden['modularity']:.3f}.",
        ]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
