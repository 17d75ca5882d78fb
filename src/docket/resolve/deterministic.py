"""Deterministic links: a shared valid strong identifier with compatible names.

Two profiles are linked without scoring when they carry the same *valid* resident
ID number (GB 11643 check digit and date valid), or the same passport number, and
their names are compatible: either name missing, the same Hanzi, or — when one
side has no Hanzi — the same syllables in any order (name_key) or pinyin
Jaro-Winkler >= 0.95 with the same initials. Two different Hanzi names (a
relative's ID used under another name, a homophone) are not linked here; the
probabilistic model decides them.

A contact record — a profile with a phone or e-mail but no ID number, passport
or date of birth, like a social-media registration — is linked to the one
person holding that phone / e-mail among the other records, when its name is an
alias ('Sunny') or compatible with the holder's. A phone held by several people
(a household line) links nothing here.
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


CONTACT_RULE = "contact record: same phone or e-mail as its only holder"


def build_deterministic(con: duckdb.DuckDBPyConnection) -> int:
    """Create the temp table of deterministic links among the candidates; return its size."""
    rule_case = " ".join(f"WHEN {cond} THEN '{name}'" for name, cond in RULES.items())
    any_rule = " OR ".join(f"({cond})" for cond in RULES.values())
    valid_ids = "count(DISTINCT CASE WHEN id_valid THEN id_number END)"
    single = f"{valid_ids} = 1 OR ({valid_ids} = 0 AND count(DISTINCT name_key) = 1)"
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _rs_single_holder AS
        SELECT 'p' || phone AS k FROM {PROFILES} WHERE NOT contact_only AND phone IS NOT NULL
        GROUP BY phone HAVING {single}
        UNION ALL
        SELECT 'e' || email FROM {PROFILES} WHERE NOT contact_only AND email IS NOT NULL
        GROUP BY email HAVING {single}
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {DETERMINISTIC} AS
        SELECT c.profile_id_l, c.profile_id_r, CASE {rule_case} END AS rule
        FROM {CANDIDATES} c
        JOIN {PROFILES} l ON l.unique_id = c.profile_id_l
        JOIN {PROFILES} r ON r.unique_id = c.profile_id_r
        WHERE ({any_rule}) AND {COMPATIBLE_NAMES}
        UNION ALL
        SELECT c.profile_id_l, c.profile_id_r, '{CONTACT_RULE}'
        FROM {CANDIDATES} c
        JOIN {PROFILES} l ON l.unique_id = c.profile_id_l
        JOIN {PROFILES} r ON r.unique_id = c.profile_id_r
        WHERE l.contact_only <> r.contact_only
          AND NOT coalesce({any_rule}, false)
          AND ((l.phone = r.phone AND 'p' || l.phone IN (SELECT k FROM _rs_single_holder))
               OR (l.email = r.email AND 'e' || l.email IN (SELECT k FROM _rs_single_holder)))
          AND (NOT coalesce(l.person_name AND r.person_name, false) OR {COMPATIBLE_NAMES})
        """
    )
    con.execute("DROP TABLE _rs_single_holder")
    return int(con.execute(f"SELECT count(*) FROM {DETERMINISTIC}").fetchall()[0][0])
