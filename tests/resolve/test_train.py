"""Training: the comparison levels computed in SQL are the levels Splink scores with; EM
sessions and comparisons follow the columns the data fills."""

from __future__ import annotations

from datetime import date
from typing import Any

import duckdb
import pyarrow as pa

from docket.resolve.comparisons import comparisons
from docket.resolve.model import base_settings, fill_missing
from docket.resolve.score import score_records
from docket.resolve.train import em_sessions, gamma_sql
from tests.resolve.test_score import _record

FEBRL_LIKE = {
    "name_pinyin": "brock jack",
    "name_key": "brockjack",
    "initials": "bj",
    "family_name": "brock",
    "given_name": "jack",
    "birth_date": date(1980, 4, 22),
    "street": "duhig place",
    "house_number": "45",
    "locality": "boyanup",
    "postal_code": "2485",
    "region": "wa",
    "identifier": "5304218",
    "identifier_scheme": "soc_sec_id",
}
VARIANTS: list[dict[str, Any]] = [
    {},
    {"house_number": None, "locality": "boyaunp", "postal_code": "2484"},
    {"name_pinyin": "jack brock", "family_name": "jack", "given_name": "brock"},
    {"given_name": "jakc", "name_pinyin": "brock jakc", "identifier": "5304281"},
    {"street": "place duhig", "house_number": "2", "postal_code": "2458"},
    {"identifier_scheme": "au-tfn", "region": "nsw", "street": "garratt street"},
    {"family_name": "bruck", "name_pinyin": "bruck jack", "identifier": "53042180"},
    {"given_name": "john", "name_pinyin": "brock john", "birth_date": date(1980, 2, 22)},
]


def test_levels_computed_in_sql_are_the_levels_splink_scores_with() -> None:
    settings = fill_missing(base_settings())
    con = duckdb.connect()
    for i, change in enumerate(VARIANTS):
        left, right = _record("a", **FEBRL_LIKE), _record(f"b{i}", **{**FEBRL_LIKE, **change})
        splink = score_records(settings, left, right)
        con.register("l", pa.Table.from_pylist([left]))
        con.register("r", pa.Table.from_pylist([right]))
        ours = con.execute(
            "SELECT "
            + ", ".join(f"{gamma_sql(c)} AS {c['output_column_name']}" for c in comparisons())
            + " FROM l, r"
        ).fetchall()[0]
        for c, gamma in zip(comparisons(), ours, strict=True):
            name = c["output_column_name"]
            assert gamma == splink[f"gamma_{name}"], (change, name)


def test_a_list_without_id_numbers_trains_on_what_it_has() -> None:
    present = frozenset(
        {"name_pinyin", "name_key", "birth_date", "postal_code", "identifier", "street"}
    )
    rules = dict(em_sessions(present))
    assert not any("id_number" in r for r in rules)
    assert any("birth_date = r.birth_date" in r and "name_key" not in r for r in rules)
    assert any("postal_code" in r for r in rules) and any("identifier" in r for r in rules)
    names = {c["output_column_name"] for c in comparisons(present)}
    assert names == {"name", "birth_date", "identifier", "street", "postal_code"}
