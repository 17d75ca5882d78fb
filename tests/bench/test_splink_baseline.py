"""The Splink-alone baseline on a small hand-made mentions table."""

from __future__ import annotations

from importlib import resources

import duckdb
import pytest
from bench.splink_baseline import run_baseline

from docket.errors import ResolveError
from docket.resolve.evaluate import evaluate


def _store() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute((resources.files("docket") / "store" / "tables.sql").read_text("utf-8"))
    return con


def _insert_people(con: duckdb.DuckDBPyConnection, people: int) -> None:
    """Each person twice: once clean, once with a typo, a missing e-mail or a moved date."""
    con.execute(
        """
        INSERT INTO mentions (mention_id, source, record_key, file_sha256, given_name,
                              family_name, birth_date, email, region_code, loaded_at)
        WITH base AS (
            SELECT p,
                   ['anna','bert','carl','dora','emil','frida','gustav','hanna','ivan','jana',
                    'karl','lena','marta','nils','olga','paul','rita','sven','tina','ugo']
                       [1 + p % 20] AS given,
                   ['weber','novak','rossi','garcia','kowalski','smith','jones','dubois',
                    'muller','silva','horvat','nielsen','peters','berg','costa','lindqvist',
                    'moreau','fischer','ward','young','baker','hughes','price','reed','stone']
                       [1 + (p // 20) % 25] AS family,
                   DATE '1940-01-01' + CAST(hash(p) % 25000 AS INTEGER) AS dob,
                   CAST(11 + p % 30 AS VARCHAR) AS region
            FROM range(?) t(p)
        ),
        copies AS (SELECT base.*, c FROM base, range(2) r(c))
        SELECT 'people:' || p || '-' || c, 'people', p || '-' || c, 'sha',
               CASE WHEN c = 1 AND p % 4 = 0 THEN given || 'a' ELSE given END,
               CASE WHEN c = 1 AND p % 4 = 1 THEN substr(family, 2) ELSE family END,
               CASE WHEN c = 1 AND p % 4 = 2 THEN dob + 31 ELSE dob END,
               CASE WHEN c = 1 AND p % 4 = 3 THEN NULL ELSE given || '.' || family || p
                    || '@example.org' END,
               region, now()
        FROM copies
        """,
        [people],
    )
    con.execute(
        "CREATE TABLE truth AS SELECT mention_id, split_part(record_key, '-', 1) AS person_id "
        "FROM mentions"
    )


def test_baseline_finds_duplicates_and_reports_its_stages() -> None:
    con = _store()
    _insert_people(con, 300)
    stages: list[str] = []
    result = run_baseline(con, seed=1, on_stage=stages.append)
    assert result.mentions == 600
    assert set(result.columns) == {"first_name", "surname", "dob", "city", "email"}
    assert "first_name & surname" in result.blocking_rules
    assert result.extra == {"dropped_blocking_rules": {}, "em_sampled_rules": []}
    assert stages[0] == "prepare" and stages[-1] == "cluster"
    assert set(result.seconds) >= {"train: u", "train: m (EM)", "predict", "cluster"}
    assert all(s >= 0 for s in result.seconds.values())
    # Every compared pair is kept, and the clusters cover every mention.
    pairs = con.execute("SELECT count(*) FROM baseline_pairs").fetchall()[0][0]
    assert pairs == result.comparisons >= result.links > 0
    assert con.execute("SELECT count(*) FROM baseline_clusters").fetchall()[0][0] == 600
    acc = evaluate(con, result.clusters_table, "truth", pairs=result.pairs_table)
    assert acc.pairwise_precision >= 0.98
    assert acc.pairwise_recall >= 0.9
    assert acc.blocking_recall is not None and acc.blocking_recall >= acc.pairwise_recall


def test_baseline_refuses_an_empty_or_foreign_table() -> None:
    con = _store()
    with pytest.raises(ResolveError, match="holds no mentions"):
        run_baseline(con)
    con.execute("CREATE TABLE people (id INTEGER, name VARCHAR)")
    with pytest.raises(ResolveError, match="lacks the mentions column"):
        run_baseline(con, table="people")


def test_a_blocking_rule_that_would_explode_is_left_out() -> None:
    con = _store()
    _insert_people(con, 300)
    con.execute("UPDATE mentions SET given_name = 'anna'")  # everyone shares a first name
    result = run_baseline(con, seed=1, max_pairs_per_rule=5000)
    # 'anna' + 25 surnames → ~24 per key → 600·23/2 ≈ 6,900 pairs: over the limit.
    assert "first_name & surname" in result.extra["dropped_blocking_rules"]
    assert "first_name & surname" not in result.blocking_rules
    assert result.comparisons < 5000
    # EM on first_name & surname is sampled down to the same limit rather than dropped.
    assert result.extra["em_sampled_rules"] == ["first_name & surname"]
    acc = evaluate(con, result.clusters_table, "truth")
    assert acc.pairwise_recall >= 0.9
