"""The probabilistic model: Splink settings for this data's comparisons, and storage.

The model is a Splink settings dictionary with trained m/u probabilities over the
comparisons the data's columns allow (`resolve.comparisons`). It is stored in
`resolve_models` with a version and reused until `docket resolve --retrain`, or until
the data fills other columns (a new source shape): then a model is trained for it. A
store too small to train on uses the default model shipped in `default_model.json`
(trained on a generated world of Chinese and Latin names), restricted to the columns
present — unless the data has comparisons the default lacks; then it is trained.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from importlib import resources
from typing import Any

import duckdb

from docket.errors import ResolveError
from docket.resolve.comparisons import comparisons

# Below this many profiles, EM has too few pairs to estimate m: use the shipped default.
MIN_PROFILES_TO_TRAIN = 1000
DEFAULT_PRIOR = 1e-5
# Levels that random pairs almost never reach get this u when sampling saw none.
U_FLOOR = 1e-5


def fill_missing(settings: dict[str, Any]) -> dict[str, Any]:
    """Give every level an m and u: the starting m where EM saw none, U_FLOOR for u."""
    starting = {c["output_column_name"]: c for c in comparisons()}
    for comp in settings["comparisons"]:
        start_levels = starting.get(comp["output_column_name"], {}).get("comparison_levels", [])
        for i, level in enumerate(comp["comparison_levels"]):
            if level.get("is_null_level"):
                continue
            if level.get("m_probability") is None and i < len(start_levels):
                level["m_probability"] = start_levels[i].get("m_probability", 0.01)
            if level.get("u_probability") is None:
                level["u_probability"] = U_FLOOR
    return settings


def base_settings(present: frozenset[str] | None = None) -> dict[str, Any]:
    """Untrained settings: the comparisons `present` columns allow (all when None),
    profiles keyed by unique_id, one dedupe job."""
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "unique_id",
        "probability_two_random_records_match": DEFAULT_PRIOR,
        "comparisons": comparisons(present),
        "blocking_rules_to_generate_predictions": [],
        "retain_matching_columns": True,
        "retain_intermediate_calculation_columns": True,
        "max_iterations": 20,
        "em_convergence": 0.001,
    }


def names(settings: dict[str, Any]) -> list[str]:
    """The comparison names of a settings dict."""
    return [c["output_column_name"] for c in settings["comparisons"]]


def restrict(settings: dict[str, Any], present: frozenset[str]) -> dict[str, Any] | None:
    """`settings` with only the comparisons `present` columns allow, or None when the data
    allows a comparison `settings` lacks (it was made for another shape of data)."""
    wanted = names(base_settings(present))
    if not set(wanted) <= set(names(settings)):
        return None
    kept = [c for c in settings["comparisons"] if c["output_column_name"] in wanted]
    return {**settings, "comparisons": kept}


def default_settings() -> dict[str, Any]:
    """The model shipped with the package (for stores too small to train on)."""
    text = (resources.files("docket.resolve") / "default_model.json").read_text("utf-8")
    try:
        settings: dict[str, Any] = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ResolveError(
            f"docket/resolve/default_model.json: not valid JSON ({exc})",
            hint="reinstall Docket; the shipped default model is damaged",
        ) from None
    return settings


def latest(con: duckdb.DuckDBPyConnection) -> tuple[int, dict[str, Any], str] | None:
    """The newest stored model (version, settings, origin), or None."""
    rows = con.execute(
        "SELECT version, settings, origin FROM resolve_models ORDER BY version DESC LIMIT 1"
    ).fetchall()
    if not rows:
        return None
    return int(rows[0][0]), json.loads(rows[0][1]), str(rows[0][2])


def store(
    con: duckdb.DuckDBPyConnection, settings: dict[str, Any], *, origin: str, profiles: int
) -> int:
    """Append a model version; return its number."""
    version = int(
        con.execute("SELECT coalesce(max(version), 0) + 1 FROM resolve_models").fetchall()[0][0]
    )
    con.execute(
        "INSERT INTO resolve_models VALUES (?, ?, ?, ?, ?)",
        [version, datetime.now(UTC), origin, profiles, json.dumps(settings)],
    )
    return version
