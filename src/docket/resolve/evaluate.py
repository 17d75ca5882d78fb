"""Accuracy of a resolution against ground truth, computed in DuckDB SQL.

Inputs are tables (or views) in one DuckDB connection:

- predicted: (mention_id, cluster_id) — any id naming a predicted entity;
- truth:     (mention_id, person_id)  — the true person behind each mention;
- pairs:     (mention_id_l, mention_id_r) — optional, the pairs a resolver compared.

The population is the set of mentions in `truth`. A truth mention that has no
predicted cluster counts as a singleton; predicted mentions absent from the
truth are ignored (and counted in `Accuracy.unmatched_predictions`).

Metrics (all in [0, 1]):

- pairwise precision / recall / F1 — over unordered pairs of mentions placed in one
  cluster, counted per cell of the predicted × true contingency table as n(n-1)/2,
  so no pair is ever enumerated;
- cluster precision / recall / F1 — a predicted cluster is *correct* when its set of
  mentions equals a true person's set exactly (singletons included); precision is
  correct / predicted clusters, recall correct / true persons;
- B-cubed precision / recall / F1 — per mention, the share of its predicted cluster
  that is truly it (precision) and the share of its true person that it was
  clustered with (recall), averaged over mentions;
- blocking recall — the share of true pairs that appear among the compared pairs
  (or, with `groups`, that share a group or lie in a compared pair of groups).

When there is nothing to find (no true pairs) recall is 1; with no predicted pairs
precision is 1.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import duckdb

from docket.errors import InputError

__all__ = ["Accuracy", "blocking_recall", "evaluate", "f1", "load_truth"]

Table = str | duckdb.DuckDBPyRelation


@dataclass(frozen=True)
class Accuracy:
    """Every accuracy figure of one resolution against the truth."""

    mentions: int
    true_persons: int
    predicted_clusters: int
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int
    pairwise_precision: float
    pairwise_recall: float
    pairwise_f1: float
    correct_clusters: int
    cluster_precision: float
    cluster_recall: float
    cluster_f1: float
    bcubed_precision: float
    bcubed_recall: float
    bcubed_f1: float
    unmatched_predictions: int
    compared_pairs: int | None = None
    compared_true_pairs: int | None = None
    blocking_recall: float | None = None

    def as_dict(self) -> dict[str, Any]:
        """The figures as a plain dict (for JSON and tables)."""
        return asdict(self)


def f1(precision: float, recall: float) -> float:
    """Harmonic mean of precision and recall (0 when both are 0)."""
    return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)


def _ratio(num: float, den: float) -> float:
    return 1.0 if den == 0 else num / den


def _name(con: duckdb.DuckDBPyConnection, table: Table, what: str) -> tuple[str, str | None]:
    """A SQL name for `table`; relations become a temporary view (returned to drop)."""
    if isinstance(table, str):
        if not table.strip():
            raise InputError(what, "empty table name", hint="pass a table or view name")
        return table, None
    view = f"__eval_{what}_{uuid.uuid4().hex[:8]}"
    table.create_view(view, replace=True)
    return view, view


def _check_columns(con: duckdb.DuckDBPyConnection, table: str, what: str, cols: list[str]) -> None:
    try:
        have = {c.lower() for c in con.sql(f"SELECT * FROM {table} LIMIT 0").columns}
    except duckdb.Error as exc:
        raise InputError(what, f"cannot read {table}: {exc}", hint="create it first") from None
    missing = [c for c in cols if c not in have]
    if missing:
        raise InputError(
            what,
            f"{table} lacks column(s) {', '.join(missing)} (has {', '.join(sorted(have))})",
            hint=f"{what} needs columns {', '.join(cols)}",
        )


def load_truth(
    con: duckdb.DuckDBPyConnection, path: Path | str, *, table: str = "truth_mentions"
) -> str:
    """Load a truth CSV (source, record_key, person_uid) as temp table (mention_id, person_id)."""
    p = Path(path)
    if not p.is_file():
        raise InputError("truth", f"no truth file at {p}", hint="generate the world first")
    rel = con.read_csv(str(p), all_varchar=True)
    need = {"source", "record_key", "person_uid"}
    if not need <= set(rel.columns):
        raise InputError(
            "truth",
            f"{p} has columns {', '.join(rel.columns)}",
            hint="a truth file needs the columns source, record_key, person_uid",
        )
    rel.create_view("__truth_csv", replace=True)
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {table} AS
            SELECT source || ':' || record_key AS mention_id, person_uid AS person_id
            FROM __truth_csv"""
    )
    con.execute("DROP VIEW __truth_csv")
    return table


