"""Accuracy figures on tiny hand-made resolutions whose numbers are known."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from docket.errors import InputError
from docket.resolve.evaluate import blocking_recall, evaluate, f1, load_truth


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    c = duckdb.connect()
    # Truth: A has 3 mentions, B has 2, C has 1 → 3 + 1 = 4 true pairs.
    c.execute("CREATE TABLE truth (mention_id VARCHAR, person_id VARCHAR)")
    c.execute(
        "INSERT INTO truth VALUES ('m1','A'),('m2','A'),('m3','A'),('m4','B'),('m5','B'),('m6','C')"
    )
    return c


def _predict(con: duckdb.DuckDBPyConnection, rows: list[tuple[str, str]]) -> None:
    con.execute("CREATE OR REPLACE TABLE pred (mention_id VARCHAR, cluster_id VARCHAR)")
    con.executemany("INSERT INTO pred VALUES (?, ?)", rows)


def test_perfect_resolution_scores_one_everywhere(con: duckdb.DuckDBPyConnection) -> None:
    _predict(con, [("m1", "x"), ("m2", "x"), ("m3", "x"), ("m4", "y"), ("m5", "y"), ("m6", "z")])
    acc = evaluate(con, "pred", "truth")
    assert (acc.true_pairs, acc.predicted_pairs, acc.correct_pairs) == (4, 4, 4)
    assert acc.pairwise_f1 == acc.cluster_f1 == acc.bcubed_f1 == 1.0
    assert acc.correct_clusters == 3


def test_split_and_merge_count_pairs_from_the_contingency_table(
    con: duckdb.DuckDBPyConnection,
) -> None:
    # A split into {m1,m2} and {m3}; B merged with C into {m4,m5,m6}.
    _predict(con, [("m1", "x"), ("m2", "x"), ("m3", "w"), ("m4", "y"), ("m5", "y"), ("m6", "y")])
    acc = evaluate(con, "pred", "truth")
    # Predicted pairs: 1 (x) + 3 (y) = 4; correct: m1-m2 and m4-m5 = 2; true pairs 4.
    assert (acc.predicted_pairs, acc.correct_pairs, acc.true_pairs) == (4, 2, 4)
    assert acc.pairwise_precision == 0.5
    assert acc.pairwise_recall == 0.5
    assert acc.pairwise_f1 == 0.5
    # No predicted cluster equals a true one exactly: {m1,m2}≠A, {m3}≠A, {m4,m5,m6}≠B.
    assert acc.correct_clusters == 0
    assert acc.cluster_f1 == 0.0
    # B-cubed precision: m1,m2,m3: 1; m4,m5: 2/3; m6: 1/3 → (3 + 4/3 + 1/3) / 6.
    assert acc.bcubed_precision == pytest.approx((3 + 4 / 3 + 1 / 3) / 6)
    # B-cubed recall: m1,m2: 2/3; m3: 1/3; m4,m5,m6: 1 → (4/3 + 1/3 + 3) / 6.
    assert acc.bcubed_recall == pytest.approx((4 / 3 + 1 / 3 + 3) / 6)


def test_missing_predictions_are_singletons_and_extras_are_ignored(
    con: duckdb.DuckDBPyConnection,
) -> None:
    _predict(con, [("m1", "x"), ("m2", "x"), ("m4", "y"), ("m5", "y"), ("zz", "y")])
    acc = evaluate(con, "pred", "truth")
    assert acc.mentions == 6
    assert acc.unmatched_predictions == 1
    assert acc.predicted_pairs == 2  # m1-m2, m4-m5: zz is not in the truth
    assert acc.pairwise_precision == 1.0
    assert acc.pairwise_recall == 0.5
    assert acc.pairwise_f1 == pytest.approx(f1(1.0, 0.5))
    # B and C are exactly found ({m4,m5}; m6 alone); A is not. 4 predicted clusters.
    assert acc.predicted_clusters == 4
    assert acc.correct_clusters == 2
    assert acc.cluster_precision == 0.5
    assert acc.cluster_recall == pytest.approx(2 / 3)


def test_large_cluster_counts_pairs_without_enumerating(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(
        "CREATE TABLE big_truth AS SELECT 'm' || i AS mention_id, 'P' AS person_id "
        "FROM range(100000) t(i)"
    )
    con.execute(
        "CREATE TABLE big_pred AS SELECT 'm' || i AS mention_id, i % 2 AS cluster_id "
        "FROM range(100000) t(i)"
    )
    acc = evaluate(con, "big_pred", "big_truth")
    assert acc.true_pairs == 100000 * 99999 // 2
    assert acc.correct_pairs == 2 * (50000 * 49999 // 2)
    assert acc.pairwise_precision == 1.0


def test_blocking_recall_counts_unordered_true_pairs_once(con: duckdb.DuckDBPyConnection) -> None:
    _predict(con, [("m1", "x"), ("m2", "x"), ("m3", "x"), ("m4", "y"), ("m5", "y"), ("m6", "z")])
    con.execute("CREATE TABLE pairs (mention_id_l VARCHAR, mention_id_r VARCHAR)")
    # m1-m2 twice (both orders), m4-m5, and a false pair m3-m6: 2 of 4 true pairs compared.
    con.execute("INSERT INTO pairs VALUES ('m1','m2'),('m2','m1'),('m5','m4'),('m3','m6')")
    acc = evaluate(con, "pred", "truth", pairs="pairs")
    assert acc.compared_pairs == 3
    assert acc.compared_true_pairs == 2
    assert acc.blocking_recall == 0.5


def test_relations_are_accepted(con: duckdb.DuckDBPyConnection) -> None:
    pred = con.sql("SELECT mention_id, person_id AS cluster_id FROM truth")
    assert evaluate(con, pred, con.sql("SELECT * FROM truth")).pairwise_f1 == 1.0


def test_truth_csv_is_keyed_by_source_and_record(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    csv = tmp_path / "mentions.csv"
    csv.write_text("source,record_key,person_uid\nhotel,001,P1\nrail,9,P1\nhotel,002,P2\n")
    name = load_truth(con, csv)
    assert sorted(con.sql(f"SELECT * FROM {name}").fetchall()) == [
        ("hotel:001", "P1"),
        ("hotel:002", "P2"),
        ("rail:9", "P1"),
    ]


def test_wrong_inputs_name_the_problem(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    con.execute("CREATE TABLE bad (mention_id VARCHAR, entity VARCHAR)")
    with pytest.raises(InputError, match="cluster_id"):
        evaluate(con, "bad", "truth")
    _predict(con, [("m1", "x"), ("m1", "y")])
    with pytest.raises(InputError, match="m1 is in 2 clusters"):
        evaluate(con, "pred", "truth")
    with pytest.raises(InputError, match="no truth file"):
        load_truth(con, tmp_path / "absent.csv")


def test_blocking_recall_over_groups_counts_pairs_inside_a_group(
    con: duckdb.DuckDBPyConnection,
) -> None:
    # m1 and m2 are identical (one profile g1); m3 alone (g3); B's m4, m5 in g4, g5.
    con.execute("CREATE TABLE groups (mention_id VARCHAR, group_id VARCHAR)")
    con.execute("INSERT INTO groups VALUES ('m1','g1'),('m2','g1'),('m3','g3'),('m4','g4')")
    con.execute("CREATE TABLE gpairs (profile_id_l VARCHAR, profile_id_r VARCHAR)")
    # g1-g3 compares m1-m3 and m2-m3; g4-m5 (m5 has no group: its own id) compares m4-m5.
    con.execute("INSERT INTO gpairs VALUES ('g3','g1'),('g4','m5'),('g3','m6')")
    compared, found, true = blocking_recall(
        con, "gpairs", "truth", groups="groups", left="profile_id_l", right="profile_id_r"
    )
    assert (compared, found, true) == (3, 4, 4)
    con.execute("DELETE FROM gpairs WHERE profile_id_l = 'g4'")
    _predict(con, [("m1", "x"), ("m2", "x"), ("m3", "x")])
    acc = evaluate(
        con,
        "pred",
        "truth",
        pairs="gpairs",
        groups="groups",
        left="profile_id_l",
        right="profile_id_r",
    )
    assert acc.blocking_recall == 0.75
