"""Scoring candidate pairs with the Splink model, and turning its output into evidence.

Splink runs on a private in-memory DuckDB connection fed through Arrow: its
scratch tables never land in the store file, a crash leaves nothing behind, and
the store connection stays free for our own statements.
"""

from __future__ import annotations

import logging
import math
from typing import Any

import duckdb

from docket.resolve.blocking import CANDIDATES
from docket.resolve.deterministic import CONFIRMED_IDS, DETERMINISTIC
from docket.resolve.profiles import PROFILES

SCORED = "_rs_scored"
# gamma_* (the level) is only output with the matching columns; mw_* with the intermediate ones
_RETAIN = {"retain_matching_columns": True, "retain_intermediate_calculation_columns": True}
# Scoring every candidate keeps only the weights: the matching columns (each compared value,
# both sides) made Splink's output several times wider, a third of its time at 1M people.
# A link's levels are read back from its weights (`evidence_sql`).
_WEIGHTS_ONLY = {"retain_matching_columns": False, "retain_intermediate_calculation_columns": True}


def level_labels(settings: dict[str, Any]) -> dict[str, dict[int, str]]:
    """comparison name → {gamma value → level label}, as Splink numbers levels."""
    out: dict[str, dict[int, str]] = {}
    for comp in settings["comparisons"]:
        levels = comp["comparison_levels"]
        non_null = [lv for lv in levels if not lv.get("is_null_level")]
        labels = {
            -1: next((lv["label_for_charts"] for lv in levels if lv.get("is_null_level")), "")
        }
        for i, lv in enumerate(non_null):
            labels[len(non_null) - 1 - i] = lv["label_for_charts"]
        out[comp["output_column_name"]] = labels
    return out


def level_weights(settings: dict[str, Any]) -> dict[str, list[tuple[float, str]]]:
    """comparison name → [(match weight, label)] of its levels, levels of equal weight
    sharing one label ('a or b'); a missing value weighs 0."""
    out: dict[str, list[tuple[float, str]]] = {}
    for comp in settings["comparisons"]:
        by_weight: dict[float, list[str]] = {}
        for lv in comp["comparison_levels"]:
            w = 0.0
            if not lv.get("is_null_level"):
                w = math.log2(float(lv["m_probability"]) / float(lv["u_probability"]))
            by_weight.setdefault(round(w, 6), []).append(lv["label_for_charts"])
        out[comp["output_column_name"]] = [(w, " or ".join(ls)) for w, ls in by_weight.items()]
    return out


def evidence_sql(settings: dict[str, Any], prefix: str = "") -> str:
    """SQL list of STRUCT(comparison, level, weight) from the mw_* columns: each level has
    its own weight, log2(m/u), so the weight names the level."""
    items = []
    for name, levels in level_weights(settings).items():
        case = " ".join(
            f"WHEN abs({prefix}mw_{name} - {w!r}) < 1e-5 THEN '{lab.replace(chr(39), chr(39) * 2)}'"
            for w, lab in levels
        )
        items.append(
            f"{{'comparison': '{name}', 'level': CASE {case} END, "
            f"'weight': round({prefix}mw_{name}, 3)}}"
        )
    if not items:
        return "NULL::STRUCT(comparison VARCHAR, level VARCHAR, weight DOUBLE)[]"
    return "[" + ", ".join(items) + "]"


_UNITS = {"B": 1, "KIB": 2**10, "MIB": 2**20, "GIB": 2**30, "TIB": 2**40}
_UNITS |= {"BYTES": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12}


def memory_limit(con: duckdb.DuckDBPyConnection) -> int:
    """The connection's DuckDB memory_limit in bytes ('7.4 GiB' → 7945689497)."""
    text = str(con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0])
    number, _, unit = text.strip().partition(" ")
    return int(float(number) * _UNITS.get(unit.strip().upper() or "B", 1))


def new_memory_connection(
    like: duckdb.DuckDBPyConnection | None = None, share: float = 1.0
) -> duckdb.DuckDBPyConnection:
    """A private in-memory DuckDB for Splink. With `like`, it gets `share` of that
    connection's memory_limit and its temp_directory, so it spills to disk instead of
    growing past the budget the store was given (left at DuckDB's default of 80% of
    RAM, the two databases together outgrew 8 GB at a million people)."""
    mem = duckdb.connect(":memory:")
    mem.execute("SET preserve_insertion_order = false")
    if like is not None:
        temp = like.execute("SELECT current_setting('temp_directory')").fetchall()[0][0]
        mem.execute(f"SET memory_limit = '{int(memory_limit(like) * share)}B'")
        if temp:
            mem.execute(f"SET temp_directory = '{str(temp).replace(chr(39), chr(39) * 2)}'")
    return mem


def _transfer(
    src: duckdb.DuckDBPyConnection, sql: str, dst: duckdb.DuckDBPyConnection, create: str
) -> None:
    """`create` (CREATE ... AS SELECT * FROM _transfer) in `dst` over `sql`'s result in
    `src`, streamed as Arrow record batches rather than one whole Arrow table."""
    reader = src.sql(sql).to_arrow_reader(batch_size=1_000_000)
    dst.register("_transfer", reader)
    try:
        dst.execute(create)
    finally:
        dst.unregister("_transfer")


