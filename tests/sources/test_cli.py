"""The commands as a user runs them: admin ingests and administers, analysts export in a case."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
from followthemoney import model as ftm_model

from tests.conftest import Governed
from tests.sources.conftest import write_mapping

Cli = Callable[..., Any]

MAPPING = {
    "name": "guests",
    "files": ["guests*.csv"],
    "record_key": "ref",
    "retention_days": 30,
    "legal_basis": "production order 7",
    "person": {
        "name": "name",
        "birthDate": "dob",
        "idNumber": "id",
        "phone": "tel",
        "gender": "sex",
    },
}


def _world(tmp_path: Path) -> tuple[Path, Path]:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "guests_1.csv").write_text(
        "ref,name,dob,id,tel,sex\n"
        "g1,张伟,1990-03-07,11010119900307123X,13812345678,男\n"
        "g2,Li [Na],bad-date,,,女\n"
        "g3,王芳,1985-12-01,,+86 139 0000 1111,女\n",
        encoding="utf-8",
    )
    (folder / "notes.txt").write_text("not a source\n")
    return folder, write_mapping(tmp_path, MAPPING)


def test_admin_ingests_a_folder_and_sees_counts(
    governed: Governed, cli: Cli, tmp_path: Path
) -> None:
    folder, mapping = _world(tmp_path)
    r = cli("ingest", str(folder), "--mapping", str(mapping), env=governed.env("admin"))
    assert r.code == 0, r.stderr
    assert "1 file(s) loaded: 3 rows read, 2 stored, 1 quarantined" in r.stdout
    assert "not recognised by any mapping, not read" in r.stderr and "notes.txt" in r.stderr
    again = cli("ingest", str(folder), "--mapping", str(mapping), env=governed.env("admin"))
    assert again.code == 0, again.stderr
    assert "1 already loaded (same SHA-256), skipped" in again.stdout

    r = cli("sources", env=governed.env("admin"))
    assert r.code == 0, r.stderr
    assert "guests" in r.stdout and "production order 7" in r.stdout and "30 d" in r.stdout

    r = cli("quarantine", "guests", env=governed.env("admin"))
    assert r.code == 0, r.stderr
    assert "bad date in dob" in r.stdout
    assert "bad-date" not in r.stdout and "Li [Na]" not in r.stdout  # admin sees no values

    r = cli("export", "quarantine", "guests", env=governed.env("analyst"))
    assert r.code == 3 and "bulk basis" in r.stderr  # rejected rows belong to no case
    r = cli(
        "export", "quarantine", "guests", "--bulk", governed.bulk(), env=governed.env("analyst")
    )
    assert r.code == 0, r.stderr
    assert "bad date in dob: bad-date" in r.stdout
    assert '""name"":""Li [Na]""' in r.stdout  # raw row as delivered, CSV-quoted


def test_ingest_of_nothing_recognised_fails_clearly(
    governed: Governed, cli: Cli, tmp_path: Path
) -> None:
    (tmp_path / "x.dat").write_text("?")
    r = cli("ingest", str(tmp_path / "x.dat"), env=governed.env("admin"))
    assert r.code == 2
    assert "no mapping recognises any of" in r.stderr


def test_analysts_cannot_ingest_or_see_quarantine(
    governed: Governed, cli: Cli, tmp_path: Path
) -> None:
    folder, mapping = _world(tmp_path)
    r = cli("ingest", str(folder), "--mapping", str(mapping), env=governed.env("analyst"))
    assert r.code == 3 and "admin" in r.stderr
    r = cli("quarantine", env=governed.env("analyst"))
    assert r.code == 3


def test_export_mentions_csv_parquet_and_ftm(governed: Governed, cli: Cli, tmp_path: Path) -> None:
    folder, mapping = _world(tmp_path)
    assert (
        cli("ingest", str(folder), "--mapping", str(mapping), env=governed.env("admin")).code == 0
    )
    analyst = {**governed.env("analyst"), "DOCKET_BULK": governed.bulk()}

    out = tmp_path / "m.csv"
    r = cli("export", "mentions", "--format", "csv", "--out", str(out), env=analyst)
    assert r.code == 0, r.stderr
    with out.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [(x["source"], x["record_key"]) for x in rows] == [("guests", "g1"), ("guests", "g3")]
    assert rows[0]["phone"] == "+8613812345678" and rows[1]["name_hanzi"] == "王芳"

    out = tmp_path / "m.parquet"
    r = cli("export", "mentions", "--format", "parquet", "--out", str(out), env=analyst)
    assert r.code == 0, r.stderr
    assert pq.read_table(out).column("record_key").to_pylist() == ["g1", "g3"]

    r = cli("export", "mentions", "--format", "ftm", env=analyst)
    assert r.code == 0, r.stderr
    entities = [json.loads(line) for line in r.stdout.splitlines() if line.strip()]
    assert len(entities) == 2
    for data in entities:
        proxy = ftm_model.get_proxy(data, cleaned=False)
        assert proxy.schema.name == "Person"
        for prop, values in data["properties"].items():  # every value survives FtM cleaning
            assert sorted(proxy.get(prop)) == sorted(values), (prop, values)
    zhang = entities[0]["properties"]
    assert zhang["name"] == ["张伟"] and zhang["birthDate"] == ["1990-03-07"]
    assert zhang["gender"] == ["male"] and zhang["alias"] == ["zhang wei"]


def test_export_needs_a_reader_a_case_and_a_reason(
    governed: Governed, cli: Cli, tmp_path: Path
) -> None:
    folder, mapping = _world(tmp_path)
    assert (
        cli("ingest", str(folder), "--mapping", str(mapping), env=governed.env("admin")).code == 0
    )
    no_case = {k: v for k, v in governed.env("analyst").items() if k != "DOCKET_CASE"}
    r = cli("export", "mentions", env=no_case)
    assert r.code == 3 and "case" in r.stderr
    r = cli("export", "mentions", env=governed.env("admin"))  # separation of duties
    assert r.code == 3
    r = cli("export", "mentions", env=governed.env("outsider"))
    assert r.code == 3


def test_a_file_that_cannot_be_read_fails_alone(
    governed: Governed, cli: Cli, tmp_path: Path
) -> None:
    folder, mapping = _world(tmp_path)
    (folder / "guests_2.csv").write_text("ref,full_name\nx,Ann\n", encoding="utf-8")
    r = cli("ingest", str(folder), "--mapping", str(mapping), env=governed.env("admin"))
    assert r.code == 2
    assert "is not in" in r.stderr and "guests_2.csv" in r.stderr
    assert "1 file(s) loaded: 3 rows read" in r.stdout  # guests_1.csv still went in
