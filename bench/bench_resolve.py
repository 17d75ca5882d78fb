"""Entity resolution: Docket's `resolve` against Splink alone, on the same mention table.

    .venv/bin/python -m bench.bench_resolve                      # 100,000 and 1,000,000 people
    .venv/bin/python -m bench.bench_resolve --people 100000      # one size

For each size: the synthetic world (docket.synth, seed 7) is generated into
bench/out/world-<N>/ and ingested into bench/out/world-<N>/docket.duckdb, both
reused when present. Then, each in its own process so that peak memory does not
mix: Docket's resolve training its model (`retrain=True`), Docket's resolve
reusing the stored model, and the baseline — Splink alone, configured as its
tutorials configure it (bench.splink_baseline) — reading the same mentions
through the person-data gate. Accuracy is scored against truth/mentions.csv
(docket.resolve.evaluate). Results go to bench/out/resolve-<N>.json and the
`## Entity resolution` section of docs/benchmarks.md (rebuilt from every result
file present, so a long 1M run can finish later and still land next to the 100k).

`--world latin` runs the same on the English person list of docket.synth.latin
(mapping bench/mappings/english_people.yaml) instead of the synthetic province.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import resource
import subprocess
import sys
import time
import warnings
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import duckdb
import psutil

from bench._store import BENCH_PASSWORD, operating, reading

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
DOCS = ROOT / "docs" / "benchmarks.md"
SECTION = "## Entity resolution"
SEED = 7
WORLDS = ("synth", "latin")  # the synthetic province; the English person list
LATIN_MAPPING = HERE / "mappings" / "english_people.yaml"
LATIN_NOTE = (
    " The English person list (`docket.synth.latin`, mapping `bench/mappings/english_people.yaml`,"
    " `--world latin`) draws from ~190 first names and ~1,000 surnames, so at this size"
    " same-name strangers are far commoner than in a real register: a hard test of precision."
)
SIZES = (100_000, 1_000_000)
RUNS = ("docket-train", "docket-reuse", "baseline")
LABELS = {
    "docket-train": "Docket (training)",
    "docket-reuse": "Docket (stored model)",
    "baseline": "Splink alone",
}
DUCKDB_MEMORY_GIB = 8  # memory_limit of the connections a run opens (the 8 GB budget)
BENCH_WHY = "benchmark of entity resolution on synthetic data"


def _say(msg: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}] {msg}", flush=True)


def _peak_rss() -> int:
    """Peak resident memory of this process, in bytes (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


# ---- preparing a world and its store (parent process) ---------------------------------


def _generate(kind: str, world: Path, n: int) -> None:
    if kind == "synth":
        from docket.synth import generate

        generate(world, people=n, seed=SEED, start=date(2026, 1, 1), days=90)
        return
    from docket.synth.latin import generate_people_csv

    (world / "truth").mkdir(parents=True, exist_ok=True)
    truth = generate_people_csv(world / "sources" / "english_people.csv", n, SEED)
    truth.replace(world / "truth" / "mentions.csv")


def prepare(kind: str, n: int, out: Path) -> dict[str, Any]:
    """Generate and ingest the world of `n` people unless already done; return what it took."""
    from docket.sources.ingest import ingest_file, mappings_for, plan_files
    from docket.sources.mapping import load_mapping
    from docket.store import connect

    world = out / (f"world-{n}" if kind == "synth" else f"{kind}-{n}")
    store = world / "docket.duckdb"
    info: dict[str, Any] = {"world": str(world), "store": str(store)}
    if not (world / "truth" / "mentions.csv").is_file():
        _say(f"generating the {kind} world of {n:,} people into {world}")
        t0 = time.perf_counter()
        _generate(kind, world, n)
        info["generate_seconds"] = round(time.perf_counter() - t0, 1)
    mappings = mappings_for() if kind == "synth" else [load_mapping(LATIN_MAPPING)]
    con = connect(store)
    try:
        plan = plan_files([world / "sources"], mappings)
        if kind == "synth":  # resolve reads person mentions only: skip calls, transfers, sightings
            from docket.synth import PERSON_SOURCES

            plan.matched = [(p, m) for p, m in plan.matched if m.name in PERSON_SOURCES]
        t0 = time.perf_counter()
        loaded = 0
        for path, mapping in plan.matched:
            with operating(con, "ingest") as op:
                r = ingest_file(op, path, mapping)
            if r.status == "loaded":
                loaded += 1
                _say(f"ingested {path.name}: {r.rows_stored:,} rows in {r.seconds:.1f} s")
        if loaded:
            info["ingest_seconds"] = round(time.perf_counter() - t0, 1)
        info["mentions"] = int(con.execute("SELECT count(*) FROM mentions").fetchall()[0][0])
        info["case"] = _bench_case(con)
    finally:
        con.close()
    return info


def _bench_case(con: duckdb.DuckDBPyConnection) -> str:
    """The bench's analyst and open case (created once per store), for reads through the gate."""
    from docket.governance import cases, users

    if users.role_of(con, "bench-analyst") is None:
        with operating(con, "user.add") as op:
            users.add(op, "bench-analyst", "analyst", BENCH_PASSWORD)
            users.add(op, "bench-supervisor", "supervisor", BENCH_PASSWORD)
        with operating(con, "case.open", user="bench-analyst") as op:
            case = cases.open_case(
                op, "Resolve benchmark", "criminal-investigation", "BENCH (synthetic data)"
            )
        with operating(con, "case.approve", user="bench-supervisor") as op:
            cases.approve(op, case)
    row = con.execute(
        "SELECT case_id FROM case_members WHERE user_name = 'bench-analyst' ORDER BY 1 LIMIT 1"
    ).fetchall()
    return str(row[0][0])


# ---- the runs, each in a child process -------------------------------------------------


def _limit_memory(con: duckdb.DuckDBPyConnection, store: Path) -> None:
    """The same DuckDB memory limit for every run, spilling to disk beyond it."""
    spill = store.parent / "spill"
    spill.mkdir(exist_ok=True)
    con.execute(f"SET memory_limit = '{DUCKDB_MEMORY_GIB}GB'")
    con.execute(f"SET temp_directory = '{spill}'")


def _child(kind: str, store: Path, result: Path) -> int:
    """Run one resolution in this (fresh) process and write its figures to `result`."""
    from docket.store import connect

    out: dict[str, Any] = {"kind": kind}
    if kind.startswith("docket"):
        from docket.resolve.pipeline import resolve

        con = connect(store)
        _limit_memory(con, store)
        t0 = time.perf_counter()
        with operating(con, "resolve") as op:
            s = resolve(op, retrain=kind == "docket-train", progress=True)
        out["wall_seconds"] = time.perf_counter() - t0
        con.close()
        out.update(
            stage_seconds=s.stage_seconds,
            comparisons=s.comparisons,
            mentions=s.mentions,
            profiles=s.profiles,
            entities=s.entities,
            model_version=s.model_version,
            trained=s.trained,
        )
    else:
        from bench.splink_baseline import run_baseline

        con = connect(store)
        t0 = time.perf_counter()
        with reading(
            con, "bench.baseline", user="bench-analyst", case=os.environ["DOCKET_CASE"],
            why=BENCH_WHY,
        ) as pd:  # fmt: skip
            with warnings.catch_warnings():  # the gate hands out a cursor: one copy, expected
                warnings.simplefilter("ignore", UserWarning)
                table = pd.sql("SELECT * FROM mentions").to_arrow_table()
            pd.result_count = table.num_rows
        con.close()
        mem = duckdb.connect()  # Splink's tutorials work in an in-memory DuckDB
        _limit_memory(mem, store)
        mem.register("store_mentions", table)
        mem.execute("CREATE TABLE mentions AS SELECT * FROM store_mentions")
        mem.unregister("store_mentions")
        del table
        out["load_seconds"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        r = run_baseline(mem, on_stage=lambda st: _say(f"baseline: {st}"))
        out["wall_seconds"] = time.perf_counter() - t0
        for name in ("baseline_clusters", "baseline_pairs"):
            target = store.parent / f"{name}.parquet"
            mem.execute(f"COPY (SELECT * FROM {name}) TO '{target}' (FORMAT parquet)")
        mem.close()
        out.update(
            stage_seconds=r.seconds,
            comparisons=r.comparisons,
            mentions=r.mentions,
            entities=r.clusters,
            columns=r.columns,
            blocking_rules=r.blocking_rules,
            dropped_blocking_rules=r.extra.get("dropped_blocking_rules", {}),
            em_sampled_rules=r.extra.get("em_sampled_rules", []),
        )
    out["peak_rss"] = _peak_rss()
    result.write_text(json.dumps(out, indent=1), encoding="utf-8")
    return 0


def _spawn(kind: str, store: Path, result: Path, case: str, max_rss: float) -> dict[str, Any]:
    """Run one child; sample its RSS and kill it above `max_rss` bytes (a shared machine).

    A child that fails or is killed yields {"failed": reason, "wall_seconds", "peak_rss"}.
    """
    env = dict(os.environ)
    env.update(DOCKET_CASE=case)
    cmd = [sys.executable, "-m", "bench.bench_resolve", "--child", kind]
    cmd += ["--store", str(store), "--result", str(result)]
    _say(f"{LABELS[kind]}: starting")
    result.unlink(missing_ok=True)
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env)
    ps, peak, killed = psutil.Process(proc.pid), 0, False
    while proc.poll() is None:
        with contextlib.suppress(psutil.Error):
            peak = max(peak, ps.memory_info().rss)
        if peak > max_rss and not killed:
            _say(f"{LABELS[kind]}: {peak / 2**30:.1f} GiB RSS is over the limit; stopping it")
            proc.kill()
            killed = True
        time.sleep(0.5)
    wall = time.perf_counter() - t0
    if proc.returncode != 0 or not result.exists():
        reason = (
            f"stopped at {peak / 2**30:.1f} GiB RSS (limit {max_rss / 2**30:.1f} GiB)"
            if killed
            else f"exited with status {proc.returncode}"
        )
        _say(f"{LABELS[kind]}: did not complete: {reason} after {wall:.0f} s")
        return {"kind": kind, "failed": reason, "wall_seconds": wall, "peak_rss": peak}
    data: dict[str, Any] = json.loads(result.read_text(encoding="utf-8"))
    data["peak_rss"] = max(data["peak_rss"], peak)
    _say(f"{LABELS[kind]}: {data['wall_seconds']:.1f} s, peak {data['peak_rss'] / 2**30:.2f} GiB")
    return data


def _accuracy(kind: str, store: Path, truth: Path) -> dict[str, Any]:
    """Score the resolution a run left behind against the truth."""
    from docket.resolve.evaluate import evaluate, load_truth

    mem = duckdb.connect()
    try:
        load_truth(mem, truth)
        if kind == "baseline":
            d = store.parent
            acc = evaluate(
                mem,
                mem.sql(f"SELECT * FROM '{d / 'baseline_clusters.parquet'}'"),
                "truth_mentions",
                pairs=mem.sql(f"SELECT * FROM '{d / 'baseline_pairs.parquet'}'"),
            )
        else:
            mem.execute(f"ATTACH '{store}' AS s (READ_ONLY)")
            acc = evaluate(
                mem,
                mem.sql("SELECT mention_id, entity_id AS cluster_id FROM s.entity_mentions"),
                "truth_mentions",
                pairs="s.resolve_pairs",
                groups=mem.sql("SELECT mention_id, node AS group_id FROM s.resolve_profiles"),
                left="node_l",
                right="node_r",
            )
    finally:
        mem.close()
    return acc.as_dict()


def run_size(kind: str, n: int, out: Path, runs: tuple[str, ...], max_rss: float) -> dict[str, Any]:
    """Every run at one size; returns (and saves) the figures."""
    info = prepare(kind, n, out)
    store, truth = Path(info["store"]), Path(info["world"]) / "truth" / "mentions.csv"
    result: dict[str, Any] = {
        "world": kind,
        "people": n,
        "date": f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "machine": machine(),
        "prepare": info,
        "runs": {},
    }
    stem = f"resolve-{kind}-{n}"
    path = out / f"{stem}.json"
    if path.exists():  # a partial re-run (--runs …) keeps the other runs' figures
        result["runs"] = json.loads(path.read_text(encoding="utf-8")).get("runs", {})
    for run in runs:
        if run == "docket-reuse" and "failed" in result["runs"].get("docket-train", {}):
            result["runs"].pop(run, None)  # no stored model to reuse
            continue
        load = os.getloadavg()[0]
        data = _spawn(run, store, out / f"{stem}.{run}.json", info["case"], max_rss)
        data["load"] = [round(load, 1), round(os.getloadavg()[0], 1)]
        if "failed" not in data:
            data["accuracy"] = _accuracy(run, store, truth)
            acc = data["accuracy"]
            _say(
                f"{LABELS[run]}: pairwise P {acc['pairwise_precision']:.4f} "
                f"R {acc['pairwise_recall']:.4f} F1 {acc['pairwise_f1']:.4f}"
            )
        result["runs"][run] = data
        path.write_text(json.dumps(result, indent=1), encoding="utf-8")
    return result


# ---- reporting ---------------------------------------------------------------------------


def machine() -> str:
    import splink

    mem = psutil.virtual_memory().total / 2**30
    return (
        f"{os.cpu_count()} cores ({platform.processor() or platform.machine()}), "
        f"{mem:.0f} GiB RAM, Python {platform.python_version()}, duckdb {duckdb.__version__}, "
        f"splink {splink.__version__}"
    )


def _f(x: float | None, digits: int = 4) -> str:
    return "–" if x is None else f"{x:.{digits}f}"


def table(result: dict[str, Any]) -> str:
    """The markdown tables of one size."""
    runs = result["runs"]
    kinds = [k for k in RUNS if k in runs]
    head = "| | " + " | ".join(LABELS[k] for k in kinds) + " |"
    sep = "|---|" + "---:|" * len(kinds)

    def row(label: str, fn: Any) -> str:
        return f"| {label} | " + " | ".join(fn(runs[k]) for k in kinds) + " |"

    def acc(key: str) -> Any:
        return lambda r: "–" if "failed" in r else _f(r["accuracy"].get(key))

    def count(key: str) -> Any:
        return lambda r: "–" if "failed" in r else f"{r[key]:,}"

    def wall(r: dict[str, Any]) -> str:
        return (
            f"> {r['wall_seconds']:.0f} (did not complete)"
            if "failed" in r
            else (f"{r['wall_seconds']:.1f}")
        )

    lines = [
        head,
        sep,
        row("resolve wall time (s)", wall),
        row("comparisons generated", count("comparisons")),
        row("peak memory (GiB RSS)", lambda r: f"{r['peak_rss'] / 2**30:.2f}"),
        row("pairwise precision", acc("pairwise_precision")),
        row("pairwise recall", acc("pairwise_recall")),
        row("**pairwise F1**", acc("pairwise_f1")),
        row("cluster F1 (exact clusters)", acc("cluster_f1")),
        row("B-cubed F1", acc("bcubed_f1")),
        row("blocking recall", acc("blocking_recall")),
        row("entities", count("entities")),
        row(
            "load average (1 min) at start – end",
            lambda r: "–" if "load" not in r else f"{r['load'][0]} – {r['load'][1]}",
        ),
    ]
    base = runs.get("baseline")
    if base is not None and "failed" not in base:
        ratios = [
            "1"
            if k == "baseline"
            else "–"
            if "failed" in runs[k]
            else f"{base['wall_seconds'] / runs[k]['wall_seconds']:.2f}×"
            for k in kinds
        ]
        lines.append(
            "| speed vs Splink alone (its time / this time) | " + " | ".join(ratios) + " |"
        )
    names: dict[str, None] = {}
    for k in kinds:
        names.update(dict.fromkeys(runs[k].get("stage_seconds", {})))
    stages = ["", "| stage (wall s) | " + " | ".join(LABELS[k] for k in kinds) + " |", sep]
    for name in names:
        cells = [runs[k].get("stage_seconds", {}).get(name) for k in kinds]
        stages.append(
            f"| {name} | " + " | ".join("" if c is None else f"{c:.1f}" for c in cells) + " |"
        )
    return "\n".join(lines + stages)


def targets(result: dict[str, Any]) -> str:
    """Issue 5's targets for Docket (the training run), each marked met or not."""
    runs = result["runs"]
    dk = runs.get("docket-train") or runs.get("docket-reuse")
    if dk is None:
        return "Docket did not run at this size."
    if "failed" in dk:
        return (
            f"Targets (Docket): **not met** — the resolve did not complete: {dk['failed']} "
            f"after {dk['wall_seconds']:.0f} s."
        )
    acc, base = dk["accuracy"], runs.get("baseline")
    if base is not None and "failed" in base:
        base = None
    checks = [
        (f"pairwise F1 ≥ 0.99 ({acc['pairwise_f1']:.4f})", acc["pairwise_f1"] >= 0.99),
        (
            f"precision ≥ 0.995 ({acc['pairwise_precision']:.4f})",
            acc["pairwise_precision"] >= 0.995,
        ),
        (f"peak memory < 8 GiB ({dk['peak_rss'] / 2**30:.2f})", dk["peak_rss"] < 8 * 2**30),
    ]
    if base is not None:
        bf1 = base["accuracy"]["pairwise_f1"]
        checks.append((f"F1 above Splink alone's ({bf1:.4f})", acc["pairwise_f1"] > bf1))
        ratio = base["wall_seconds"] / dk["wall_seconds"]
        checks.append((f"no slower than Splink alone ({ratio:.2f}× its speed)", ratio >= 1))
        checks.append((f"goal: twice Splink alone's speed ({ratio:.2f}×)", ratio >= 2))
    return (
        "Targets (Docket, training run): "
        + "; ".join(f"{label} {'met' if ok else '**not met**'}" for label, ok in checks)
        + "."
    )


def section(results: list[dict[str, Any]]) -> str:
    """The whole `## Entity resolution` section for every size measured."""
    parts = [
        SECTION,
        "",
        "Command: `.venv/bin/python -m bench.bench_resolve --people 100000 1000000` "
        "(`make bench` runs it with the other benchmarks; `--people 100000` alone for the "
        "quick one). Docket's `resolve` and the baseline, **Splink alone configured the way "
        "its tutorials configure it** (`bench.splink_baseline`: NameComparison, "
        "DateOfBirthComparison, EmailComparison, exact identifiers; tutorial blocking rules; "
        "u from 1e7 random pairs; EM on names and on dob; clusters at p ≥ 0.9), run on the "
        "same `mentions` table of the synthetic world (`docket.synth`, seed 7), each in its "
        "own process (peak memory is that process's maximum RSS, sampled; the DuckDB connections "
        f"the bench opens get memory_limit {DUCKDB_MEMORY_GIB} GB and spill beyond it; a run "
        "passing 60% of RAM is stopped and shown as not completed). Accuracy is against "
        "`truth/mentions.csv` (`docket.resolve.evaluate`): pairwise scores count unordered "
        "mention pairs; a cluster is correct when it equals a true person's mentions exactly; "
        "blocking recall is the share of true pairs ever compared. Docket counts comparisons "
        "between profiles (identical normalised mentions collapsed), Splink between records.",
    ]
    for r in sorted(results, key=lambda r: (WORLDS.index(r["world"]), r["people"])):
        prep = r["prepare"]
        what = "synthetic world" if r["world"] == "synth" else "English person list"
        parts += [
            "",
            f"### {what}, {r['people']:,} people ({prep.get('mentions', 0):,} mentions)",
            "",
            f"Measured {r['date']} on {r['machine']}."
            + (LATIN_NOTE if r["world"] == "latin" else ""),
            "",
            targets(r),
            "",
            table(r),
        ]
        base = r["runs"].get("baseline")
        if base and base.get("dropped_blocking_rules"):
            dropped = ", ".join(
                f"`{k}` ({v:,} pairs)" for k, v in base["dropped_blocking_rules"].items()
            )
            parts += ["", f"Baseline blocking rules left out as too large: {dropped}."]
        if base and base.get("em_sampled_rules"):
            sampled = ", ".join(f"`{k}`" for k in base["em_sampled_rules"])
            parts += ["", f"Baseline EM sampled down with Splink's `max_pairs`: {sampled}."]
    return "\n".join(parts) + "\n"


def write_docs(out: Path) -> None:
    """Rebuild the section from every bench/out/resolve-<world>-<N>.json present."""
    results = []
    for p in sorted(out.glob("resolve-*-*.json")):
        if p.stem.split("-")[-1].isdigit() and "." not in p.stem:
            results.append(json.loads(p.read_text(encoding="utf-8")))
    results = [r for r in results if r["runs"]]
    if not results:
        return
    text = DOCS.read_text(encoding="utf-8") if DOCS.exists() else "# Benchmarks\n"
    new = section(results)
    start = text.find(SECTION + "\n")
    if start < 0:
        text = text.rstrip("\n") + "\n\n" + new
    else:
        end = text.find("\n## ", start + len(SECTION))
        text = text[:start] + new + ("" if end < 0 else text[end:])
    DOCS.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="bench.bench_resolve", description=__doc__.split("\n")[0])
    ap.add_argument("--people", type=int, nargs="+", default=list(SIZES))
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument(
        "--world",
        choices=WORLDS,
        default="synth",
        help="synth: the synthetic province; latin: the English person list (docket.synth.latin)",
    )
    ap.add_argument("--runs", nargs="+", choices=RUNS, default=list(RUNS))
    ap.add_argument("--no-docs", action="store_true", help="do not touch docs/benchmarks.md")
    ap.add_argument(
        "--max-rss-gib",
        type=float,
        default=round(0.6 * psutil.virtual_memory().total / 2**30),
        help="stop a run whose memory exceeds this (default 60%% of RAM); recorded as such",
    )
    ap.add_argument("--child", choices=RUNS, help=argparse.SUPPRESS)
    ap.add_argument("--store", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(sys.argv[1:] if argv is None else argv)
    if args.child:
        return _child(args.child, args.store, args.result)
    args.out.mkdir(parents=True, exist_ok=True)
    for n in args.people:
        result = run_size(args.world, n, args.out, tuple(args.runs), args.max_rss_gib * 2**30)
        print()
        print(f"### {args.world}, {n:,} people")
        print(table(result))
        if not args.no_docs:
            write_docs(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