def drop_splink_tables(mem: duckdb.DuckDBPyConnection) -> None:
    """Free the scratch tables Splink left in the private connection."""
    names = mem.sql(
        "SELECT table_name FROM duckdb_tables() WHERE starts_with(table_name, '__splink__')"
    ).fetchall()
    for (name,) in names:
        mem.execute(f'DROP TABLE IF EXISTS "{name}"')


def copy_profiles(con: duckdb.DuckDBPyConnection, mem: duckdb.DuckDBPyConnection) -> None:
    """Copy the profile table into `mem` as table `profiles`, keyed (unique_id) by the
    profile's number: Splink joins and sorts integers much faster than mention ids."""
    _transfer(
        con,
        f"SELECT node AS unique_id, * EXCLUDE (unique_id, node) FROM {PROFILES} ORDER BY node",
        mem,
        "CREATE OR REPLACE TABLE profiles AS SELECT * FROM _transfer",
    )


def score_candidates(
    con: duckdb.DuckDBPyConnection,
    mem: duckdb.DuckDBPyConnection,
    settings: dict[str, Any],
    detail_from: float | None = None,
) -> int:
    """Score every candidate pair not already linked deterministically and not between two
    different confirmed ID numbers (clustering never joins those); return how many.

    With `detail_from`, the mw_* columns (evidence) are kept only for pairs
    scoring at least that match weight and are NULL below it: every pair keeps its
    weight, but a million-person store no longer carries evidence for millions of
    non-links."""
    from splink import DuckDBAPI, Linker

    if not settings["comparisons"]:  # the data fills no compared column: nothing to score
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {SCORED} (node_l BIGINT, node_r BIGINT, "
            "match_weight DOUBLE)"
        )
        return 0
    _transfer(
        con,
        f"""
        SELECT '0' AS match_key, c.node_l AS join_key_l, c.node_r AS join_key_r
        FROM {CANDIDATES} c ANTI JOIN {DETERMINISTIC} d USING (node_l, node_r)
        LEFT JOIN {CONFIRMED_IDS} a ON a.node = c.node_l
        LEFT JOIN {CONFIRMED_IDS} b ON b.node = c.node_r
        WHERE a.id_number IS NULL OR b.id_number IS NULL OR a.id_number = b.id_number
        """,
        mem,
        "CREATE OR REPLACE TABLE blocked_pairs AS SELECT * FROM _transfer",
    )
    db_api = DuckDBAPI(connection=mem)
    settings = {**settings, **_WEIGHTS_ONLY}
    linker = Linker(db_api.register("profiles"), settings, log_level=logging.ERROR)
    linker.table_management.register_blocked_pairs_for_predict(db_api.register("blocked_pairs"))
    predictions = linker.inference.predict(warning_mode="never")
    names = [c["output_column_name"] for c in settings["comparisons"]]
    keep = "" if detail_from is None else f"WHEN match_weight >= {float(detail_from)!r} "
    cols = ", ".join(
        f"mw_{n}" if not keep else f"CASE {keep}THEN mw_{n} END AS mw_{n}" for n in names
    )
    mem.execute("DROP TABLE IF EXISTS blocked_pairs")
    _transfer(
        mem,
        f"SELECT unique_id_l AS node_l, unique_id_r AS node_r, match_weight, {cols} "
        f"FROM {predictions.physical_name}",
        con,
        f"CREATE OR REPLACE TEMP TABLE {SCORED} AS SELECT * FROM _transfer",
    )
    drop_splink_tables(mem)
    return int(con.execute(f"SELECT count(*) FROM {SCORED}").fetchall()[0][0])


def score_records(
    settings: dict[str, Any], left: dict[str, Any], right: dict[str, Any]
) -> dict[str, Any]:
    """Score one pair of profile records with the model (no blocking); one result row."""
    from splink import DuckDBAPI, Linker

    mem = new_memory_connection()
    try:
        import pyarrow as pa

        rows = [left, right]
        mem.register("_two", pa.Table.from_pylist(rows))
        mem.execute("CREATE TABLE two AS SELECT * FROM _two")
        db_api = DuckDBAPI(connection=mem)
        linker = Linker(db_api.register("two"), {**settings, **_RETAIN}, log_level=logging.ERROR)
        mem.execute(
            "CREATE TABLE bp AS SELECT '0' AS match_key, "
            "(SELECT min(unique_id) FROM two) AS join_key_l, "
            "(SELECT max(unique_id) FROM two) AS join_key_r"
        )
        linker.table_management.register_blocked_pairs_for_predict(db_api.register("bp"))
        pred = linker.inference.predict(warning_mode="never")
        rel = mem.execute(f"SELECT * FROM {pred.physical_name}")
        desc = [d[0] for d in rel.description]
        row = rel.fetchall()[0]
        return dict(zip(desc, row, strict=True))
    finally:
        mem.close()
