"""The benchmark baseline: Splink alone, configured the way its own tutorials configure it.

This is what a competent user of Splink 5 would write from the Splink tutorials
("Estimating model parameters", "Deduplicate 50k synthetic") for the columns of
Docket's `mentions` table: NameComparison on first name and surname,
DateOfBirthComparison, EmailComparison, Jaro-Winkler on the address, ExactMatch (with
term-frequency adjustment) on region, ExactMatch on phone and on the identity numbers the data
carries; blocking on name pairs, name + date of birth and the exact identifiers
(a rule that alone would generate more than max(1e6, 20 per record) comparisons is
left out, as the blocking tutorial teaches to check; an EM rule that large, or over
1e7 pairs, is sampled down with Splink's own `max_pairs`);
the prior from deterministic rules at a guessed recall of 0.7; u from 1e7 random
pairs; m by EM on `first_name, surname` and on `dob` (without term frequencies, as the
50k-synthetic demo does); connected components at a
match probability of 0.9. Columns that are empty in the data are left out, as a
user would. Nothing here is tuned to the synthetic world.

`run_baseline` works on a table in the DuckDB connection it is given and leaves
two tables there: `baseline_clusters(mention_id, cluster_id)` and
`baseline_pairs(mention_id_l, mention_id_r, match_probability)` (every compared pair).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import duckdb

from docket.errors import ResolveError

__all__ = ["BASELINE_THRESHOLD", "BaselineResult", "run_baseline"]

BASELINE_THRESHOLD = 0.9  # match probability at which pairs are clustered
EM_MAX_PAIRS = 1e7  # an EM rule with more pairs is sampled (Splink's max_pairs)

# Tutorial column name ← mentions column.
_COLUMNS = {
    "first_name": "given_name",
    "surname": "family_name",
    "dob": "birth_date",
    "city": "region_code",
    "email": "email",
    "address": "address",
    "phone": "phone",
    "id_number": "id_number",
    "passport": "passport",
}
_INPUT = "__baseline_input"


@dataclass(frozen=True)
class BaselineResult:
    """What the baseline did: wall seconds per stage, comparisons, clusters."""

    mentions: int
    comparisons: int
    links: int  # compared pairs at or above the threshold
    clusters: int
    seconds: dict[str, float]
    columns: list[str]
    blocking_rules: list[str]
    clusters_table: str = "baseline_clusters"
    pairs_table: str = "baseline_pairs"
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def total_seconds(self) -> float:
        """Wall time of every stage together."""
        return sum(self.seconds.values())


def _present_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    """Tutorial columns whose mentions column has at least one value."""
    have = {c.lower() for c in con.sql(f"SELECT * FROM {table} LIMIT 0").columns}
    missing = [c for c in ("mention_id", *_COLUMNS.values()) if c not in have]
    if missing:
        raise ResolveError(
            f"{table} lacks the mentions column(s) {', '.join(missing)}",
            hint="run the baseline on a table with the columns of store/tables.sql `mentions`",
        )
    counts = ", ".join(f"count({src})" for src in _COLUMNS.values())
    row = con.execute(f"SELECT count(*), {counts} FROM {table}").fetchall()[0]
    if row[0] == 0:
        raise ResolveError(f"{table} holds no mentions", hint="run `docket ingest` first")
    return [name for name, n in zip(_COLUMNS, row[1:], strict=True) if n]


_CANDIDATE_RULES: list[tuple[str, ...]] = [
    ("first_name", "surname"),
    ("surname", "dob"),
    ("first_name", "dob"),
    ("email",),
    ("phone",),
    ("id_number",),
    ("passport",),
]


def _limit(n: int, max_pairs: float | None) -> float:
    return max(1e6, 20.0 * n) if max_pairs is None else max_pairs


def _pair_count(con: duckdb.DuckDBPyConnection, rule: tuple[str, ...]) -> int:
    """Record pairs an equality blocking rule generates (before de-duplication)."""
    notnull = " AND ".join(f"{c} IS NOT NULL" for c in rule)
    groups = f"SELECT count(*) AS k FROM {_INPUT} WHERE {notnull} GROUP BY {', '.join(rule)}"
    sql = f"SELECT coalesce(sum(k * (k - 1) // 2), 0) FROM ({groups})"
    return int(con.execute(sql).fetchall()[0][0])


def _blocking_rules(
    con: duckdb.DuckDBPyConnection,
    has: Callable[[str], bool],
    n: int,
    max_pairs: float | None,
) -> tuple[list[tuple[str, ...]], dict[str, int]]:
    """Tutorial candidate rules on present columns, minus any that alone would generate
    more than `max_pairs` comparisons (default max(1e6, 20 per record)) — the check
    Splink's blocking tutorial teaches before predicting."""
    limit = _limit(n, max_pairs)
    kept: list[tuple[str, ...]] = []
    dropped: dict[str, int] = {}
    for rule in _CANDIDATE_RULES:
        if not all(has(c) for c in rule):
            continue
        pairs = _pair_count(con, rule)
        if pairs > limit:
            dropped[" & ".join(rule)] = int(pairs)
        else:
            kept.append(rule)
    if not kept:
        raise ResolveError(
            f"every blocking rule of the baseline would generate more than {limit:.0f} pairs",
            hint="raise max_pairs_per_rule",
        )
    return kept, dropped


