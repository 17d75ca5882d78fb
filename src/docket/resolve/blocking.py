"""Blocking: which profile pairs are compared at all.

Blocking recall (the share of true pairs ever compared) caps F1, so several
complementary keys are used; a true pair needs to agree on only one of them.
The rules come from the columns the data fills (`rules`): resident-ID variants only
where there are ID numbers, address-part rules only where a mapping gives parts or a
one-line address could be split. A key shared by more than `MAX_BLOCK` profiles (a
hotel's switchboard number, a placeholder e-mail) says little and would explode the pair
count: it is skipped and counted. Keys built from weak parts — a bare name, a name,
family or given name with a birth year or date, an address or its parts — skip above
`SMALL_MAX_BLOCK`:
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


@dataclass(frozen=True)
class Rule:
    """A blocking rule: profiles sharing every value of `key` (SQL over a profile) pair up."""

    name: str
    key: tuple[str, ...]
    needs: tuple[str, ...]  # the profile columns it reads: used when the data fills them all
    small: bool = False  # built from weak parts: capped at SMALL_MAX_BLOCK


def _rule(name: str, *key: str, needs: tuple[str, ...] = (), small: bool = False) -> Rule:
    return Rule(name, key, needs or key, small)


# Every rule Docket knows; `rules(present)` keeps those the data's columns allow.
RULES: tuple[Rule, ...] = (
    _rule("id_number", "id_number"),
    _rule("passport", "passport"),
    _rule("phone", "phone"),
    _rule("email", "email"),
    _rule(
        "identifier",
        "identifier_scheme",
        "identifier",
        needs=("identifier",),
    ),
    # a typo or transposition in a declared identifier leaves one half whole
    _rule(
        "identifier first half",
        "identifier_scheme",
        "left(identifier, length(identifier) // 2)",
        "birth_year",
        needs=("identifier", "birth_year"),
    ),
    _rule(
        "identifier second half",
        "identifier_scheme",
        "right(identifier, length(identifier) - length(identifier) // 2)",
        "birth_year",
        needs=("identifier", "birth_year"),
    ),
    _rule("name_key+birth_year", "name_key", "birth_year", small=True),
    # a nickname or a variant given name (Bob / Robert) with the same family name and birthday
    _rule("family+birth_date", "family_name", "birth_date", small=True),
    _rule("hanzi+birth_year", "name_hanzi", "birth_year", small=True),
    _rule(
        "hanzi+id_suffix", "name_hanzi", "right(id_number, 4)", needs=("name_hanzi", "id_number")
    ),
    # one typo or transposition leaves at least one of these whole (ID = region·date·seq·check)
    _rule("id[1:14]", _ID18.format("left(id_number, 14)"), needs=("id_number",), small=True),
    _rule("id[7:18]", _ID18.format("right(id_number, 12)"), needs=("id_number",)),
    _rule(
        "id region+seq",
        _ID18.format("left(id_number, 6) || right(id_number, 4)"),
        "coalesce(name_key, '')",
        needs=("id_number",),
    ),
    _rule("name_key+id_suffix", "name_key", "right(id_number, 4)", needs=("name_key", "id_number")),
    _rule(
        "name_key+phone_suffix",
        "name_key",
        "right(phone, 4)",
        needs=("name_key", "phone"),
        small=True,
    ),
    _rule("given+birth_date", "given_name", "birth_date", small=True),
    _rule("address", "lower(address)", needs=("address",), small=True),
    _rule("email user", "split_part(lower(email), '@', 1)", needs=("email",)),
    _rule("name_key (rare)", "name_key", small=True),
    _rule("hanzi (rare)", "name_hanzi", small=True),
    # address parts: a person's records at one address, whatever the name's spelling
    _rule("postal_code+house_number", "postal_code", "house_number", small=True),
    _rule("street+house_number", "street", "house_number", small=True),
    _rule("family+postal_code", "family_name", "postal_code", small=True),
    _rule("family+locality", "family_name", "locality", small=True),
    _rule("given+postal_code", "given_name", "postal_code", small=True),
    _rule("birth_date+postal_code", "birth_date", "postal_code", small=True),
    _rule("birth_date+locality", "birth_date", "locality", small=True),
    _rule("birth_date+street", "birth_date", "street", small=True),
)


def rules(present: frozenset[str]) -> list[Rule]:
    """The rules whose columns the data fills."""
    return [r for r in RULES if set(r.needs) <= present]


@dataclass(frozen=True)
class BlockingReport:
    """What blocking produced."""

    comparisons: int
    skipped_keys: int  # keys shared by more profiles than their rule's cap
    rules: tuple[str, ...] = ()  # the rules used, by name


def build_candidates(
    con: duckdb.DuckDBPyConnection, present: frozenset[str] | None = None
) -> BlockingReport:
    """Create the temp table of candidate profile pairs (node_l < node_r: profile numbers,
    n_rules: how many rules paired them) from the rules the `present` columns allow (every
    rule when None)."""
    used = list(RULES) if present is None else rules(present)
    if not used:
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {CANDIDATES} "
            "(node_l BIGINT, node_r BIGINT, n_rules TINYINT)"
        )
        return BlockingReport(0, 0, ())
    # a key is a 64-bit hash of the rule and its values: joining and counting integers is
    # several times faster than strings; a collision (two keys, one hash) only merges two blocks
    keys = " UNION ALL ".join(
        f"SELECT hash({i}, {', '.join(r.key)}) AS k, node, "
        f"{SMALL_MAX_BLOCK if r.small else MAX_BLOCK} AS cap "
        f"FROM {PROFILES} WHERE {' AND '.join(f'({c}) IS NOT NULL' for c in r.key)}"
        for i, r in enumerate(used)
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
        SELECT l.node AS node_l, r.node AS node_r, count(*)::TINYINT AS n_rules
        FROM (SELECT * FROM _rs_keys WHERE NOT too_big) l
        JOIN (SELECT * FROM _rs_keys WHERE NOT too_big) r
          ON l.k = r.k AND l.node < r.node
        GROUP BY ALL
        """
    )
    con.execute("DROP TABLE _rs_keys")
    n = con.execute(f"SELECT count(*) FROM {CANDIDATES}").fetchall()[0][0]
    return BlockingReport(int(n), int(skipped), tuple(r.name for r in used))


def estimated_recall(con: duckdb.DuckDBPyConnection, linked: str) -> float | None:
    """The share of linked candidate pairs (`linked`: a SELECT of node_l, node_r) that more
    than one rule generated — that the other rules would have found had one rule been left
    out. A pair only one rule finds is a pair the rules barely reach: where many links are
    like that, true pairs that no rule reaches are likely too. None without links."""
    row = con.execute(
        f"""SELECT count(*), count(*) FILTER (WHERE c.n_rules >= 2)
            FROM ({linked}) x JOIN {CANDIDATES} c USING (node_l, node_r)"""
    ).fetchall()[0]
    return None if not row[0] else float(row[1]) / float(row[0])
