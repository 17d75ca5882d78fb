"""The command line reports Docket's errors as one clear line, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def test_version_runs() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "docket.cli", "version"], capture_output=True, text=True, check=True
    )
    import docket

    assert proc.stdout.strip() == docket.__version__


def test_docket_error_is_printed_without_traceback(tmp_path: Path) -> None:
    from docket.errors import StoreError
    from docket.store import connect

    missing = tmp_path / "nope" / "docket.duckdb"
    try:
        connect(missing, read_only=True)
    except StoreError as exc:
        assert "no store at" in str(exc)
        assert "docket ingest" in str(exc)
    else:  # pragma: no cover - the assertion below reports it
        raise AssertionError("opening a missing store read-only must fail")
