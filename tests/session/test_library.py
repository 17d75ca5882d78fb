"""The library is the front door: the README's example runs, is audited, and every session
operation is offered by the service and its client."""

from __future__ import annotations

import inspect
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import docket
from docket.session import Session, namespaces
from docket.session.ops import NAMESPACES, OPS, method_of

README = Path(__file__).resolve().parents[2] / "README.md"


def _readme_example() -> str:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Python") :]
    return re.search(r"```python\n(.*?)```", section, re.S)[1]  # type: ignore[index]


@pytest.mark.slow
def test_the_readme_example_runs_and_its_writes_are_in_the_audit_trail(
    tmp_path: Path, cli, monkeypatch
) -> None:
    code = _readme_example()
    assert len(code.strip().splitlines()) <= 12
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    assert re.search(r"[\d,]+ rows → [\d,]+ entities", proc.stdout)
    home = tmp_path / "docket-data"
    monkeypatch.setenv("DOCKET_HOME", str(home))
    monkeypatch.setenv("DOCKET_DB", str(home / "docket.duckdb"))
    auditor = {"DOCKET_USER": "audrey", "DOCKET_PASSWORD": "auditor-passphrase"}
    r = cli("audit", "show", "--json", env=auditor)
    assert r.code == 0, r.stderr
    rows = [json.loads(line) for line in r.lines]
    done = [(x["user"], x["action"], x["outcome"]) for x in rows if x["user"] == "admin"]
    assert done == [
        ("admin", "auth.login", "ok"),
        ("admin", "user.add", "ok"),
        ("admin", "ingest", "ok"),
        ("admin", "resolve", "ok"),
    ]
    ingest = next(x for x in rows if x["action"] == "ingest")
    assert ingest["category"] == "collection" and ingest["result_count"] > 1000


def _public_methods(cls: type, *, lifetime: tuple[str, ...] = ()) -> set[str]:
    return {
        name
        for name, _ in inspect.getmembers(cls, inspect.isfunction)
        if not name.startswith("_") and name not in lifetime
    }


def test_every_session_operation_is_offered_by_the_service() -> None:
    offered = {op.name for op in OPS}
    wanted = _public_methods(Session, lifetime=("close",))
    for space in NAMESPACES:
        wanted |= {f"{space}.{m}" for m in _public_methods(getattr(namespaces, space.capitalize()))}
    assert offered == wanted, "docket/session/ops.py and the session's methods differ"
    for op in OPS:
        assert method_of(op.name).__doc__, f"{op.name} has no docstring (it is the API's doc)"


def test_import_docket_gives_the_front_door() -> None:
    assert {"Docket", "Session", "DocketError", "AccessError"} <= set(docket.__all__)
    assert docket.Docket.__module__.startswith("docket.session")
