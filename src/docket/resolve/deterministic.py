"""Deterministic links: a shared valid strong identifier with compatible names.

Two profiles are linked without scoring when they carry the same *valid* resident
ID number (GB 11643 check digit and date valid), the same passport number, or the same
identifier a mapping declares (of one scheme, not rejected by its check), and
their names are compatible: either name missing, the same Hanzi, the same
syllables in any order (name_key: a homophone 荪 for 孙 included) or — when one
side has no Hanzi — pinyin Jaro-Winkler >= 0.95 with the same initials. Two
names that sound different (a relative's ID used under another name, a
look-alike character) are not linked here; the probabilistic model decides them.

Contact records (a phone or e-mail but no ID number, passport or date of birth,
like a social-media registration) left alone by clustering are attached
afterwards (`attach_contacts`) to the one entity that holds their phone, else
their e-mail — when their name is compatible, sounds the same (name_key), or is
no evidence of another person: an alias ('Sunny'), or a name that no record with
an ID, passport or birth date bears ('南山南', 'momo' look like names but belong
to nobody) — else, for a real name, to the one entity bearing exactly that name.
Accounts left alone that share a phone join each other, or the one entity
one of them joined: real-name registration gives a line one holder. A phone held by
several entities (a household line) attaches nothing; a real name
known to belong to someone else keeps a relative's phone from attaching, and a
record without name evidence does not attach by an entity's second phone that
only one of its records shows (a child's line in a parent's name) — unless its
e-mail user name spells the holder's name ('zhangwei1985@…').
"""

from __future__ import annotations

import duckdb

from docket.resolve.blocking import CANDIDATES
from docket.resolve.profiles import PROFILES

DETERMINISTIC = "_rs_deterministic"

COMPATIBLE_NAMES = """(
    l.name_pinyin IS NULL OR r.name_pinyin IS NULL
    OR l.name_hanzi = r.name_hanzi
    OR l.name_key = r.name_key
    OR ((l.name_hanzi IS NULL OR r.name_hanzi IS NULL) AND l.initials = r.initials
        AND jaro_winkler_similarity(l.name_pinyin, r.name_pinyin) >= 0.95)
)"""

RULES = {
    "same valid ID number, compatible names": (
        "l.id_valid AND r.id_valid AND l.id_number = r.id_number"
    ),
    "same passport, compatible names": "l.passport = r.passport",
    # a scheme python-stdnum does not know has no check (valid NULL): its equal values link
    "same declared identifier, compatible names": (
        "l.identifier = r.identifier AND l.identifier_scheme = r.identifier_scheme "
        "AND coalesce(l.identifier_valid, true) AND coalesce(r.identifier_valid, true)"
    ),
}


def build_deterministic(con: duckdb.DuckDBPyConnection) -> int:
    """Create the temp table of deterministic links among the candidates; return its size."""
    rule_case = " ".join(f"WHEN {cond} THEN '{name}'" for name, cond in RULES.items())
    any_rule = " OR ".join(f"({cond})" for cond in RULES.values())
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {DETERMINISTIC} AS
        SELECT c.node_l, c.node_r, CASE {rule_case} END AS rule
        FROM {CANDIDATES} c
        JOIN {PROFILES} l ON l.node = c.node_l
        JOIN {PROFILES} r ON r.node = c.node_r
        WHERE ({any_rule}) AND {COMPATIBLE_NAMES}
        """
    )
    return int(con.execute(f"SELECT count(*) FROM {DETERMINISTIC}").fetchall()[0][0])


CONFIRMED_IDS = "_rs_confirmed_ids"


def build_confirmed_ids(con: duckdb.DuckDBPyConnection) -> None:
    """Temp table CONFIRMED_IDS(node, id_number) of profiles whose valid ID number another
    record confirms (a deterministic link). Two such profiles with different numbers are two
    people: clustering refuses any model link between them, so scoring skips their pairs."""
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {CONFIRMED_IDS} AS
        SELECT node, id_number FROM {PROFILES}
        WHERE id_valid AND node IN (SELECT node_l FROM {DETERMINISTIC}
                                    UNION SELECT node_r FROM {DETERMINISTIC})
        """
    )


ATTACH = "_rs_attach"
# a contact record's e-mail user name spells the holder's name ('zhangyuhao8803@…' for Zhang
# Yuhao): name evidence for an alias, whose display name says nothing
EMAIL_SPELLS_NAME = """(l.email IS NOT NULL AND length(r.name_pinyin) >= 5 AND strpos(
    split_part(lower(l.email), '@', 1), replace(lower(r.name_pinyin), ' ', '')) > 0)"""
ATTACH_RULES = {
    "p": "contact record: its phone belongs to this entity only",
    "e": "contact record: its e-mail belongs to this entity only",
    "h": "contact record: the only entity with this Hanzi name",
    "k": "contact record: the only entity with this name",
    "s": "contact record: shares its phone with the contact record it joins (one line, one holder)",
}


