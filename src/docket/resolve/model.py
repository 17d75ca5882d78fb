"""The probabilistic model: Splink comparisons for this data, training, storage.

The model is a Splink settings dictionary with trained m/u probabilities. It is
stored in `resolve_models` with a version and reused until `docket resolve
--retrain`. A store too small to train on uses the default model shipped in
`default_model.json` (trained on a generated world of Chinese and Latin names).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from importlib import resources
from typing import Any

import duckdb

from docket.errors import ResolveError

# Below this many profiles, EM has too few pairs to estimate m: use the shipped default.
MIN_PROFILES_TO_TRAIN = 1000
DEFAULT_PRIOR = 1e-5


def _null(col: str) -> dict[str, Any]:
    return {
        "sql_condition": f'"{col}_l" IS NULL OR "{col}_r" IS NULL',
        "label_for_charts": f"{col} missing",
        "is_null_level": True,
    }


def _level(sql: str, label: str, m: float) -> dict[str, Any]:
    # m is the starting value for EM (and the value kept where EM cannot estimate it)
    return {"sql_condition": sql, "label_for_charts": label, "m_probability": m}


def _level_fixed(sql: str, label: str, m: float) -> dict[str, Any]:
    """A level whose m EM must not move: its agreeing pairs are mostly relatives (same
    family name, other given name; household members share address and often birth
    data), which EM on blocked pairs would take for matches."""
    return {**_level(sql, label, m), "fix_m_probability": True}


def _else(m: float) -> dict[str, Any]:
    return {"sql_condition": "ELSE", "label_for_charts": "different", "m_probability": m}


# Strong identifiers: error rates are a property of the source systems, not of the
# pairs EM happens to see (relatives sharing one ID would teach EM that matches
# disagree on IDs), so their m values are fixed, documented here.
_FIXED_M = ("id_number", "passport")
# Counted once: with the same ID number, date of birth and sex say nothing more.
_IMPLIED_BY_ID = ("birth_date", "sex")
# Not counted on top of the same ID number under another name (pinyin Jaro-Winkler < 0.8): an
# ID borrowed by a relative comes with the lender's address, so the two agree together far
# more often than independently (at a million people they made most false links).
ADDRESS_WITH_ID = "address missing, or not counted: the same ID number under another name"
# Levels that random pairs almost never reach get this u when sampling saw none.
U_FLOOR = 1e-5


def _comparison(
    name: str, description: str, null_col: str, *levels: dict[str, Any]
) -> dict[str, Any]:
    null = _null(null_col)
    if name in _IMPLIED_BY_ID:  # ingest derives birth date and sex from the ID number
        null = {
            **null,
            "sql_condition": null["sql_condition"] + ' OR "id_number_l" = "id_number_r"',
            "label_for_charts": f"{null_col} missing, or implied by the same ID number",
        }
    if name == "address":
        null = {
            **null,
            "sql_condition": null["sql_condition"] + ' OR ("id_number_l" = "id_number_r" AND '
            'coalesce(jaro_winkler_similarity("name_pinyin_l", "name_pinyin_r"), 0) < 0.8)',
            "label_for_charts": ADDRESS_WITH_ID,
        }
    if name == "name":  # an alias ('Sunny', '奔跑的蜗牛') is no name evidence either way
        null = {
            **null,
            "sql_condition": null["sql_condition"]
            + ' OR NOT "person_name_l" OR NOT "person_name_r"',
            "label_for_charts": "name missing, or an alias",
        }
    out: dict[str, Any] = {
        "output_column_name": name,
        "comparison_description": description,
        "comparison_levels": [null, *levels],
    }
    if name in _FIXED_M:
        for level in out["comparison_levels"][1:]:
            level["fix_m_probability"] = True
    return out


def comparisons() -> list[dict[str, Any]]:
    """The comparisons, each level with the label an analyst sees in `docket explain`."""
    jw = 'jaro_winkler_similarity("name_pinyin_l", "name_pinyin_r")'
    swapped = (  # day and month swapped
        'year("birth_date_l") = year("birth_date_r") AND month("birth_date_l") = '
        'day("birth_date_r") AND day("birth_date_l") = month("birth_date_r")'
    )
    parts_equal = (
        '(CAST(year("birth_date_l") = year("birth_date_r") AS INT)'
        ' + CAST(month("birth_date_l") = month("birth_date_r") AS INT)'
        ' + CAST(day("birth_date_l") = day("birth_date_r") AS INT))'
    )
    # hamming on padded strings: a typo differs in one digit, a transposition in two;
    # ~6x cheaper than damerau_levenshtein on 18 characters
    digits_apart = "hamming(rpad(\"id_number_l\", 18, '_'), rpad(\"id_number_r\", 18, '_'))"
    same_family = '"family_name_l" = "family_name_r"'
    short_form = (
        '("given_name_l" IS NULL OR "given_name_r" IS NULL'
        ' OR starts_with("given_name_l", "given_name_r")'
        ' OR starts_with("given_name_r", "given_name_l"))'
    )
    jw_given = 'jaro_winkler_similarity("given_name_l", "given_name_r")'
    addr = 'lower("address_l"), lower("address_r")'
    return [
        _comparison(
            "name",
            "name: Hanzi, pinyin or Latin",
            "name_pinyin",
            _level('"name_hanzi_l" = "name_hanzi_r"', "same Hanzi name", 0.70),
            _level(
                "replace(\"name_pinyin_l\", ' ', '') = replace(\"name_pinyin_r\", ' ', '')",
                "same name (pinyin / Latin)",
                0.10,
            ),
            _level('"name_key_l" = "name_key_r"', "same name, other order", 0.05),
            _level(
                'length("name_hanzi_l") = length("name_hanzi_r") '
                'AND levenshtein("name_hanzi_l", "name_hanzi_r") = 1',
                "Hanzi name, one character differs",
                0.04,
            ),
            _level(
                f"{same_family} AND {short_form}",
                "same family name, given name an initial, short form or missing",
                0.03,
            ),
            _level(
                f"{same_family} AND {jw_given} >= 0.88",
                "same family name, given name nearly the same",
                0.03,
            ),
            _level(
                '"given_name_l" = "given_name_r" AND jaro_winkler_similarity('
                '"family_name_l", "family_name_r") >= 0.88',
                "same given name, family name nearly the same",
                0.02,
            ),
            # a relative far more often than a nickname: m fixed low (see _level_fixed)
            _level_fixed(f"{same_family}", "same family name, other given name", 0.002),
            _level(f"{jw} >= 0.9", "name nearly the same (Jaro-Winkler >= 0.9)", 0.01),
            _level(
                '"initials_l" = "initials_r" OR "initials_l" = reverse("initials_r")',
                "same initials",
                0.005,
            ),
            # fixed: EM on pairs sharing an ID would learn from IDs lent to relatives
            {**_else(0.003), "fix_m_probability": True},
        ),
        _comparison(
            "birth_date",
            "date of birth",
            "birth_date",
            _level('"birth_date_l" = "birth_date_r"', "same date of birth", 0.90),
            _level(
                f"{parts_equal} = 2 OR ({swapped})",
                "date of birth one part off",
                0.06,
            ),
            _level('year("birth_date_l") = year("birth_date_r")', "same birth year", 0.02),
            _else(0.02),
        ),
        _comparison(
            "id_number",
            "resident identity number",
            "id_number",
            _level('"id_number_l" = "id_number_r"', "same ID number", 0.93),
            _level(f"{digits_apart} <= 2", "ID number one typo or transposition apart", 0.04),
            _level(f"{digits_apart} <= 4", "ID number three or four digits apart", 0.01),
            _else(0.02),
        ),
        _comparison(
            "passport",
            "passport number",
            "passport",
            _level('"passport_l" = "passport_r"', "same passport", 0.95),
            _level(
                'damerau_levenshtein("passport_l", "passport_r") <= 1', "passport one typo", 0.03
            ),
            _else(0.02),
        ),
        _comparison(
            "phone",
            "phone (E.164)",
            "phone",
            _level('"phone_l" = "phone_r"', "same phone", 0.85),
            _else(0.15),
        ),
        _comparison(
            "email",
            "e-mail",
            "email",
            _level('lower("email_l") = lower("email_r")', "same e-mail", 0.85),
            _level(
                "split_part(lower(\"email_l\"), '@', 1) = split_part(lower(\"email_r\"), '@', 1)",
                "same e-mail user name",
                0.05,
            ),
            _else(0.10),
        ),
        _comparison(
            "region",
            "registration region (GB/T 2260)",
            "region_code",
            _level('"region_code_l" = "region_code_r"', "same region", 0.85),
            _level('left("region_code_l", 4) = left("region_code_r", 4)', "same prefecture", 0.07),
            _level('left("region_code_l", 2) = left("region_code_r", 2)', "same province", 0.04),
            _else(0.04),
        ),
        _comparison(
            "address",
            "address",
            "address",
            _level('lower("address_l") = lower("address_r")', "same address", 0.70),
            _level(f"jaro_winkler_similarity({addr}) >= 0.9", "address nearly the same", 0.12),
            _else(0.18),
        ),
        _comparison(
            "sex",
            "sex",
            "sex",
            _level('"sex_l" = "sex_r"', "same sex", 0.97),
            _else(0.03),
        ),
    ]


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


def base_settings() -> dict[str, Any]:
    """Untrained settings: our comparisons, profiles keyed by unique_id, one dedupe job."""
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "unique_id",
        "probability_two_random_records_match": DEFAULT_PRIOR,
        "comparisons": comparisons(),
        "blocking_rules_to_generate_predictions": [],
        "retain_matching_columns": True,
        "retain_intermediate_calculation_columns": True,
        "max_iterations": 20,
        "em_convergence": 0.001,
    }


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
