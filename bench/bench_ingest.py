"""Ingest throughput on a synthetic world, next to its floor: DuckDB reading the same files.

Generates (or reuses) a world with `docket.synth.generate` under bench/out/, then, in the
same run:

1. floor — DuckDB reads every source file into a table with no normalisation
   (`CREATE TABLE AS SELECT * FROM read_csv / read_json / read_parquet`; the GB18030
   registry is transcoded to UTF-8 first, as DuckDB cannot read GB18030, and that
   transcoding is timed as part of the floor);
2. ingest — `docket.sources.ingest.ingest_file` for every file into a fresh store:
   mappings, normalisers (starting from an empty memo), quarantine, canonical tables.

Reports source rows per second for both, per source and in total, and the ratio. Writes the
`## Ingest` section of docs/benchmarks.md.

    .venv/bin/python -m bench.run ingest                       # 1,000,000 people
    .venv/bin/python -m bench.bench_ingest --people 20000 --no-write
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import duckdb
from rich.console import Console

from bench._docs import DOCS, machine, write_section
from docket.sources.ingest import ingest_file, install_normalizers, match, sha256_file
from docket.sources.mapping import SourceMapping, shipped_mappings
from docket.sources.readers import lit, transcode
from docket.store.db import connect

console = Console()
ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
SECTION = "## Ingest"


def world(people: int, seed: int) -> Path:
    """A synthetic world of `people` under bench/out/, generated once and then reused."""
    folder = OUT / f"world-{people}-s{seed}"
    if (folder / "truth" / "mentions.csv").exists():
        console.print(f"reusing {folder}")
        return folder
    from docket.synth import generate

    with console.status(f"generating a world of {people:,} people into {folder} …"):
        t0 = time.perf_counter()
        generate(folder, people, seed, dt.date(2026, 1, 1), 90)
    console.print(f"generated {folder} in {time.perf_counter() - t0:.0f} s")
    return folder


def _floor_one(con: duckdb.DuckDBPyConnection, path: Path, m: SourceMapping, tmp: Path) -> int:
    src = path
    if m.format in ("csv", "tsv") and m.encoding not in ("utf-8", "utf8"):
        src = tmp / (path.name + ".utf8")
        transcode(path, src, m.encoding)
    if m.format in ("csv", "tsv"):
        reader = f"read_csv({lit(str(src))}, delim={lit(m.delimiter)}, header=true)"
    elif m.format == "parquet":
        reader = f"read_parquet({lit(str(src))})"
    else:
        reader = f"read_json({lit(str(src))}, format='newline_delimited')"
    con.execute(f"CREATE OR REPLACE TABLE t AS SELECT * FROM {reader}")
    return int(con.execute("SELECT count(*) FROM t").fetchall()[0][0])


def floor(files: list[tuple[Path, SourceMapping]]) -> dict[str, tuple[float, int]]:
    """Seconds and rows per source for DuckDB reading each file into a table."""
    out: dict[str, tuple[float, int]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-floor-") as tmp:
        con = duckdb.connect(str(Path(tmp) / "floor.duckdb"))
        for path, m in files:
            t0 = time.perf_counter()
            rows = _floor_one(con, path, m, Path(tmp))
            out[m.name] = (time.perf_counter() - t0, rows)
        con.close()
    return out


_STAGES = (
    (re.compile(r"INSERT INTO (mentions|things|holdings|events|event_parties)\b"), "insert {}"),
    (re.compile(r"CREATE TEMP TABLE _docket_norm|SELECT count\(\*\), count\(__reason\)"), ""),
    (re.compile(r"_docket_things|UPDATE things"), "things: first values, gaps filled"),
    (re.compile(r"COMMIT"), "commit"),
)
NORM_STAGE = "normalised table (lookups joined, reasons, thing ids)"


class _Stages:
    """The store connection, adding up the seconds of the statements of each stage."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.seconds: dict[str, float] = {}

    def execute(self, query: str, *args: object) -> duckdb.DuckDBPyConnection:
        t0 = time.perf_counter()
        result = self.con.execute(query, *args)
        for pattern, label in _STAGES:
            found = pattern.search(query[:120])
            if found:
                stage = label.format(*found.groups()) if label else NORM_STAGE
                self.seconds[stage] = self.seconds.get(stage, 0.0) + time.perf_counter() - t0
                break
        return result

    def __getattr__(self, name: str) -> object:
        return getattr(self.con, name)


