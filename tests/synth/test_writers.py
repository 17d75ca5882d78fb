"""The writers round-trip through standard readers, whatever the text."""

from __future__ import annotations

import csv
import json
import tempfile
from pathlib import Path

import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from docket.synth import writers

TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=20)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.one_of(st.none(), TEXT), min_size=1, max_size=20), st.integers(-5, 5))
def test_json_lines_round_trip(values: list[str | None], number: int) -> None:
    table = pa.table({"s": pa.array(values, pa.string()), "n": pa.array([number] * len(values))})
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "x.jsonl"
        writers.write_jsonl(table, path)
        lines = path.read_bytes().split(b"\n")  # JSON lines end at \n only (not at U+2028 …)
        assert lines[-1] == b""
        rows = [json.loads(line.decode("utf-8")) for line in lines[:-1]]
    assert rows == [{"s": v, "n": number} for v in values]


@settings(max_examples=60, deadline=None)
@given(st.lists(TEXT, min_size=1, max_size=20))
def test_gb18030_csv_round_trip(values: list[str]) -> None:
    table = pa.table({"姓名": pa.array(values, pa.string())})
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "x.csv"
        writers.write_csv(table, path, encoding="gb18030")
        with path.open(encoding="gb18030", newline="") as f:
            rows = list(csv.DictReader(f))
    assert [r["姓名"] for r in rows] == values
