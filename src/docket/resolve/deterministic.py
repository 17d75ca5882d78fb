"""Deterministic links: a shared valid strong identifier with compatible names.

Two profiles are linked without scoring when they carry the same *valid* resident
ID number (GB 11643 check digit and date valid), or the same passport number, and
their names are compatible: either name missing, the same Hanzi, or — when one
side has no Hanzi — the same syllables in any order (name_key) or pinyin
Jaro-Winkler >= 0.95 with the same initials. Two different Hanzi names (a
relative's ID used under another name, a homophone) are not linked here; the
probabilistic model decides them.
"""

from __future__ import annotations

import duckdb

from docket.resolve.blocking import CANDIDATES
from docket.resolve.profiles import PROFILES

DETERMINISTIC = "_rs_deterministic"

COMPATIBLE_NAMES = """(
    l.name_pinyin IS NULL OR r.name_pinyin IS NULL
    OR l.name_hanzi = r.name_hanzi
    OR (l.name_key = r.name_key
        AND (l.name_hanzi IS NULL OR r.name_hanzi IS NULL))
    OR ((l.name_hanzi IS NULL OR r.name_hanzi IS NULL) AND l.initials = r.initials
        AND jaro_winkler_similarity(l.name_pinyin, r.name_pinyin) >= 0.95)
)"""

RULES = {
    "same valid ID number, compatible names": (
        "l.id_valid AND r.id_valid AND l.id_number = r.id_number"
    ),
    "same passport, compatible names": "l.passport = r.passport",
}


def build_deterministic(con: duckdb.DuckDBPyConnection) -> int:
    """Create the temp table of deterministic links among the candidates; return its size."""
    rule_case = " ".join(f"WHEN {cond} THEN '{name}'" for name, cond in RULES.items())
    any_rule = " OR ".join(f"({cond})" for cond in RULES.values())
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {DETERMINISTIC} AS
        SELECT c.profile_id_l, c.profile_id_r, CASE {rule_case} END AS rule
        FROM {CANDIDATES} c
        JOIN {PROFILES} l ON l.unique_id = c.profile_id_l
        JOIN {PROFILES} r ON r.unique_id = c.profile_id_r
        WHERE ({any_rule}) AND {COMPATIBLE_NAMES}
        """
    )
    return int(con.execute(f"SELECT count(*) FROM {DETERMINISTIC}").fetchall()[0][0])