def blocking_recall(
    con: duckdb.DuckDBPyConnection,
    pairs: Table,
    truth: Table,
    *,
    groups: Table | None = None,
    left: str = "mention_id_l",
    right: str = "mention_id_r",
) -> tuple[int, int, int]:
    """(compared pairs, compared true pairs, true pairs) for an unordered pairs table.

    With `groups` (mention_id, group_id) the pairs are between groups — a resolver
    that collapses identical mentions into one profile compares profiles — and every
    two mentions of one group count as compared. Counted per (group, person) cell,
    never by expanding group pairs into mention pairs.
    """
    pairs_name, pv = _name(con, pairs, "pairs")
    truth_name, tv = _name(con, truth, "truth")
    groups_name, gv = _name(con, groups, "groups") if groups is not None else (None, None)
    try:
        _check_columns(con, pairs_name, "pairs", [left, right])
        _check_columns(con, truth_name, "truth", ["mention_id", "person_id"])
        if groups_name is not None:
            _check_columns(con, groups_name, "groups", ["mention_id", "group_id"])
            g_join = f"""LEFT JOIN (SELECT DISTINCT CAST(mention_id AS VARCHAR) AS mention_id,
                                           CAST(group_id AS VARCHAR) AS group_id
                                    FROM {groups_name}) g USING (mention_id)"""
            g_col = "coalesce(g.group_id, t.mention_id)"
        else:
            g_join, g_col = "", "t.mention_id"
        row = con.execute(
            f"""
            WITH t AS (SELECT DISTINCT CAST(mention_id AS VARCHAR) AS mention_id,
                              CAST(person_id AS VARCHAR) AS person_id FROM {truth_name}),
            gp AS (SELECT {g_col} AS group_id, t.person_id, count(*) AS n
                   FROM t {g_join} GROUP BY ALL),
            p AS (
                SELECT DISTINCT least(CAST({left} AS VARCHAR), CAST({right} AS VARCHAR)) AS a,
                                greatest(CAST({left} AS VARCHAR), CAST({right} AS VARCHAR)) AS b
                FROM {pairs_name}
                WHERE {left} IS NOT NULL AND {right} IS NOT NULL AND {left} <> {right}
            ),
            sizes AS (SELECT sum(n) AS n FROM gp GROUP BY person_id)
            SELECT
                (SELECT count(*) FROM p),
                (SELECT coalesce(sum(n * (n - 1) // 2), 0) FROM gp)
                + (SELECT coalesce(sum(x.n * y.n), 0)
                   FROM p JOIN gp x ON x.group_id = p.a
                          JOIN gp y ON y.group_id = p.b AND y.person_id = x.person_id),
                (SELECT coalesce(sum(n * (n - 1) // 2), 0) FROM sizes)
            """
        ).fetchall()[0]
    finally:
        for v in (pv, tv, gv):
            if v:
                con.execute(f"DROP VIEW IF EXISTS {v}")
    return int(row[0]), int(row[1]), int(row[2])


