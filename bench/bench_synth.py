"""Synthetic world: time and peak memory of `docket synth` against a write-only floor.

Each run is a fresh subprocess (so peak RSS is its own). The baseline, in the same run,
writes the same files with the same row and column counts filled with random numbers
(pyarrow CSV / Parquet): the cost of the bytes alone. Writes the `## Synthetic world`
section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from bench._docs import machine, write_section

SECTION = "## Synthetic world"

_GENERATE = """
import json, resource, sys, time
from datetime import date
from pathlib import Path
from docket.synth import generate
t0 = time.perf_counter()
s = generate(Path(sys.argv[1]), int(sys.argv[2]), 1, date(2026, 1, 1), 90)
shape = {}
for p in sorted((Path(sys.argv[1]) / "sources").iterdir()):
    shape[p.name] = s.rows[p.name.split(".")[0]]
print(json.dumps({"seconds": time.perf_counter() - t0,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "rows": s.source_rows + s.mentions, "shape": shape,
                  "bytes": sum(p.stat().st_size for p in Path(sys.argv[1]).rglob("*")
                               if p.is_file())}))
"""

_BASELINE = """
import json, resource, sys, time
from pathlib import Path
import numpy as np, pyarrow as pa, pyarrow.csv as pacsv, pyarrow.parquet as pq
out = Path(sys.argv[1]); out.mkdir(parents=True, exist_ok=True)
shape = json.loads(sys.argv[2])
rng = np.random.default_rng(0)
t0 = time.perf_counter()
for name, (rows, cols) in shape.items():
    t = pa.table({f"c{i}": pa.array(rng.integers(0, 10**12, rows)).cast(pa.string())
                  for i in range(cols)})
    if name.endswith(".parquet"):
        pq.write_table(t, out / name, compression="zstd")
    else:
        pacsv.write_csv(t, out / name)
print(json.dumps({"seconds": time.perf_counter() - t0,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _run(code: str, *args: str) -> dict[str, object]:
    proc = subprocess.run(
        [sys.executable, "-c", code, *args], check=True, capture_output=True, text=True
    )
    result: dict[str, object] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def _columns(out: Path) -> dict[str, int]:
    import pyarrow.parquet as pq

    cols = {}
    for p in sorted((out / "sources").iterdir()):
        if p.suffix == ".parquet":
            cols[p.name] = len(pq.read_schema(p).names)
        elif p.suffix == ".jsonl":
            cols[p.name] = len(json.loads(p.open(encoding="utf-8").readline()))
        else:
            enc = "gb18030" if p.name == "registry.csv" else "utf-8"
            cols[p.name] = len(
                p.open(encoding=enc).readline().split("|" if p.suffix == ".txt" else ",")
            )
    cols["mentions.csv"] = 3
    return cols


def measure(people: int, repeats: int, work: Path) -> dict[str, float]:
    """Median time and max peak RSS of `generate` and of the write-only floor."""
    gen_s, gen_mb, base_s, base_mb = [], [], [], []
    info: dict[str, object] = {}
    for i in range(repeats):
        out = work / f"world-{people}-{i}"
        info = _run(_GENERATE, str(out), str(people))
        gen_s.append(float(info["seconds"]))  # type: ignore[arg-type]
        gen_mb.append(float(info["rss_mb"]))  # type: ignore[arg-type]
        rows = dict(info["shape"])  # type: ignore[call-overload]
        rows["mentions.csv"] = int(info["rows"]) - sum(rows.values())  # type: ignore[call-overload]
        cols = _columns(out)
        shape = {k: (rows[k], cols[k]) for k in rows}
        shutil.rmtree(out)
        base = _run(_BASELINE, str(work / f"floor-{people}-{i}"), json.dumps(shape))
        shutil.rmtree(work / f"floor-{people}-{i}")
        base_s.append(float(base["seconds"]))  # type: ignore[arg-type]
        base_mb.append(float(base["rss_mb"]))  # type: ignore[arg-type]
        print(
            f"{people:>9,} people, run {i + 1}: synth {gen_s[-1]:.1f} s / {gen_mb[-1]:,.0f} MB, "
            f"floor {base_s[-1]:.1f} s / {base_mb[-1]:,.0f} MB",
            flush=True,
        )
    return {
        "people": people,
        "rows": float(info["rows"]),  # type: ignore[arg-type]
        "mb_written": float(info["bytes"]) / 2**20,  # type: ignore[arg-type]
        "synth_s": statistics.median(gen_s),
        "synth_mb": max(gen_mb),
        "floor_s": statistics.median(base_s),
        "floor_mb": max(base_mb),
        "repeats": repeats,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--sizes", default="100000,1000000", help="comma-separated N")
    parser.add_argument("--repeats", type=int, default=3, help="repeats for N <= 200,000")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    sizes = [int(x) for x in args.sizes.split(",")]
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench-synth-") as tmp:
        results = [measure(n, args.repeats if n <= 200_000 else 1, Path(tmp)) for n in sizes]
    lines = [
        "| people | rows written (sources + truth) | MB written | synth time | synth peak RSS "
        "| floor time | floor peak RSS | time ratio synth/floor | runs |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['people']:,.0f} | {r['rows']:,.0f} | {r['mb_written']:,.0f} "
            f"| {r['synth_s']:.1f} s "
            f"| {r['synth_mb']:,.0f} MB | {r['floor_s']:.1f} s | {r['floor_mb']:,.0f} MB "
            f"| {r['synth_s'] / r['floor_s']:.1f}x | {r['repeats']:.0f} |"
        )
    table = "\n".join(lines)
    print(table)
    if args.no_write:
        return
    big = max(results, key=lambda r: r["people"])
    verdict = (
        f"Target: 1,000,000 people in under 10 minutes with peak memory under 8 GB — "
        f"measured {big['synth_s']:.0f} s and {big['synth_mb'] / 1024:.1f} GB at "
        f"{big['people']:,.0f} people."
    )
    text = "\n".join(
        [
            SECTION,
            "",
            f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC · {machine()} · load average "
            f"{load_before:.1f} before, {os.getloadavg()[0]:.1f} after (shared machine) · "
            f"`.venv/bin/python -m bench.run synth` (`bench/bench_synth.py --sizes {args.sizes}`)",
            "",
            "`docket.synth.generate(people=N, seed=1, days=90)` in a fresh process per run, "
            "against "
            "a floor that writes the same files (same rows and columns, random numbers as strings) "
            "with pyarrow and nothing else. Times are medians; peak RSS is the largest "
            "`ru_maxrss` of the runs.",
            "",
            table,
            "",
            verdict,
            "",
        ]
    )
    write_section(SECTION, text)


if __name__ == "__main__":
    main()
