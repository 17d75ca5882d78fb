"""The English person list from an unrelated source: its shape, its noise, its truth."""

from __future__ import annotations

import csv
import unicodedata
from pathlib import Path

import duckdb
import pytest
from bench.splink_baseline import run_baseline

from docket.errors import InputError
from docket.resolve.evaluate import evaluate, load_truth
from docket.synth.latin import COLUMNS, generate_people_csv, truth_path_for
from tests.conftest import run_ingest, run_resolve

MAPPING = Path(__file__).resolve().parents[2] / "bench" / "mappings" / "english_people.yaml"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def people(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    path = tmp_path_factory.mktemp("latin") / "people.csv"
    return path, generate_people_csv(path, 1000, seed=3)


def test_same_seed_gives_identical_files_and_another_seed_does_not(
    people: tuple[Path, Path], tmp_path: Path
) -> None:
    path, truth = people
    again = tmp_path / "people.csv"
    assert generate_people_csv(again, 1000, seed=3) == truth_path_for(again)
    assert again.read_bytes() == path.read_bytes()
    assert truth_path_for(again).read_bytes() == truth.read_bytes()
    other = tmp_path / "other.csv"
    generate_people_csv(other, 1000, seed=4)
    assert other.read_bytes() != path.read_bytes()


def test_every_row_has_one_true_person_and_people_recur(people: tuple[Path, Path]) -> None:
    path, truth = people
    rows, truth_rows = _rows(path), _rows(truth)
    assert list(rows[0]) == list(COLUMNS)
    assert [r["record_id"] for r in rows] == [t["record_key"] for t in truth_rows]
    assert len({r["record_id"] for r in rows}) == len(rows)
    assert {t["source"] for t in truth_rows} == {"english_people"}
    persons = [t["person_uid"] for t in truth_rows]
    assert len(set(persons)) <= 1000
    assert 1.7 * 1000 < len(rows) < 2.2 * 1000  # about 1.95 records per person


def test_the_list_is_as_messy_as_real_ones(people: tuple[Path, Path]) -> None:
    path, truth = people
    rows = _rows(path)
    by_person: dict[str, list[dict[str, str]]] = {}
    for r, t in zip(rows, _rows(truth), strict=True):
        by_person.setdefault(t["person_uid"], []).append(r)

    def accented(s: str) -> bool:
        return unicodedata.normalize("NFKD", s) != s

    firsts = [r["first_name"] for r in rows]
    assert any(accented(r["last_name"]) for r in rows)  # 'Müller' …
    assert any(f.endswith(".") and len(f) == 2 for f in firsts)  # initials
    assert any(f.isupper() and len(f) > 2 for f in firsts)
    for col in ("first_name", "date_of_birth", "address", "city", "email"):
        assert any(r[col] == "" for r in rows), f"no row lacks {col}"
    # Within one person's records: a swapped name, a nickname or typo, a different dob.
    swapped = differs = dob_differs = 0
    for recs in by_person.values():
        firsts_p = {r["first_name"] for r in recs}
        lasts_p = {r["last_name"] for r in recs}
        swapped += bool(firsts_p & lasts_p)
        differs += len(firsts_p) > 1
        dob_differs += len({r["date_of_birth"] for r in recs if r["date_of_birth"]}) > 1
    assert swapped > 5 and differs > 50 and dob_differs > 10
    # Common names recur across different people (hard negatives).
    names = {}
    for uid, recs in by_person.items():
        names.setdefault((recs[0]["first_name"], recs[0]["last_name"]), set()).add(uid)
    assert max(len(v) for v in names.values()) >= 2


def test_asking_for_no_people_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="at least one person"):
        generate_people_csv(tmp_path / "x.csv", 0, seed=1)


@pytest.mark.slow
def test_docket_resolves_the_english_list_about_as_well_as_splink_alone(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    """A person CSV from an unrelated source, with its own mapping, resolves with a pairwise
    F1 within 0.02 of Splink configured as its tutorials do (or better)."""
    from docket.sources.mapping import load_mapping

    csv_path = tmp_path / "english_people.csv"
    truth = generate_people_csv(csv_path, 1000, seed=11)
    result = run_ingest(con, csv_path, load_mapping(MAPPING))
    assert result.rows_stored > 1800 and result.rows_quarantined == 0

    summary = run_resolve(con, progress=False)
    assert summary.mentions == result.rows_stored
    load_truth(con, truth)
    docket = evaluate(
        con,
        con.sql("SELECT mention_id, entity_id AS cluster_id FROM entity_mentions"),
        "truth_mentions",
    )

    mem = duckdb.connect()
    mem.register("store_mentions", con.sql("SELECT * FROM mentions").arrow())
    mem.execute("CREATE TABLE mentions AS SELECT * FROM store_mentions")
    baseline = run_baseline(mem, seed=1)
    load_truth(mem, truth)
    splink = evaluate(mem, baseline.clusters_table, "truth_mentions")

    assert splink.pairwise_f1 > 0.8  # the data is linkable, and Splink links it
    assert docket.pairwise_f1 >= splink.pairwise_f1 - 0.02, (docket, splink)
