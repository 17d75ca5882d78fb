"""Blocking: which profile pairs are compared at all.

Blocking recall (the share of true pairs ever compared) caps F1, so several
complementary keys are used; a true pair needs to agree on only one of them.
A key shared by more than `MAX_BLOCK` profiles (a hotel's switchboard number, a
placeholder e-mail) says little and would explode the pair count: it is skipped and
counted. Keys built from weak parts — a bare name, a name, family or given name with a birth
year or date, a date of birth with a county, an address — skip above `SMALL_MAX_BLOCK`:
their big blocks grow with the population, not with the duplicates in it (at a million
people a cap of 60 gave 32.9M pairs, 7 per mention; 12 halves that and loses 0.05% of
the true pairs these rules alone found).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from docket.resolve.profiles import PROFILES

MAX_BLOCK = 60
SMALL_MAX_BLOCK = 12
CANDIDATES = "_rs_candidates"

_ID18 = "CASE WHEN length(id_number) = 18 THEN {} END"
# rule name → the profile columns (SQL expressions) a pair must share; a profile lacking
# any of them has no key for the rule.
BLOCKING_KEYS: dict[str, tuple[str, ...]] = {
    "id_number": ("id_number",),
    "passport": ("passport",),
    "phone": ("phone",),
    "email": ("email",),
    "name_key+birth_year": ("name_key", "birth_year"),
    # a nickname or a variant given name (Bob / Robert) with the same family name and birthday
    "family+birth_date": ("family_name", "birth_date"),
    "hanzi+birth_year": ("name_hanzi", "birth_year"),
    "hanzi+id_suffix": ("name_hanzi", "right(id_number, 4)"),
    # one typo or transposition leaves at least one of these whole (ID = region·date·seq·check)
    "id[1:14]": (_ID18.format("left(id_number, 14)"),),
    "id[7:18]": (_ID18.format("right(id_number, 12)"),),
    "id region+seq": (
        _ID18.format("left(id_number, 6) || right(id_number, 4)"),
        "coalesce(name_key, '')",
    ),
    "name_key+id_suffix": ("name_key", "right(id_number, 4)"),
    "name_key+phone_suffix": ("name_key", "right(phone, 4)"),
    "given+birth_date": ("given_name", "birth_date"),
    "address": ("lower(address)",),
    "email user": ("split_part(lower(email), '@', 1)",),
    "name_key (rare)": ("name_key",),
    "hanzi (rare)": ("name_hanzi",),
}
_SMALL_BLOCKS = {
    "name_key+birth_year",
    "family+birth_date",
    "hanzi+birth_year",
    "id[1:14]",
    "name_key+phone_suffix",
    "given+birth_date",
    "address",
    "name_key (rare)",
    "hanzi (rare)",
}


@dataclass(frozen=True)
class BlockingReport:
    """What blocking produced."""

    comparisons: int
    skipped_keys: int  # keys shared by more profiles than their rule's cap


def build_candidates(con: duckdb.DuckDBPyConnection) -> BlockingReport:
    """Create the temp table of candidate profile pairs (node_l < node_r: profile numbers)."""
    # a key is a 64-bit hash of the rule and its values: joining and counting integers is
    # several times faster than strings; a collision (two keys, one hash) only merges two blocks
    keys = " UNION ALL ".join(
        f"SELECT hash({i}, {', '.join(cols)}) AS k, node, "
        f"{SMALL_MAX_BLOCK if name in _SMALL_BLOCKS else MAX_BLOCK} AS cap "
        f"FROM {PROFILES} WHERE {' AND '.join(f'({c}) IS NOT NULL' for c in cols)}"
        for i, (name, cols) in enumerate(BLOCKING_KEYS.items())
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _rs_keys AS
        WITH k AS ({keys}),
        n AS (SELECT k, count(*) AS n, any_value(cap) AS cap FROM k GROUP BY k)
        SELECT k.k, k.node, n.n > n.cap AS too_big
        FROM k JOIN n USING (k) WHERE n.n >= 2
        """
    )
    skipped = con.execute("SELECT count(DISTINCT k) FROM _rs_keys WHERE too_big").fetchall()[0][0]
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {CANDIDATES} AS
        SELECT DISTINCT l.node AS node_l, r.node AS node_r
        FROM (SELECT * FROM _rs_keys WHERE NOT too_big) l
        JOIN (SELECT * FROM _rs_keys WHERE NOT too_big) r
          ON l.k = r.k AND l.node < r.node
        """
    )
    con.execute("DROP TABLE _rs_keys")
    n = con.execute(f"SELECT count(*) FROM {CANDIDATES}").fetchall()[0][0]
    return BlockingReport(comparisons=int(n), skipped_keys=int(skipped))
