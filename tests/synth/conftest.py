"""One small world per test session (2,000 people), shared read-only by the synth tests."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from docket.synth import FILES, SynthSummary, generate

# Record-key column of each person source (as in docs/synth.md).
KEY = {
    "registry": "记录编号",
    "telecom_subscribers": "subscriber_id",
    "hotel_checkins": "checkin_id",
    "rail_tickets": "ticket_no",
    "air_manifests": "TKTNO",
    "bank_accounts": "账号",
    "vehicle_registry": "XH",
    "social_accounts": "account_id",
    "bank_transfers": "txn_id",
    "plate_sightings": "sighting_id",
}
PEOPLE = 2000
SEED = 11
START = date(2026, 1, 1)
DAYS = 90


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> SynthSummary:
    return generate(tmp_path_factory.mktemp("world"), PEOPLE, SEED, START, DAYS)


def read_source(out: Path, stem: str) -> list[dict[str, Any]]:
    """A source file's rows with the standard reader for its format."""
    name, fmt = FILES[stem]
    path = out / "sources" / name
    if fmt == "parquet":
        return pq.read_table(path).to_pylist()
    if fmt == "jsonl":
        with path.open(encoding="utf-8") as f:
            return [json.loads(line) for line in f]
    encoding = "gb18030" if fmt == "csv-gb18030" else "utf-8"
    delimiter = "|" if fmt == "psv" else ","
    with path.open(encoding=encoding, newline="") as f:
        return list(csv.DictReader(f, delimiter=delimiter))


def people(out: Path) -> pa.Table:
    return pq.read_table(out / "truth" / "people.parquet")


def mentions(out: Path) -> list[dict[str, str]]:
    with (out / "truth" / "mentions.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def stories(out: Path) -> dict[str, dict[str, Any]]:
    doc = json.loads((out / "truth" / "stories.json").read_text(encoding="utf-8"))
    return {s["kind"]: s for s in doc["stories"]}