def ingest(
    files: list[tuple[Path, SourceMapping]],
) -> tuple[dict[str, tuple[float, int, int, float]], float, dict[str, float]]:
    """Seconds, rows read, rows quarantined and seconds in normalisers per source; the
    seconds of the final CHECKPOINT (ingest defers checkpoints to the end); seconds by stage
    over all files."""
    from docket.normalize.sql import reset_memo

    reset_memo()
    out: dict[str, tuple[float, int, int, float]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        con = connect(Path(tmp) / "docket.duckdb")
        install_normalizers(con)
        staged = _Stages(con)
        for path, m in files:
            t0 = time.perf_counter()
            r = ingest_file(staged, path, m)  # type: ignore[arg-type]
            secs, norm = time.perf_counter() - t0, r.normalising
            out[m.name] = (secs, r.rows_read, r.rows_quarantined, norm)
            console.print(
                f"  {m.name}: {r.rows_read:,} rows in {secs:.1f} s, {norm:.1f} s of it in "
                f"normalisers ({r.rows_quarantined:,} quarantined)"
            )
        t0 = time.perf_counter()
        con.execute("CHECKPOINT")
        checkpoint = time.perf_counter() - t0
        console.print(f"  final CHECKPOINT: {checkpoint:.1f} s")
        con.close()
    return out, checkpoint, staged.seconds


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--people", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--floor-repeats", type=int, default=3)
    ap.add_argument("--repeats", type=int, default=1, help="ingest repeats (each is long)")
    ap.add_argument("--no-write", action="store_true", help="do not touch docs/benchmarks.md")
    args = ap.parse_args(argv)

    folder = world(args.people, args.seed)
    load_start = os.getloadavg()[0]
    mappings = shipped_mappings()
    files = []
    for f in sorted((folder / "sources").iterdir()):
        m = match(f, mappings)
        if m is not None:
            files.append((f, m))
    size = sum(f.stat().st_size for f, _ in files)
    for f, _ in files:
        sha256_file(f)  # warm the page cache for both contenders

    floors = []
    for i in range(args.floor_repeats):
        with console.status(f"floor, repeat {i + 1}/{args.floor_repeats} …"):
            floors.append(floor(files))
    runs, checkpoints, stages = [], [], []
    for i in range(args.repeats):
        console.print(f"ingest, repeat {i + 1}/{args.repeats}")
        run, checkpoint, by_stage = ingest(files)
        runs.append(run)
        checkpoints.append(checkpoint)
        stages.append(by_stage)

    rows_md = []
    tot_floor = tot_ingest = tot_norm = 0.0
    tot_rows = tot_q = 0
    for _, m in files:
        f_s = statistics.median(r[m.name][0] for r in floors)
        i_s = statistics.median(r[m.name][0] for r in runs)
        n_s = statistics.median(r[m.name][3] for r in runs)
        read, quarantined = runs[0][m.name][1], runs[0][m.name][2]
        tot_floor, tot_ingest, tot_norm = tot_floor + f_s, tot_ingest + i_s, tot_norm + n_s
        tot_rows, tot_q = tot_rows + read, tot_q + quarantined
        rows_md.append(
            f"| {m.name} | {read:,} | {quarantined:,} | {f_s:.2f} | {i_s:.2f} | {n_s:.2f} | "
            f"{read / i_s:,.0f} | {i_s / f_s:.1f}x | {(i_s - n_s) / f_s:.1f}x |"
        )
    load_end = os.getloadavg()[0]
    ckpt = statistics.median(checkpoints)
    tot_ingest += ckpt
    rows_md.append(f"| (final CHECKPOINT, once per ingest) | | | | {ckpt:.2f} | | | | |")
    ratio = tot_ingest / tot_floor
    by_stage = {k: statistics.median(st.get(k, 0.0) for st in stages) for k in stages[0]}
    named = {"normalisers (distinct values, one batch per normaliser)": tot_norm, **by_stage}
    named["final CHECKPOINT"] = ckpt
    named["reading into temporary tables, the rest"] = tot_ingest - sum(named.values())
    stage_md = [
        f"| {k} | {v:.1f} | {v / tot_ingest:.0%} |"
        for k, v in sorted(named.items(), key=lambda kv: -kv[1])
    ]
    today = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d")
    text = "\n".join(
        [
            SECTION,
            "",
            f"Measured {today} on {machine()}; load average (1 min) {load_start:.1f} at the "
            f"start, {load_end:.1f} at the end (other work shared the machine).",
            f"Command: `.venv/bin/python -m bench.bench_ingest --people {args.people}"
            f" --seed {args.seed}` (`make bench` runs it at 1,000,000 people).",
            f"World: {args.people:,} people, {len(files)} source files, {size / 2**20:,.0f} MiB.",
            "Floor: DuckDB reads each file into a table, no normalisation (GB18030 transcoding "
            f"included), median of {args.floor_repeats}. Ingest: `ingest_file` per file into a "
            "fresh store, normaliser memo empty at the start, "
            f"{'median of ' + str(args.repeats) if args.repeats > 1 else 'one run'}.",
            "",
            "| source | rows | quarantined | floor s | ingest s | of which normalisers s "
            "| ingest rows/s | ratio | ratio without normalisers |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
            *rows_md,
            f"| **all** | **{tot_rows:,}** | {tot_q:,} | **{tot_floor:.1f}** | "
            f"**{tot_ingest:.1f}** | {tot_norm:.1f} | **{tot_rows / tot_ingest:,.0f}** | "
            f"**{ratio:.1f}x** | {(tot_ingest - tot_norm) / tot_floor:.1f}x |",
            "",
            f"Floor throughput {tot_rows / tot_floor:,.0f} rows/s; ingest "
            f"{tot_rows / tot_ingest:,.0f} rows/s: **{ratio:.1f}x the floor** (goal: within 3x)."
            " The floor writes each file once; ingest reads it into temporary tables (a view "
            "where a copy is not needed), normalises each column's distinct values in one batch, "
            "builds one normalised table, and writes mentions, things, holdings, events and "
            "event parties (three party rows per call), one transaction per file, checkpointed "
            "once at the end (timed). Where the time goes, all files:",
            "",
            "| stage | s | share |",
            "|---|---:|---:|",
            *stage_md,
            "",
        ]
    )
    console.print(text)
    if not args.no_write:
        write_section(SECTION, text)
        console.print(f"wrote {SECTION} in {DOCS}")


if __name__ == "__main__":
    main(sys.argv[1:])
