"""Stable entity ids: a short hash of each cluster's anchor, and redirects when they change.

The anchor is the strongest identifier in the cluster: its most frequent valid
resident-ID number, else passport, else phone + name_key, else its smallest
mention_id (ties broken by the smaller value). entity_id = 'P' + the first 12 hex
digits of sha256('<kind>:<value>'). The same clusters give the same ids whatever
the row order. Two clusters with one anchor (kept apart by a judgement) are told
apart by the smallest mention_id of all but the first.
"""

from __future__ import annotations

import duckdb

from docket.resolve.profiles import PROFILES

ASSIGN = "_rs_assign"  # temp table (mention_id, cluster) the pipeline provides
PCLUSTER = "_rs_pcluster"  # temp table (node, cluster) the pipeline provides: a profile's cluster
NEW_ENTITIES = "_rs_entities"
NEW_MEMBERS = "_rs_entity_mentions"
REDIRECTS = "_rs_redirects"


def build_entities(con: duckdb.DuckDBPyConnection) -> int:
    """From ASSIGN, create temp tables of new entities and memberships; return entity count."""
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _rs_anchor AS
        WITH m AS MATERIALIZED (  -- a profile stands for its n_mentions identical mentions
            SELECT c.cluster, p.unique_id, p.n_mentions, p.id_number, p.id_valid, p.passport,
                   p.phone, p.name_key
            FROM {PROFILES} p JOIN {PCLUSTER} c USING (node)
        ),
        cand AS (
            SELECT cluster, 1 AS strength, 'id_number' AS kind, id_number AS value,
                   sum(n_mentions) AS c
            FROM m WHERE id_valid AND id_number IS NOT NULL GROUP BY ALL
            UNION ALL
            SELECT cluster, 2, 'passport', passport, sum(n_mentions)
            FROM m WHERE passport IS NOT NULL GROUP BY ALL
            UNION ALL
            SELECT cluster, 3, 'phone_name', phone || ' ' || name_key, sum(n_mentions)
            FROM m WHERE phone IS NOT NULL AND name_key IS NOT NULL GROUP BY ALL
            UNION ALL
            SELECT cluster, 4, 'mention', min(unique_id), 1 FROM m GROUP BY cluster
        )
        SELECT cluster,
               first(kind ORDER BY strength, c DESC, value) AS anchor_kind,
               first(value ORDER BY strength, c DESC, value) AS anchor_value
        FROM cand GROUP BY cluster
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _rs_named AS
        WITH k AS (
            SELECT n.cluster, n.anchor_kind, n.anchor_value, s.n_mentions, s.first_mention,
                   'P' || left(sha256(n.anchor_kind || ':' || n.anchor_value), 12) AS base
            FROM _rs_anchor n
            JOIN (SELECT c.cluster, sum(p.n_mentions) AS n_mentions,
                         min(p.unique_id) AS first_mention
                  FROM {PROFILES} p JOIN {PCLUSTER} c USING (node) GROUP BY c.cluster) s
                 USING (cluster)
        )
        SELECT cluster, anchor_kind, anchor_value, n_mentions,
               CASE WHEN row_number() OVER (PARTITION BY base ORDER BY first_mention) = 1
                    THEN base
                    ELSE 'P' || left(sha256(anchor_kind || ':' || anchor_value || '#'
                                            || first_mention), 12) END AS entity_id
        FROM k
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {NEW_ENTITIES} AS
        SELECT entity_id, anchor_kind, anchor_value, n_mentions AS mention_count,
               now() AS resolved_at
        FROM _rs_named
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {NEW_MEMBERS} AS
        SELECT a.mention_id, n.entity_id FROM {ASSIGN} a JOIN _rs_named n USING (cluster)
        """
    )
    con.execute("DROP TABLE _rs_anchor")
    con.execute("DROP TABLE _rs_named")
    return int(con.execute(f"SELECT count(*) FROM {NEW_ENTITIES}").fetchall()[0][0])


def build_redirects(con: duckdb.DuckDBPyConnection) -> int:
    """Temp table of redirects for every current entity id the new resolution drops."""
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {REDIRECTS} AS
        WITH gone AS (
            SELECT DISTINCT entity_id AS old_id FROM entity_mentions
            WHERE entity_id NOT IN (SELECT entity_id FROM {NEW_ENTITIES})
        ),
        moved AS (
            SELECT g.old_id, n.entity_id AS new_id, count(*) AS c
            FROM gone g
            JOIN entity_mentions o ON o.entity_id = g.old_id
            JOIN {NEW_MEMBERS} n USING (mention_id)
            GROUP BY ALL
        ),
        sources AS (  -- how many old entities feed each new one
            SELECT n.entity_id AS new_id, count(DISTINCT o.entity_id) AS k
            FROM {NEW_MEMBERS} n JOIN entity_mentions o USING (mention_id) GROUP BY ALL
        ),
        target AS (
            SELECT old_id, first(new_id ORDER BY c DESC, new_id) AS new_id,
                   count(*) AS parts
            FROM moved GROUP BY old_id
        )
        SELECT g.old_id, t.new_id, now() AS "at",
               CASE WHEN t.new_id IS NULL THEN 'removed'
                    WHEN t.parts > 1 THEN 'split'
                    WHEN s.k > 1 THEN 'merged'
                    ELSE 'renamed' END AS reason
        FROM gone g LEFT JOIN target t USING (old_id) LEFT JOIN sources s USING (new_id)
        """
    )
    return int(con.execute(f"SELECT count(*) FROM {REDIRECTS}").fetchall()[0][0])
