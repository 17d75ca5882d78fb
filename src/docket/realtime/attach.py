"""Incremental resolution of a micro-batch: new person mentions join existing entities.

The strong-identifier fast path: a new mention whose valid resident ID number, passport,
or phone with the same name an existing entity already holds joins that entity at once
(the identifier a deterministic rule of batch resolution would link on), with a
`match_evidence` row naming the rule. When an identifier points at several entities the
one holding it most often wins, and a mention whose valid ID number differs from the
entity's is never attached. Mentions nothing claims wait for the next resolve.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from docket.governance.handles import Operation, operation_path

# (rule, condition joining a new mention n to a resolved mention o), strongest first
_RULES = (
    ("realtime: same valid ID number", "n.id_valid AND o.id_valid AND n.id_number = o.id_number"),
    ("realtime: same passport", "n.passport IS NOT NULL AND n.passport = o.passport"),
    (
        "realtime: same phone and name",
        "n.phone IS NOT NULL AND n.phone = o.phone AND n.name_key = o.name_key",
    ),
)
NEW = "_rt_new"  # temp table: the batch's person mentions not yet in an entity


@dataclass(frozen=True)
class Attached:
    new_mentions: int  # the batch's mentions not in any entity before
    attached: int  # of them, joined to an existing entity now
    by_rule: dict[str, int]


def _stage_new(con: duckdb.DuckDBPyConnection, batches: list[tuple[str, str]]) -> int:
    """Temp table NEW: the person mentions of `batches` ((source, sha256)) no entity holds."""
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE {NEW} AS
        SELECT m.* FROM mentions m
        WHERE (m.source, m.file_sha256) IN (SELECT unnest($s), unnest($h))
          AND m.mention_id NOT IN (SELECT mention_id FROM entity_mentions)
        """,
        {"s": [b[0] for b in batches], "h": [b[1] for b in batches]},
    )
    return int(con.execute(f"SELECT count(*) FROM {NEW}").fetchall()[0][0])


@operation_path("realtime.attach")
def attach(op: Operation, batches: list[tuple[str, str]]) -> Attached:
    """Join the batches' new mentions to the entities their strong identifiers name."""
    con = op.con
    n = _stage_new(con, batches)
    by_rule: dict[str, int] = {}
    for rule, joins in _RULES:
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE _rt_claim AS
            WITH cand AS (
                SELECT n.mention_id, em.entity_id, count(*) AS votes, min(o.mention_id) AS via
                FROM {NEW} n JOIN mentions o ON {joins}
                JOIN entity_mentions em ON em.mention_id = o.mention_id
                WHERE n.mention_id NOT IN (SELECT mention_id FROM entity_mentions)
                GROUP BY ALL
            )
            SELECT mention_id, arg_max(entity_id, (votes, entity_id)) AS entity_id,
                   arg_max(via, (votes, entity_id)) AS via
            FROM cand c
            WHERE NOT EXISTS (  -- never across two different valid ID numbers
                SELECT 1 FROM {NEW} n JOIN entity_mentions em2 ON em2.entity_id = c.entity_id
                JOIN mentions o2 ON o2.mention_id = em2.mention_id
                WHERE n.mention_id = c.mention_id AND n.id_valid AND o2.id_valid
                  AND n.id_number <> o2.id_number)
            GROUP BY mention_id
            """
        )
        found = int(con.execute("SELECT count(*) FROM _rt_claim").fetchall()[0][0])
        if not found:
            continue
        by_rule[rule] = found
        con.execute("INSERT INTO entity_mentions SELECT mention_id, entity_id FROM _rt_claim")
        con.execute(
            f"""INSERT INTO match_evidence
                SELECT least(via, mention_id), greatest(via, mention_id), 'deterministic',
                       '{rule}', NULL, NULL FROM _rt_claim"""
        )
        con.execute(
            """UPDATE entities SET mention_count = mention_count + c.n
               FROM (SELECT entity_id, count(*) AS n FROM _rt_claim GROUP BY ALL) c
               WHERE entities.entity_id = c.entity_id"""
        )
    con.execute("DROP TABLE IF EXISTS _rt_claim")
    return Attached(n, sum(by_rule.values()), by_rule)
