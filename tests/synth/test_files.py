"""The source files: deterministic, parseable by standard readers, documented."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from docket.synth import FILES, PERSON_SOURCES, NoiseConfig, SynthSummary, generate
from tests.synth.conftest import DAYS, KEY, PEOPLE, SEED, START, read_source

DOC = (Path(__file__).resolve().parents[2] / "docs" / "synth.md").read_text(encoding="utf-8")


def _digests(out: Path) -> dict[str, str]:
    return {
        str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(out.rglob("*"))
        if p.is_file()
    }


def test_same_arguments_give_byte_identical_files(world: SynthSummary, tmp_path: Path) -> None:
    again = generate(tmp_path, PEOPLE, SEED, START, DAYS)
    assert _digests(again.out) == _digests(world.out)
    assert len(_digests(world.out)) == len(FILES) + 3


def test_another_seed_gives_another_world(world: SynthSummary, tmp_path: Path) -> None:
    other = generate(tmp_path, PEOPLE, SEED + 1, START, DAYS)
    a, b = _digests(world.out), _digests(other.out)
    assert all(a[f] != b[f] for f in a if "towers" not in f and "cameras" not in f)
    names_a = {r["姓名"] for r in read_source(world.out, "registry")}
    names_b = {r["姓名"] for r in read_source(other.out, "registry")}
    assert names_a != names_b


def test_every_source_parses_with_a_standard_reader(world: SynthSummary) -> None:
    for stem in FILES:
        rows = read_source(world.out, stem)
        assert len(rows) == world.rows[stem] > 0, stem
        assert all(None not in r for r in rows), f"{stem}: a row has more fields than the header"


def test_registry_is_gb18030_with_chinese_headers_and_reads_in_pyarrow(world: SynthSummary) -> None:
    path = world.out / "sources" / "registry.csv"
    raw = path.read_bytes()
    try:
        raw.decode("utf-8")
        utf8 = True
    except UnicodeDecodeError:
        utf8 = False
    assert not utf8, "registry.csv must be GB18030, not UTF-8"
    table = pacsv.read_csv(
        path,
        read_options=pacsv.ReadOptions(encoding="gb18030"),
        convert_options=pacsv.ConvertOptions(column_types={"公民身份号码": pa.string()}),
    )
    assert table.column_names[:3] == ["记录编号", "姓名", "性别"]
    assert table.num_rows == world.rows["registry"]


def test_parquet_files_have_the_documented_types(world: SynthSummary) -> None:
    tr = pq.read_table(world.out / "sources" / "bank_transfers.parquet")
    assert tr.schema.field("amount").type == pa.decimal128(14, 2)
    assert tr.schema.field("txn_time").type == pa.timestamp("ms")  # Parquet has no seconds unit
    cdr = pq.read_table(world.out / "sources" / "telecom_cdr.parquet")
    assert cdr.schema.field("start_time").type == pa.string()
    assert all(len(s) == 14 for s in cdr["start_time"].to_pylist()[:100])


def test_every_column_and_file_is_documented(world: SynthSummary) -> None:
    for stem, (name, _) in FILES.items():
        assert f"`{name}`" in DOC or f"sources/{name}" in DOC, f"{name} missing from docs/synth.md"
        for column in read_source(world.out, stem)[0]:
            assert f"`{column}`" in DOC, f"{stem}.{column} is not documented in docs/synth.md"


def test_every_noise_rate_is_documented() -> None:
    for name in NoiseConfig.__dataclass_fields__:
        assert f"| `{name}` |" in DOC, f"noise rate {name} is not in docs/synth.md"


def test_record_keys_are_unique_within_each_person_source(world: SynthSummary) -> None:
    for stem in PERSON_SOURCES:
        col = KEY[stem]
        values = [r[col] for r in read_source(world.out, stem)]
        assert len(values) == len(set(values)) and all(values), stem
        assert f"| `{stem}` | `{col}` |" in DOC


def test_rows_per_person_stay_moderate(world: SynthSummary) -> None:
    assert 8 <= world.source_rows / PEOPLE <= 15
