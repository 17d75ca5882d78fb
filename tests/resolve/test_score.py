"""Scoring: Splink's private database stays inside the store's memory budget; evidence
names the levels Splink chose."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from docket.resolve.model import default_settings
from docket.resolve.profiles import given_roots, profile_columns
from docket.resolve.score import (
    evidence_sql,
    level_labels,
    memory_limit,
    new_memory_connection,
    score_records,
)


def test_private_database_takes_a_share_of_the_store_budget_and_its_spill_dir(
    tmp_path: Path,
) -> None:
    store = duckdb.connect()
    store.execute("SET memory_limit = '2GB'")
    store.execute(f"SET temp_directory = '{tmp_path}'")
    mem = new_memory_connection(store, share=0.5)
    try:
        assert abs(memory_limit(mem) - memory_limit(store) / 2) < 2**20 * 20
        spill = mem.execute("SELECT current_setting('temp_directory')").fetchall()[0][0]
        assert Path(spill) == tmp_path
    finally:
        mem.close()
        store.close()


def _record(uid: str, **values: Any) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(profile_columns())
    row.update(unique_id=uid, birth_year=None, person_name=True, **values)
    if row["birth_date"] is not None:
        row["birth_year"] = row["birth_date"].year
    row["given_roots"] = given_roots(row["given_name"])
    for part in ("street", "locality"):
        row[f"{part}_words"] = None if row[part] is None else row[part].split(" ")
    return row


def test_a_links_levels_read_from_its_weights_are_the_levels_splink_chose() -> None:
    """Scoring keeps only the weights; evidence names each level from its weight, and that
    must be the level Splink's gamma says, for levels all down the comparisons."""
    settings = default_settings()
    base = {
        "name_pinyin": "zhang wei",
        "name_hanzi": "张伟",
        "name_key": "wei zhang",
        "initials": "zw",
        "family_name": "zhang",
        "given_name": "wei",
        "birth_date": date(1990, 3, 4),
        "sex": "M",
        "id_number": "110101199003041234",
        "id_valid": True,
        "phone": "+8613812345678",
        "region_code": "110101",
        "address": "1 chang an jie",
    }
    variants = [
        {},
        {"name_hanzi": None, "birth_date": date(1990, 4, 3), "phone": None},
        {"name_pinyin": "zhang wie", "name_hanzi": "张卫", "name_key": "wie zhang"},
        {"id_number": "110101199003041243", "id_valid": False, "address": "2 chang an jie"},
        {
            "name_pinyin": "li na",
            "name_hanzi": "李娜",
            "name_key": "li na",
            "initials": "ln",
            "family_name": "li",
            "given_name": "na",
            "sex": "F",
            "birth_date": None,
        },
    ]
    shown = [c["output_column_name"] for c in settings["comparisons"]]
    con = duckdb.connect()
    for i, change in enumerate(variants):
        row = score_records(settings, _record("a", **base), _record(f"b{i}", **{**base, **change}))
        by_gamma = {n: level_labels(settings)[n][int(row[f"gamma_{n}"])] for n in shown}
        mw = ", ".join(f"{float(row[f'mw_{n}'])!r} AS mw_{n}" for n in level_labels(settings))
        (evidence,) = con.execute(f"SELECT {evidence_sql(settings)} FROM (SELECT {mw})").fetchone()
        by_weight = {e["comparison"]: e["level"] for e in evidence}
        assert {n: by_weight[n] for n in shown} == by_gamma, change
