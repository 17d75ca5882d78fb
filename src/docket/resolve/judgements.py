"""Analyst judgements: `same` / `different` decisions on two mentions or entities.

Judgements are appended, never edited; for each mention pair the latest one
counts. An entity id stands for its representative mention (its smallest
mention_id) at the time of judging. The next resolve honours them all.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

import duckdb

from docket.errors import InputError
from docket.governance.handles import Operation, operation_path
from docket.store.entities import Query, cursor_query, require_current

Verdict = Literal["same", "different"]


@dataclass(frozen=True)
class Judgement:
    judgement_id: str
    mention_id_l: str
    mention_id_r: str
    verdict: Verdict


def to_mention(query: Query, ref: str) -> str:
    """A mention id for `ref`: a mention id as is, an entity id as its smallest mention."""
    if query("SELECT 1 FROM mentions WHERE mention_id = ?", [ref]):
        return ref
    if ref.startswith("P") and len(ref) == 13:
        live = require_current(query, ref)
        row = query("SELECT min(mention_id) FROM entity_mentions WHERE entity_id = ?", [live])
        if row and row[0][0] is not None:
            return str(row[0][0])
    raise InputError(
        "mention",
        f"{ref!r} is neither a mention id nor an entity id",
        hint="mention ids look like 'source:record_key', entity ids like 'P1a2b3c4d5e6f'",
    )


@operation_path("judge")
def judge(op: Operation, a: str, b: str, verdict: str, *, note: str | None) -> Judgement:
    """Append a judgement on the pair (a, b) for the operation's case and user; it takes
    effect on the next resolve."""
    con, case, user = op.con, op.case, op.user
    if verdict not in ("same", "different"):
        raise InputError("verdict", f"{verdict!r} is not 'same' or 'different'")
    query = cursor_query(con)
    ma, mb = to_mention(query, a), to_mention(query, b)
    if ma == mb:
        raise InputError("mention", f"{a!r} and {b!r} are the same mention", hint="name two")
    (lo, ref_lo), (hi, ref_hi) = sorted([(ma, a), (mb, b)])
    jid = uuid.uuid4().hex
    cur = con.cursor()
    try:
        cur.execute(
            "INSERT INTO judgements VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [jid, lo, hi, verdict, ref_lo, ref_hi, case, note, user, datetime.now(UTC)],
        )
    finally:
        cur.close()
    return Judgement(jid, lo, hi, verdict)  # type: ignore[arg-type]


LATEST_SQL = """
    SELECT mention_id_l, mention_id_r,
           arg_max(verdict, ("at", judgement_id)) AS verdict,
           arg_max(judgement_id, ("at", judgement_id)) AS judgement_id
    FROM judgements GROUP BY mention_id_l, mention_id_r
"""


def latest(con: duckdb.DuckDBPyConnection) -> list[Judgement]:
    """The judgement in force for each judged pair whose mentions still exist."""
    rows = con.execute(
        f"""
        SELECT j.judgement_id, j.mention_id_l, j.mention_id_r, j.verdict
        FROM ({LATEST_SQL}) j
        WHERE j.mention_id_l IN (SELECT mention_id FROM mentions)
          AND j.mention_id_r IN (SELECT mention_id FROM mentions)
        ORDER BY j.mention_id_l, j.mention_id_r
        """
    ).fetchall()
    return [Judgement(str(r[0]), str(r[1]), str(r[2]), r[3]) for r in rows]