def evaluate(
    con: duckdb.DuckDBPyConnection,
    predicted: Table,
    truth: Table,
    *,
    pairs: Table | None = None,
    groups: Table | None = None,
    left: str = "mention_id_l",
    right: str = "mention_id_r",
) -> Accuracy:
    """Score `predicted` clusters against `truth`; with `pairs`, also the blocking recall.

    `groups`, `left` and `right` are passed to `blocking_recall`.
    """
    pred_name, pv = _name(con, predicted, "predicted")
    truth_name, tv = _name(con, truth, "truth")
    try:
        _check_columns(con, pred_name, "predicted", ["mention_id", "cluster_id"])
        _check_columns(con, truth_name, "truth", ["mention_id", "person_id"])
        dup = con.execute(
            f"""SELECT mention_id, count(DISTINCT person_id) FROM {truth_name}
                GROUP BY mention_id HAVING count(DISTINCT person_id) > 1 LIMIT 1"""
        ).fetchall()
        if dup:
            raise InputError(
                "truth", f"mention {dup[0][0]} has {dup[0][1]} true persons", hint="fix the truth"
            )
        dup = con.execute(
            f"""SELECT mention_id, count(DISTINCT cluster_id) FROM {pred_name}
                GROUP BY mention_id HAVING count(DISTINCT cluster_id) > 1 LIMIT 1"""
        ).fetchall()
        if dup:
            raise InputError(
                "predicted",
                f"mention {dup[0][0]} is in {dup[0][1]} clusters",
                hint="a mention belongs to exactly one predicted cluster",
            )
        row = con.execute(_METRICS_SQL.format(pred=pred_name, truth=truth_name)).fetchall()[0]
    finally:
        for v in (pv, tv):
            if v:
                con.execute(f"DROP VIEW IF EXISTS {v}")
    (n, n_true, n_pred, true_pairs, pred_pairs, tp, exact, b3p, b3r, unmatched) = row
    n = int(n)
    pp, pr = _ratio(tp, pred_pairs), _ratio(tp, true_pairs)
    cp, cr = _ratio(exact, n_pred), _ratio(exact, n_true)
    bp = 1.0 if n == 0 else float(b3p) / n
    br = 1.0 if n == 0 else float(b3r) / n
    compared = compared_true = None
    brecall = None
    if pairs is not None:
        compared, compared_true, tpairs = blocking_recall(
            con, pairs, truth, groups=groups, left=left, right=right
        )
        brecall = _ratio(compared_true, tpairs)
    return Accuracy(
        mentions=n,
        true_persons=int(n_true),
        predicted_clusters=int(n_pred),
        true_pairs=int(true_pairs),
        predicted_pairs=int(pred_pairs),
        correct_pairs=int(tp),
        pairwise_precision=pp,
        pairwise_recall=pr,
        pairwise_f1=f1(pp, pr),
        correct_clusters=int(exact),
        cluster_precision=cp,
        cluster_recall=cr,
        cluster_f1=f1(cp, cr),
        bcubed_precision=bp,
        bcubed_recall=br,
        bcubed_f1=f1(bp, br),
        unmatched_predictions=int(unmatched),
        compared_pairs=compared,
        compared_true_pairs=compared_true,
        blocking_recall=brecall,
    )


# One pass over the contingency table (predicted cluster × true person → count).
# Mentions without a predicted cluster get their own singleton id ('\x00' + mention_id).
_METRICS_SQL = """
WITH t AS (
    SELECT DISTINCT CAST(mention_id AS VARCHAR) AS mention_id,
                    CAST(person_id AS VARCHAR) AS person_id
    FROM {truth}
),
p AS (
    SELECT DISTINCT CAST(mention_id AS VARCHAR) AS mention_id,
                    CAST(cluster_id AS VARCHAR) AS cluster_id
    FROM {pred}
),
j AS (
    SELECT t.mention_id, t.person_id,
           coalesce('p' || p.cluster_id, chr(0) || t.mention_id) AS cluster_id
    FROM t LEFT JOIN p USING (mention_id)
),
cells AS (SELECT cluster_id, person_id, count(*) AS n FROM j GROUP BY ALL),
psize AS (SELECT cluster_id, sum(n) AS n FROM cells GROUP BY cluster_id),
tsize AS (SELECT person_id, sum(n) AS n FROM cells GROUP BY person_id),
scored AS (
    SELECT c.n, ps.n AS np, ts.n AS nt
    FROM cells c JOIN psize ps USING (cluster_id) JOIN tsize ts USING (person_id)
)
SELECT
    (SELECT count(*) FROM j),
    (SELECT count(*) FROM tsize),
    (SELECT count(*) FROM psize),
    (SELECT coalesce(sum(n * (n - 1) // 2), 0) FROM tsize),
    (SELECT coalesce(sum(n * (n - 1) // 2), 0) FROM psize),
    (SELECT coalesce(sum(n * (n - 1) // 2), 0) FROM cells),
    (SELECT count(*) FROM scored WHERE n = np AND n = nt),
    (SELECT coalesce(sum(n * n / np), 0) FROM scored),
    (SELECT coalesce(sum(n * n / nt), 0) FROM scored),
    (SELECT count(*) FROM p ANTI JOIN t USING (mention_id))
"""