def attach_contacts(con: duckdb.DuckDBPyConnection, labels: str) -> int:
    """Temp table ATTACH(node, holder, cluster, kind) of contact records (profile numbers) in
    clusters of contact records only, the one other cluster each belongs to and a profile of
    it (kind: a key of ATTACH_RULES); `labels` maps node → cluster. Returns its size."""
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {ATTACH} AS
        WITH lab AS MATERIALIZED (  -- read eight times below: computed once
            SELECT p.node, p.unique_id, p.n_mentions, p.phone, p.email, p.name_hanzi,
                   p.name_pinyin, p.name_key, p.initials, p.person_name, p.contact_only,
                   b.cluster, bool_and(p.contact_only) OVER (PARTITION BY b.cluster)
                   AS contacts_only
            FROM {PROFILES} p JOIN {labels} b USING (node)
        ),
        keyed AS (  -- the keys of entities that are not lone contact records
            SELECT 'p' || phone AS k, cluster, node, n_mentions FROM lab
            WHERE phone IS NOT NULL AND NOT contact_only
            UNION ALL SELECT 'e' || email, cluster, node, n_mentions FROM lab
            WHERE email IS NOT NULL AND NOT contact_only
            UNION ALL SELECT 'h' || name_hanzi, cluster, node, n_mentions FROM lab
            WHERE name_hanzi IS NOT NULL AND NOT contact_only
            UNION ALL SELECT 'k' || name_key, cluster, node, n_mentions FROM lab
            WHERE name_key IS NOT NULL AND NOT contact_only
        ),
        owner AS (
            SELECT k, any_value(cluster) AS cluster, min(node) AS holder,
                   sum(n_mentions) AS seen FROM keyed
            GROUP BY k HAVING count(DISTINCT cluster) = 1
        ),
        phones AS (
            SELECT cluster, count(DISTINCT phone) AS n FROM lab
            WHERE phone IS NOT NULL AND NOT contact_only GROUP BY cluster
        ),
        known AS (  -- names some identity-bearing record carries
            SELECT 'h' || name_hanzi AS k FROM lab WHERE name_hanzi IS NOT NULL AND NOT contact_only
            UNION SELECT 'k' || name_key FROM lab WHERE name_key IS NOT NULL AND NOT contact_only
        ),
        lone AS (
            SELECT *, ('h' || name_hanzi) IN (SELECT k FROM known)
                      OR ('k' || name_key) IN (SELECT k FROM known) AS known_name
            FROM lab WHERE contacts_only
              AND unique_id NOT IN (SELECT mention_id_l FROM _rs_judged
                                    UNION SELECT mention_id_r FROM _rs_judged)
        ),
        wanted AS (
            SELECT l.node, 1 AS pri, 'p' || l.phone AS k FROM lone l WHERE l.phone IS NOT NULL
            UNION ALL SELECT l.node, 2, 'e' || l.email FROM lone l WHERE l.email IS NOT NULL
            UNION ALL SELECT l.node, 3, 'h' || l.name_hanzi FROM lone l
                      WHERE l.person_name AND l.name_hanzi IS NOT NULL
            UNION ALL SELECT l.node, 4, 'k' || l.name_key FROM lone l
                      WHERE l.person_name AND l.name_hanzi IS NULL AND l.name_key IS NOT NULL
        ),
        found AS (
            SELECT w.node, w.pri, o.cluster, o.holder, left(w.k, 1) AS kind
            FROM wanted w JOIN owner o USING (k) LEFT JOIN phones ph ON ph.cluster = o.cluster
            JOIN lone l ON l.node = w.node JOIN lab r ON r.node = o.holder
            WHERE w.pri > 2 OR {COMPATIBLE_NAMES} OR {EMAIL_SPELLS_NAME}
               OR ((NOT coalesce(l.person_name AND r.person_name, false)
                    OR NOT coalesce(l.known_name, false))
                   -- without name evidence, not on a second phone seen once (a child's line
                   -- in a parent's name)
                   AND NOT (w.pri = 1 AND o.seen = 1 AND coalesce(ph.n, 0) >= 2))
        )
        SELECT node, arg_min(holder, pri) AS holder,
               arg_min(cluster, pri) AS cluster, arg_min(kind, pri) AS kind
        FROM found GROUP BY node
        """
    )
    # Accounts registered to one phone have one holder (real-name registration): a contact
    # record left alone joins the others on its phone, or the one entity one of them joined.
    con.execute(
        f"""
        INSERT INTO {ATTACH}
        WITH c AS (
            SELECT p.node, p.phone, coalesce(a.cluster, b.cluster) AS cluster,
                   a.node IS NOT NULL AS attached
            FROM {PROFILES} p JOIN {labels} b USING (node) LEFT JOIN {ATTACH} a USING (node)
            WHERE p.contact_only AND p.phone IS NOT NULL
              AND b.cluster IN (SELECT b2.cluster FROM {labels} b2 JOIN {PROFILES} p2 USING (node)
                                GROUP BY b2.cluster HAVING bool_and(p2.contact_only))
              AND p.unique_id NOT IN (SELECT mention_id_l FROM _rs_judged
                                      UNION SELECT mention_id_r FROM _rs_judged)
        ),
        g AS (
            SELECT phone, count(DISTINCT cluster) FILTER (WHERE attached) AS n_attached,
                   coalesce(min(node) FILTER (WHERE attached), min(node)) AS holder
            FROM c GROUP BY phone HAVING count(*) > 1
        )
        SELECT c.node, g.holder, h.cluster, 's'
        FROM c JOIN g USING (phone) JOIN c h ON h.node = g.holder
        WHERE NOT c.attached AND g.n_attached <= 1 AND c.node <> g.holder
          AND c.cluster <> h.cluster
        """
    )
    return int(con.execute(f"SELECT count(*) FROM {ATTACH}").fetchall()[0][0])
