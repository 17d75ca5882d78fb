"""Collapse identical normalised mentions into profiles, the unit that is compared.

A person's hotel stays, train tickets and bank transfers repeat the same name and
identity number many times. Comparing those copies pairwise is quadratic and
teaches the model nothing, so mentions that agree on every compared column *and*
carry an identifier (ID number, passport, phone or e-mail) become one profile,
keyed by its smallest mention_id. Mentions with nothing but a name stay alone, and
so does every mention an analyst has judged (a judgement may split identical rows).
"""

from __future__ import annotations

import duckdb

from docket.resolve.aliases import person_name_sql

# The normalised mention columns the model compares (see store/tables.sql).
COMPARED_COLUMNS = (
    "name_pinyin",
    "name_hanzi",
    "name_key",
    "initials",
    "family_name",
    "given_name",
    "birth_date",
    "sex",
    "id_number",
    "id_valid",
    "passport",
    "phone",
    "email",
    "region_code",
    "address",
)

PROFILES = "_rs_profiles"
MEMBERS = "_rs_members"


def build_profiles(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """Create temp tables of profiles and mention → profile; return (mentions, profiles)."""
    cols = ", ".join(COMPARED_COLUMNS)
    parts = ", ".join(f"coalesce(CAST(m.{c} AS VARCHAR), chr(1))" for c in COMPARED_COLUMNS)
    signature = f"md5(concat_ws(chr(31), {parts}))"
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _rs_sig AS
        WITH judged AS (
            SELECT mention_id_l AS mention_id FROM judgements
            UNION SELECT mention_id_r FROM judgements
        )
        SELECT m.mention_id, {", ".join("m." + c for c in COMPARED_COLUMNS)},
               CASE WHEN (m.id_number IS NOT NULL OR m.passport IS NOT NULL
                          OR m.phone IS NOT NULL OR m.email IS NOT NULL)
                         AND j.mention_id IS NULL
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
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {PROFILES} AS
        SELECT mention_id AS unique_id,
               -- profiles numbered in unique_id order: integer keys for joins and clustering
               (row_number() OVER (ORDER BY mention_id) - 1)::BIGINT AS node,
               n_mentions, {cols}, year(birth_date) AS birth_year,
               -- an alias ('Sunny', '奔跑的蜗牛') only on a contact record: a name next to an
               -- ID, passport or birth date is a person's, even with a homophone surname (荪)
               {person_name_sql()}
                   OR (id_number IS NOT NULL OR passport IS NOT NULL OR birth_date IS NOT NULL)
                   AS person_name,
               id_number IS NULL AND passport IS NULL AND birth_date IS NULL AS contact_only
        FROM _rs_grouped WHERE mention_id = profile_id
        """
    )
    con.execute("DROP TABLE _rs_grouped")
    con.execute("DROP TABLE _rs_sig")
    row = con.execute(
        f"SELECT (SELECT count(*) FROM {MEMBERS}), (SELECT count(*) FROM {PROFILES})"
    ).fetchall()[0]
    return int(row[0]), int(row[1])
