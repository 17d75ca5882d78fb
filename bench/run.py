"""Run every benchmark (`python -m bench.run`) or the named ones (`python -m bench.run resolve`).

Each `bench/bench_<topic>.py` has a `main()`; it is called with an empty argument
list when it takes one, so it runs at its default sizes. A benchmark that fails
does not stop the others; the exit code is 1 if any failed.
"""

from __future__ import annotations

import importlib
import inspect
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent


def available() -> list[str]:
    """Topics of every bench/bench_<topic>.py, sorted."""
    return sorted(p.stem.removeprefix("bench_") for p in HERE.glob("bench_*.py"))


def run(topic: str) -> None:
    """Import bench.bench_<topic> and call its main()."""
    module = importlib.import_module(f"bench.bench_{topic.removeprefix('bench_')}")
    main = module.main
    if inspect.signature(main).parameters:
        main([])
    else:
        main()


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    topics = [a.removeprefix("bench_").removesuffix(".py") for a in args] or available()
    unknown = [t for t in topics if t not in available()]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; have: {', '.join(available())}")
        return 2
    failed: list[str] = []
    for topic in topics:
        print(f"\n=== bench_{topic} ===", flush=True)
        t0 = time.perf_counter()
        try:
            run(topic)
        except Exception:
            traceback.print_exc()
            failed.append(topic)
        print(f"=== bench_{topic}: {time.perf_counter() - t0:.1f} s ===", flush=True)
    if failed:
        print(f"failed: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
