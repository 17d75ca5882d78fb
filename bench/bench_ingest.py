"""Ingest throughput on a synthetic world, next to its floor: DuckDB reading the same files.

Generates (or reuses) a world with `docket.synth.generate` under bench/out/, then, in the
same run:

1. floor — DuckDB reads every source file into a table with no normalisation
   (`CREATE TABLE AS SELECT * FROM read_csv / read_json / read_parquet`; the GB18030
   registry is transcoded to UTF-8 first, as DuckDB cannot read GB18030, and that
   transcoding is timed as part of the floor);
2. ingest — `docket.sources.ingest.ingest_files` (what `docket ingest` runs) over every
   file into a fresh store: mappings, normalisers (starting from an empty memo),
   quarantine, canonical tables, and the final CHECKPOINT.

Reports source rows per second for both, per source and in total, and the ratio. Writes the
`## Ingest` section of docs/benchmarks.md.

    .venv/bin/python -m bench.run ingest                       # 1,000,000 people
    .venv/bin/python -m bench.bench_ingest --people 20000 --no-write
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import duckdb
from rich.console import Console

from bench._docs import DOCS, machine, write_section
from bench._store import operating
from docket.sources.ingest import ingest_files, match, sha256_file
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


_WRITE_STAGES = frozenset({"quarantine", "committing"})


class _Timeline:
    """When each file started reading, was ready to write, started writing and was done
    (seconds from the start; between ready and writing it waits for the file before)."""

    def __init__(self) -> None:
        self.t0 = time.perf_counter()
        self.read: dict[str, float] = {}
        self.ready: dict[str, float] = {}
        self.write: dict[str, float] = {}
        self.done: dict[str, float] = {}
        self.lock = threading.Lock()

    def step(self, path: Path, stage: str) -> None:
        now = time.perf_counter() - self.t0
        with self.lock:
            if stage == "reading":
                self.read.setdefault(path.name, now)
            elif stage == "ready to write":
                self.ready.setdefault(path.name, now)
            elif stage in _WRITE_STAGES:
                self.write.setdefault(path.name, now)

    def finished(self, path: Path, _outcome: object) -> None:
        self.done[path.name] = time.perf_counter() - self.t0


def ingest(
    files: list[tuple[Path, SourceMapping]],
) -> tuple[dict[str, tuple[float, float, int, int, float]], float, float]:
    """Per source: seconds reading and normalising, seconds writing, rows read, rows
    quarantined, seconds in normalisers; the wall time of `ingest_files`; the seconds of the
    final CHECKPOINT (ingest defers checkpoints to the end)."""
    from docket.normalize.sql import reset_memo

    reset_memo()
    out: dict[str, tuple[float, float, int, int, float]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        con = connect(Path(tmp) / "docket.duckdb")
        clock = _Timeline()
        with operating(con, "ingest") as op:
            results, failed = ingest_files(op, files, step=clock.step, done=clock.finished)
        wall = time.perf_counter() - clock.t0
        if failed:
            raise SystemExit(f"ingest failed: {failed}")
        for (path, m), r in zip(files, results, strict=True):
            name = path.name
            prepare = clock.ready[name] - clock.read[name]
            write = clock.done[name] - clock.write[name]
            out[m.name] = (prepare, write, r.rows_read, r.rows_quarantined, r.normalising)
            console.print(
                f"  {m.name}: {r.rows_read:,} rows; read and normalised in {prepare:.1f} s "
                f"({r.normalising:.1f} s in normalisers), written in {write:.1f} s"
            )
        t0 = time.perf_counter()
        con.execute("CHECKPOINT")
        checkpoint = time.perf_counter() - t0
        console.print(f"  all files: {wall:.1f} s; final CHECKPOINT: {checkpoint:.1f} s")
        con.close()
    return out, wall, checkpoint


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--people", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--floor-repeats", type=int, default=3)
    ap.add_argument("--repeats", type=int, default=3, help="ingest repeats (the median is kept)")
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
    runs, walls, checkpoints = [], [], []
    for i in range(args.repeats):
        console.print(f"ingest, repeat {i + 1}/{args.repeats}")
        run, wall, checkpoint = ingest(files)
        runs.append(run)
        walls.append(wall)
        checkpoints.append(checkpoint)

    totals = [w + c for w, c in zip(walls, checkpoints, strict=True)]
    median_run = totals.index(statistics.median_low(totals))
    tot_ingest, ckpt, run = totals[median_run], checkpoints[median_run], runs[median_run]
    kept = f"the run with the median total of {args.repeats}" if args.repeats > 1 else "one run"
    rows_md = []
    tot_floor = tot_prep = tot_write = tot_norm = 0.0
    tot_rows = tot_q = 0
    for _, m in files:
        f_s = statistics.median(r[m.name][0] for r in floors)
        p_s, w_s, read, quarantined, n_s = run[m.name]
        tot_floor, tot_norm = tot_floor + f_s, tot_norm + n_s
        tot_prep, tot_write = tot_prep + p_s, tot_write + w_s
        tot_rows, tot_q = tot_rows + read, tot_q + quarantined
        rows_md.append(
            f"| {m.name} | {read:,} | {quarantined:,} | {f_s:.2f} | {p_s:.2f} | {n_s:.2f} | "
            f"{w_s:.2f} |"
        )
    load_end = os.getloadavg()[0]
    ratio = tot_ingest / tot_floor
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
            f"included), median of {args.floor_repeats}. Ingest: `ingest_files` (what `docket "
            "ingest` runs) into a fresh store, normaliser memo empty at the start, final "
            "CHECKPOINT included, "
            f"{kept} (totals: {', '.join(f'{t:.1f}' for t in totals)} s).",
            "",
            "| | rows | floor s | ingest s | ingest rows/s | ratio |",
            "|---|---:|---:|---:|---:|---:|",
            f"| **all files** | {tot_rows:,} | {tot_floor:.1f} | {tot_ingest:.1f} "
            f"(CHECKPOINT {ckpt:.1f}) | {tot_rows / tot_ingest:,.0f} | **{ratio:.2f}x** |",
            "",
            f"Floor throughput {tot_rows / tot_floor:,.0f} rows/s; ingest "
            f"{tot_rows / tot_ingest:,.0f} rows/s: **{ratio:.2f}x the floor** (goal: within 3x).",
            "",
            "Ingest overlaps files: while one is written (one transaction, files strictly in "
            "order), the next is read and normalised on a second connection. Per file, the "
            "seconds of each phase (the phases of neighbouring files run at the same time, so "
            "they add up to more than the total):",
            "",
            "| source | rows | quarantined | floor s | read and normalise s | of which "
            "normalisers s | write s |",
            "|---|---:|---:|---:|---:|---:|---:|",
            *rows_md,
            f"| **sum** | {tot_rows:,} | {tot_q:,} | {tot_floor:.1f} | {tot_prep:.1f} | "
            f"{tot_norm:.1f} | {tot_write:.1f} |",
            "",
        ]
    )
    console.print(text)
    if not args.no_write:
        write_section(SECTION, text)
        console.print(f"wrote {SECTION} in {DOCS}")


if __name__ == "__main__":
    main(sys.argv[1:])
