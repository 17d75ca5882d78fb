"""Blocking: which profile pairs are compared at all.

Blocking recall (the share of true pairs ever compared) caps F1, so several
complementary keys are used; a true pair needs to agree on only one of them.
A key shared by more than `MAX_BLOCK` profiles (a hotel's switchboard number, a
placeholder e-mail; `NAME_ONLY_MAX_BLOCK` for a bare name) says little and would
explode the pair count: it is skipped and counted.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from docket.resolve.profiles import PROFILES

MAX_BLOCK = 60
# Rules keyed on a name alone: only rare names (small blocks) are worth comparing.
NAME_ONLY_MAX_BLOCK = 12
CANDIDATES = "_rs_candidates"

# rule name → SQL key over the profile table (NULL: the profile has no key for this rule).
BLOCKING_KEYS: dict[str, str] = {
    "id_number": "id_number",
    "passport": "passport",
    "phone": "phone",
    "email": "email",
    "name_key+birth_year": "name_key || '|' || birth_year",
    "family+birth_date": "family_name || '|' || birth_date",
    "hanzi+birth_year": "name_hanzi || '|' || birth_year",
    "hanzi+id_suffix": "name_hanzi || '|' || right(id_number, 4)",
    # one typo or transposition leaves at least one of these whole (ID = region·date·seq·check)
    "id[1:14]": "CASE WHEN length(id_number) = 18 THEN left(id_number, 14) END",
    "id[7:18]": "CASE WHEN length(id_number) = 18 THEN right(id_number, 12) END",
    "id region+seq": "CASE WHEN length(id_number) = 18 "
    "THEN left(id_number, 6) || right(id_number, 4) || coalesce(name_key, '') END",
    "name_key+id_suffix": "name_key || '|' || right(id_number, 4)",
    "name_key+phone_suffix": "name_key || '|' || right(phone, 4)",
    "given+birth_date": "given_name || '|' || birth_date",
    "address": "lower(address)",
    "email user": "split_part(lower(email), '@', 1)",
    "name_key (rare)": "name_key",
    "hanzi (rare)": "name_hanzi",
}
_NAME_ONLY = {"name_key (rare)", "hanzi (rare)"}


@dataclass(frozen=True)
class BlockingReport:
    """What blocking produced."""

    comparisons: int
    skipped_keys: int  # keys shared by more than MAX_BLOCK profiles


def build_candidates(con: duckdb.DuckDBPyConnection) -> BlockingReport:
    """Create the temp table of candidate profile pairs (l < r), with the first rule finding it."""
    keys = " UNION ALL ".join(
        f"SELECT {i} AS rule, ({expr}) AS k, unique_id, "
        f"{NAME_ONLY_MAX_BLOCK if name in _NAME_ONLY else MAX_BLOCK} AS cap "
        f"FROM {PROFILES} WHERE ({expr}) IS NOT NULL"
        for i, (name, expr) in enumerate(BLOCKING_KEYS.items())
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _rs_keys AS
        SELECT rule, k, unique_id, cap, count(*) OVER (PARTITION BY rule, k) AS n
        FROM ({keys})
        """
    )
    skipped = con.execute(
        "SELECT count(DISTINCT (rule, k)) FROM _rs_keys WHERE n > cap"
    ).fetchall()[0][0]
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {CANDIDATES} AS
        SELECT l.unique_id AS profile_id_l, r.unique_id AS profile_id_r, min(l.rule) AS rule
        FROM (SELECT * FROM _rs_keys WHERE n BETWEEN 2 AND cap) l
        JOIN (SELECT * FROM _rs_keys WHERE n BETWEEN 2 AND cap) r
          ON l.rule = r.rule AND l.k = r.k AND l.unique_id < r.unique_id
        GROUP BY ALL
        """
    )
    con.execute("DROP TABLE _rs_keys")
    n = con.execute(f"SELECT count(*) FROM {CANDIDATES}").fetchall()[0][0]
    return BlockingReport(comparisons=int(n), skipped_keys=int(skipped))


def rule_names() -> list[str]:
    """Blocking rule names in the order of their numbers in the candidate table."""
    return list(BLOCKING_KEYS)
