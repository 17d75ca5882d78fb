"""The synthetic world ingests completely and `docket export mentions` matches its truth."""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Governed, as_admin, open_store, run_ingest

Cli = Callable[..., Any]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    from docket.synth import generate

    out = tmp_path_factory.mktemp("world")
    summary = generate(out, 2000, 1, date(2026, 1, 1), 90)
    return out, dict(summary.rows)


@pytest.mark.slow
def test_world_ingests_completely_and_export_matches_truth(
    governed: Governed, cli: Cli, world: tuple[Path, dict[str, int]], tmp_path: Path
) -> None:
    folder, rows = world
    r = cli("ingest", str(folder), env=governed.env("admin"))
    assert r.code == 0, r.stderr
    assert f"{len(rows)} file(s) loaded" in r.stdout
    assert "mentions.csv" in r.stderr  # truth files are reported, not read

    r = cli("sources", env=governed.env("admin"))
    assert r.code == 0, r.stderr
    assert all(source in r.stdout for source in rows)

    con = open_store()
    try:
        loaded = {
            s: (rd, st, q)
            for s, rd, st, q in con.execute(
                "SELECT source, rows_read, rows_stored, rows_quarantined FROM sources"
            ).fetchall()
        }
    finally:
        con.close()
    assert loaded == {s: (n, n, 0) for s, n in rows.items()}

    out = tmp_path / "mentions.csv"
    r = cli("export", "mentions", "--out", str(out), env=governed.env("analyst"))
    assert r.code == 0, r.stderr
    with out.open(encoding="utf-8") as f:
        exported = Counter((row["source"], row["record_key"]) for row in csv.DictReader(f))
    with (folder / "truth" / "mentions.csv").open(encoding="utf-8") as f:
        truth = Counter((row["source"], row["record_key"]) for row in csv.DictReader(f))
    assert sum(truth.values()) > 5000
    assert exported == truth  # one row per truth row, same source and record_key


@pytest.mark.slow
def test_two_files_at_a_time_store_what_one_at_a_time_stores(
    world: tuple[Path, dict[str, int]], tmp_path: Path
) -> None:
    """ingest_files overlaps reading one file with writing the one before; the store must
    be the same, row for row, as ingesting the files one after another (things keep the
    first source that stated them, so the order of writes shows)."""
    from docket.sources.ingest import ingest_files, mappings_for, plan_files
    from docket.store import connect

    folder, rows = world
    files = plan_files([folder], mappings_for()).matched
    one, two = connect(tmp_path / "one.duckdb"), connect(tmp_path / "two.duckdb")
    try:
        for path, m in files:
            run_ingest(one, path, m)
        with as_admin(two) as op:
            results, failed = ingest_files(op, files)
        assert not failed
        assert [r.source for r in results] == [m.name for _, m in files]
        assert {r.source: r.rows_stored for r in results} == rows
        for table in ("mentions", "things", "holdings", "events", "event_parties"):
            cols = "* EXCLUDE (loaded_at)" if table == "mentions" else "*"
            query = f"SELECT {cols} FROM {table} ORDER BY ALL"
            expected = one.execute(query).fetchall()
            assert expected, table
            assert two.execute(query).fetchall() == expected, table
    finally:
        one.close()
        two.close()
