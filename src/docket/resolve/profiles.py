"""Collapse identical normalised mentions into profiles, the unit that is compared.

A person's hotel stays, train tickets and bank transfers repeat the same name and
identity number many times. Comparing those copies pairwise is quadratic and
teaches the model nothing, so mentions that agree on every compared column *and*
carry an identifier (ID number, passport, phone, e-mail or a declared identifier)
become one profile, keyed by its smallest mention_id. Mentions with nothing but a name
stay alone, and so does every mention an analyst has judged (a judgement may split
identical rows).

A profile holds the compared columns (person.yaml, `docket.schema.columns`) in the
form the model compares them (`profile_columns`): address parts folded, and split from
a one-line address where the mapping gave no parts (`resolve.addresses`); the roots of
the given name (a nickname's full forms, `nicknames.csv`); the birth year; whether the
name is a person's name or an alias. `present_columns` says which of them the data fills:
the comparisons, blocking rules and training sessions follow from that.
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

import duckdb

from docket.resolve.addresses import address_columns
from docket.resolve.aliases import person_name_sql
from docket.schema.columns import compared_columns

# The normalised mention columns the model compares (person.yaml).
COMPARED_COLUMNS = compared_columns()
# Identifier columns: a mention carrying one of them is collapsed with its identical copies.
_IDENTIFYING = ("id_number", "passport", "phone", "email", "identifier")

PROFILES = "_rs_profiles"
MEMBERS = "_rs_members"
NICKNAMES = "_rs_nicknames"


@cache
def nickname_roots() -> dict[str, tuple[str, ...]]:
    """Given name or nickname → the full names it may stand for (itself included)."""
    text = (resources.files("docket.resolve") / "nicknames.csv").read_text("utf-8")
    roots: dict[str, set[str]] = {}
    for row in csv.DictReader(text.splitlines()):
        name = row["name"].strip()
        roots.setdefault(name, set()).add(name)
        for nick in row["nicknames"].split():
            roots.setdefault(nick, set()).add(name)
    return {k: tuple(sorted(v)) for k, v in roots.items()}


def install_nicknames(con: duckdb.DuckDBPyConnection) -> None:
    """TEMP TABLE NICKNAMES(given, roots VARCHAR[]) from nicknames.csv."""
    import pyarrow as pa

    roots = nickname_roots()
    table = pa.table({"given": list(roots), "roots": [list(v) for v in roots.values()]})
    con.register("_nick_arrow", table)
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {NICKNAMES} AS SELECT * FROM _nick_arrow")
    finally:
        con.unregister("_nick_arrow")


def given_roots(given_name: str | None) -> list[str] | None:
    """The full names a given name may stand for (what `profile_columns` computes in SQL)."""
    if given_name is None:
        return None
    first = given_name.split(" ")[0]
    return list(nickname_roots().get(first, (first,)))


def profile_columns(src: str = "", *, nicknames: bool = True) -> dict[str, str]:
    """Profile column → SQL over a mentions row (`src`: its alias with a dot, or ''), for
    every compared column and the derived ones. The nickname roots need NICKNAMES joined
    as `nick` (`nickname_join`); with `nicknames=False` they are NULL (see given_roots)."""
    cols = {c: f"{src}{c}" for c in COMPARED_COLUMNS}
    cols.update(address_columns(src))
    for part in ("street", "locality"):  # their words, for the shared-words level
        cols[f"{part}_words"] = f"string_split({cols[part]}, ' ')"
    first_given = f"split_part({src}given_name, ' ', 1)"
    roots = f"coalesce(nick.roots, [{first_given}])" if nicknames else "NULL::VARCHAR[]"
    cols["given_roots"] = f"CASE WHEN {src}given_name IS NOT NULL THEN {roots} END"
    cols["birth_year"] = f"year({src}birth_date)"
    has_identity = f"({src}id_number IS NOT NULL OR {src}passport IS NOT NULL OR " + (
        f"{src}birth_date IS NOT NULL OR {src}identifier IS NOT NULL)"
    )
    # an alias ('Sunny', '奔跑的蜗牛') only on a contact record: a name next to an ID, passport
    # or birth date is a person's, even with a homophone surname (荪)
    cols["person_name"] = (
        f"{person_name_sql(f'{src}name_hanzi', f'{src}name_pinyin')} OR {has_identity}"
    )
    cols["contact_only"] = f"NOT {has_identity}"
    return cols


def nickname_join(src: str) -> str:
    """The LEFT JOIN `profile_columns` needs (`src`: the mentions alias, without a dot)."""
    return f"LEFT JOIN {NICKNAMES} nick ON nick.given = split_part({src}.given_name, ' ', 1)"


def build_profiles(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """Create temp tables of profiles and mention → profile; return (mentions, profiles)."""
    cols = ", ".join(COMPARED_COLUMNS)
    parts = ", ".join(f"coalesce(CAST(m.{c} AS VARCHAR), chr(1))" for c in COMPARED_COLUMNS)
    signature = f"md5(concat_ws(chr(31), {parts}))"
    identifying = " OR ".join(f"m.{c} IS NOT NULL" for c in _IDENTIFYING)
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _rs_sig AS
        WITH judged AS (
            SELECT mention_id_l AS mention_id FROM judgements
            UNION SELECT mention_id_r FROM judgements
        )
        SELECT m.mention_id, {", ".join("m." + c for c in COMPARED_COLUMNS)},
               CASE WHEN ({identifying}) AND j.mention_id IS NULL
                    THEN {signature}
                    ELSE 'mention:' || m.mention_id END AS sig
        FROM (SELECT mention_id, {cols} FROM mentions) m
        LEFT JOIN judged j USING (mention_id)
        """
    )
    # every mention of a signature carries the same values: the profile is its first mention
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE _rs_grouped AS
        SELECT * EXCLUDE (sig), min(mention_id) OVER w AS profile_id, count(*) OVER w AS n_mentions
        FROM _rs_sig WINDOW w AS (PARTITION BY sig)
        """
    )
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {MEMBERS} AS SELECT mention_id, profile_id FROM _rs_grouped"
    )
    install_nicknames(con)
    derived = ", ".join(f"{sql} AS {name}" for name, sql in profile_columns("g.").items())
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {PROFILES} AS
        SELECT g.mention_id AS unique_id,
               -- profiles numbered in unique_id order: integer keys for joins and clustering
               (row_number() OVER (ORDER BY g.mention_id) - 1)::BIGINT AS node,
               g.n_mentions, {derived}
        FROM _rs_grouped g {nickname_join("g")} WHERE g.mention_id = g.profile_id
        """
    )
    con.execute("DROP TABLE _rs_grouped")
    con.execute("DROP TABLE _rs_sig")
    row = con.execute(
        f"SELECT (SELECT count(*) FROM {MEMBERS}), (SELECT count(*) FROM {PROFILES})"
    ).fetchall()[0]
    return int(row[0]), int(row[1])


# A column counts as present when at least this many profiles fill it: fewer can hardly
# agree, and a model, rule or training session for it would learn nothing.
MIN_PRESENT = 2


def present_columns(con: duckdb.DuckDBPyConnection, table: str = PROFILES) -> frozenset[str]:
    """The profile columns the data fills (at least MIN_PRESENT values)."""
    names = [c for c in con.sql(f"SELECT * FROM {table} LIMIT 0").columns]
    counts = con.execute(
        f"SELECT {', '.join(f'count({c})' for c in names)} FROM {table}"
    ).fetchall()[0]
    return frozenset(c for c, n in zip(names, counts, strict=True) if int(n) >= MIN_PRESENT)
