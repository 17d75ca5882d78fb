"""Stable entity ids: a keyed hash of each cluster's anchor, and redirects when they change.

The anchor is the strongest identifier in the cluster, in the order of person.yaml's
`identifiers` (strength, then the order listed), with the identifiers mappings declare
ranked by their own strength among them: its most frequent value in the cluster (ties:
the smaller value); a value that failed its check (an invalid resident ID, a declared
identifier python-stdnum rejects) anchors nothing. A cluster with no identifier is
anchored by its smallest mention_id.

entity_id = 'P' + the first 12 hex digits of HMAC-SHA256(key, '<kind>:<value>'), with
the deployment's secret key (`docket.store.keys`): the same clusters give the same ids
whatever the row order, and without the key an id cannot be recomputed from an ID
number. Two clusters with one anchor (kept apart by a judgement) are told apart by the
smallest mention_id of all but the first.
"""

from __future__ import annotations

import hashlib

import duckdb

from docket.resolve.profiles import PROFILES
from docket.schema import Model, model
from docket.schema.columns import DECLARED, PERSON

ASSIGN = "_rs_assign"  # temp table (mention_id, cluster) the pipeline provides
PCLUSTER = "_rs_pcluster"  # temp table (node, cluster) the pipeline provides: a profile's cluster
NEW_ENTITIES = "_rs_entities"
NEW_MEMBERS = "_rs_entity_mentions"
REDIRECTS = "_rs_redirects"
ID_HEX = 12  # hex digits of the HMAC kept in an entity id
_BLOCK = 64  # SHA-256 block size, bytes


def hmac_pads(key: bytes) -> tuple[str, str]:
    """(inner, outer) HMAC-SHA256 pads of `key` as hex: HMAC(k, m) is
    sha256(opad || sha256(ipad || m)) (RFC 2104), computable in SQL from these."""
    if len(key) < 16:
        raise ValueError("an entity-id key needs at least 16 bytes")
    k = hashlib.sha256(key).digest() if len(key) > _BLOCK else key
    k = k.ljust(_BLOCK, b"\0")
    return bytes(b ^ 0x36 for b in k).hex(), bytes(b ^ 0x5C for b in k).hex()


def hmac_sql(key: bytes, message: str) -> str:
    """SQL: the HMAC-SHA256 (hex) of the VARCHAR expression `message` under `key`."""
    ipad, opad = hmac_pads(key)
    inner = f"unhex(sha256(unhex('{ipad}') || encode({message})))"
    return f"sha256(unhex('{opad}') || {inner})"


def entity_id_sql(key: bytes, message: str) -> str:
    """SQL: the entity id of an anchor message ('<kind>:<value>')."""
    return f"'P' || left({hmac_sql(key, message)}, {ID_HEX})"


def anchor_candidates(m: Model | None = None) -> str:
    """SQL over a table `m` (cluster, n_mentions and the profile columns): one row per
    (cluster, strength, rank, kind, value, count) for every identifier the model and the
    mappings declare."""
    person = (m or model()).kind(PERSON)
    parts = []
    for rank, ident in enumerate(person.identifiers):
        props = [person.properties[p] for p in ident.properties]
        cols = [p.column for p in props if p.column]
        checks = [f"{p.valid}" for p in props if p.valid]
        present = " AND ".join([*(f"{c} IS NOT NULL" for c in cols), *checks])
        value = " || ' ' || ".join(f"CAST({c} AS VARCHAR)" for c in cols)
        kind = "+".join(ident.properties)
        parts.append(
            f"SELECT cluster, {ident.strength} AS strength, {rank} AS rank, '{kind}' AS kind, "
            f"{value} AS value, sum(n_mentions) AS c FROM m WHERE {present} GROUP BY ALL"
        )
    d = DECLARED
    parts.append(
        f"SELECT cluster, {d['strength']}, {len(person.identifiers)}, {d['scheme']}, "
        f"{d['value']}, sum(n_mentions) FROM m WHERE {d['value']} IS NOT NULL "
        f"AND coalesce({d['valid']}, true) GROUP BY ALL"
    )
    parts.append("SELECT cluster, 1000000, 0, 'mention', min(unique_id), 1 FROM m GROUP BY cluster")
    return " UNION ALL ".join(parts)


def build_entities(con: duckdb.DuckDBPyConnection, id_key: bytes) -> int:
    """From ASSIGN, create temp tables of new entities and memberships; return entity count."""
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _rs_anchor AS
        WITH m AS MATERIALIZED (  -- a profile stands for its n_mentions identical mentions
            SELECT c.cluster, p.* FROM {PROFILES} p JOIN {PCLUSTER} c USING (node)
        ),
        cand AS ({anchor_candidates()})
        SELECT cluster,
               first(kind ORDER BY strength, rank, c DESC, value) AS anchor_kind,
               first(value ORDER BY strength, rank, c DESC, value) AS anchor_value
        FROM cand GROUP BY cluster
        """
    )
    base = entity_id_sql(id_key, "n.anchor_kind || ':' || n.anchor_value")
    again = entity_id_sql(id_key, "anchor_kind || ':' || anchor_value || '#' || first_mention")
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _rs_named AS
        WITH k AS (
            SELECT n.cluster, n.anchor_kind, n.anchor_value, s.n_mentions, s.first_mention,
                   {base} AS base
            FROM _rs_anchor n
            JOIN (SELECT c.cluster, sum(p.n_mentions) AS n_mentions,
                         min(p.unique_id) AS first_mention
                  FROM {PROFILES} p JOIN {PCLUSTER} c USING (node) GROUP BY c.cluster) s
                 USING (cluster)
        )
        SELECT cluster, anchor_kind, anchor_value, n_mentions,
               CASE WHEN row_number() OVER (PARTITION BY base ORDER BY first_mention) = 1
                    THEN base ELSE {again} END AS entity_id
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
