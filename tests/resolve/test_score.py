"""Splink's private database stays inside the store's memory budget."""

from __future__ import annotations

from pathlib import Path

import duckdb

from docket.resolve.score import memory_limit, new_memory_connection


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
