"""What every benchmark shares: the machine line and writing its own section of the docs."""

from __future__ import annotations

import os
import platform
from pathlib import Path

import duckdb
import psutil

DOCS = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"


def machine() -> str:
    """Cores, memory, OS, Python and DuckDB versions, for the results' header."""
    mem = psutil.virtual_memory().total / 2**30
    return (
        f"{os.cpu_count()} cores, {mem:.0f} GiB RAM, {platform.system()} {platform.machine()}, "
        f"Python {platform.python_version()}, DuckDB {duckdb.__version__}"
    )


def write_section(section: str, text: str) -> None:
    """Replace `section` (a `## …` heading) in docs/benchmarks.md with `text`, or append it."""
    old = DOCS.read_text(encoding="utf-8") if DOCS.exists() else "# Benchmarks\n"
    start = old.find(f"\n{section}\n")
    if start == -1:
        new = old.rstrip("\n") + "\n\n" + text
    else:
        end = old.find("\n## ", start + len(section) + 2)
        new = old[: start + 1] + text + (old[end:] if end != -1 else "")
    DOCS.parent.mkdir(parents=True, exist_ok=True)
    DOCS.write_text(new if new.endswith("\n") else new + "\n", encoding="utf-8")