def run_baseline(
    con: duckdb.DuckDBPyConnection,
    *,
    table: str = "mentions",
    threshold: float = BASELINE_THRESHOLD,
    u_max_pairs: float = 1e7,
    seed: int | None = None,
    max_pairs_per_rule: float | None = None,
    on_stage: Callable[[str], None] | None = None,
) -> BaselineResult:
    """Deduplicate `table` with Splink as its tutorials do; leave clusters and pairs in `con`."""
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on
    from splink import comparison_library as cl

    seconds: dict[str, float] = {}

    def stage(name: str) -> None:
        if on_stage is not None:
            on_stage(name)

    stage("prepare")
    t0 = time.perf_counter()
    cols = _present_columns(con, table)
    select = ", ".join(f"{_COLUMNS[c]} AS {c}" for c in cols)
    con.execute(
        f"CREATE OR REPLACE TABLE {_INPUT} AS SELECT mention_id AS unique_id, {select} FROM {table}"
    )
    n = int(con.execute(f"SELECT count(*) FROM {_INPUT}").fetchall()[0][0])
    has = set(cols).__contains__

    comparisons: list[Any] = []
    if has("first_name"):
        comparisons.append(cl.NameComparison("first_name"))
    if has("surname"):
        comparisons.append(cl.NameComparison("surname"))
    if has("dob"):
        comparisons.append(cl.DateOfBirthComparison("dob", input_is_string=False))
    if has("city"):
        comparisons.append(cl.ExactMatch("city").configure(term_frequency_adjustments=True))
    if has("email"):
        comparisons.append(cl.EmailComparison("email"))
    if has("address"):
        comparisons.append(cl.JaroWinklerAtThresholds("address", [0.95, 0.88]))
    comparisons += [cl.ExactMatch(c) for c in ("phone", "id_number", "passport") if has(c)]
    if len(comparisons) < 2:
        raise ResolveError(
            f"{table} has too few filled columns for the baseline ({', '.join(cols)})",
            hint="the baseline needs names plus date of birth or another identifier",
        )

    rules, dropped = _blocking_rules(con, has, n, max_pairs_per_rule)
    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=[block_on(*r) for r in rules],
        retain_intermediate_calculation_columns=False,
    )
    db_api = DuckDBAPI(connection=con)
    linker = Linker(db_api.register(_INPUT), settings, log_level=None)
    # Splink logs every training step; the stages are reported through `on_stage`.
    logging.getLogger("splink").setLevel(logging.ERROR)
    seconds["prepare"] = time.perf_counter() - t0

    stage("prior (deterministic rules)")
    t0 = time.perf_counter()
    deterministic = [r for r in [("first_name", "surname", "dob"), ("email",)] if all(map(has, r))]
    if not deterministic:
        deterministic = [rules[0]]
    linker.training.estimate_probability_two_random_records_match(
        [block_on(*r) for r in deterministic], recall=0.7
    )
    seconds["train: prior"] = time.perf_counter() - t0

    stage(f"u by random sampling ({u_max_pairs:.0e} pairs)")
    t0 = time.perf_counter()
    linker.training.estimate_u_using_random_sampling(max_pairs=u_max_pairs, seed=seed)
    seconds["train: u"] = time.perf_counter() - t0

    stage("m by expectation maximisation")
    t0 = time.perf_counter()
    em_sampled: list[str] = []
    em_rules = [r for r in [("first_name", "surname"), ("dob",)] if all(map(has, r))]
    limit = min(_limit(n, max_pairs_per_rule), EM_MAX_PAIRS)
    for r in em_rules or [rules[0]]:
        # A rule larger than that is sampled down with Splink's own max_pairs.
        big = _pair_count(con, r) > limit
        linker.training.estimate_parameters_using_expectation_maximisation(
            block_on(*r), estimate_without_term_frequencies=True, max_pairs=limit if big else None
        )
        if big:
            em_sampled.append(" & ".join(r))
    seconds["train: m (EM)"] = time.perf_counter() - t0

    stage("predict")
    t0 = time.perf_counter()
    predicted = linker.inference.predict()
    con.execute(
        f"""CREATE OR REPLACE TABLE baseline_pairs AS
            SELECT unique_id_l AS mention_id_l, unique_id_r AS mention_id_r, match_probability
            FROM {predicted.physical_name}"""
    )
    seconds["predict"] = time.perf_counter() - t0

    stage("cluster")
    t0 = time.perf_counter()
    clustered = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predicted, threshold_match_probability=threshold
    )
    con.execute(
        f"""CREATE OR REPLACE TABLE baseline_clusters AS
            SELECT unique_id AS mention_id, CAST(cluster_id AS VARCHAR) AS cluster_id
            FROM {clustered.physical_name}"""
    )
    seconds["cluster"] = time.perf_counter() - t0

    comps, links = con.execute(
        "SELECT count(*), count(*) FILTER (match_probability >= ?) FROM baseline_pairs",
        [threshold],
    ).fetchall()[0]
    n_clusters = con.execute("SELECT count(DISTINCT cluster_id) FROM baseline_clusters").fetchall()[
        0
    ][0]
    return BaselineResult(
        mentions=n,
        comparisons=int(comps),
        links=int(links),
        clusters=int(n_clusters),
        seconds=seconds,
        columns=cols,
        blocking_rules=[" & ".join(r) for r in rules],
        extra={"dropped_blocking_rules": dropped, "em_sampled_rules": em_sampled},
    )
