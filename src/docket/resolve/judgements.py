"""Analyst judgements: `same` / `different` decisions on two mentions or entities.

A judgement is made for a case, with a justification, on two references (mention or
entity ids) of people in the case's scope; anything else — an unknown reference, one
outside the scope, the same one twice — gets one and the same refusal, so that judging
cannot be used to probe which ids or identifiers the store holds. A `same` verdict that
would join two people with different valid ID numbers waits for a supervisor other than
its author to confirm it.

Judgements are appended, never edited; for each mention pair the latest active one
counts. An entity id stands for its representative mention (its smallest mention_id) at
the time of judging. The next resolve honours them all.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

import duckdb

from docket.errors import Forbidden, InputError
from docket.governance import cases, inputs
from docket.governance.handles import Operation, operation_path
from docket.governance.roles import SUPERVISOR
from docket.store.entities import Query, cursor_query, require_current

Verdict = Literal["same", "different"]


@dataclass(frozen=True)
class Judgement:
    judgement_id: str
    mention_id_l: str
    mention_id_r: str
    verdict: Verdict
    status: str = "active"  # active | pending (a supervisor must confirm it)


def in_scope(query: Query, scope: Collection[str], case: str, ref: str) -> tuple[str, str]:
    """(mention id, entity id) of a reference (mention or entity id) whose entity is in the
    case's `scope`. Unknown references and references outside the scope get one and the
    same answer, so that nobody can test which ids the store holds."""
    try:
        mention = to_mention(query, ref)
        found = query("SELECT entity_id FROM entity_mentions WHERE mention_id = ?", [mention])
    except InputError:
        found, mention = [], ref
    if not found or str(found[0][0]) not in scope:
        raise Forbidden(
            f"{ref[:80]!r} is not a person in the scope of case {case}: link it to the case, "
            "or reach it from a subject or through a search under the case"
        )
    return mention, str(found[0][0])


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


def _valid_ids(query: Query, entity: str) -> set[str]:
    rows = query(
        "SELECT DISTINCT m.id_number FROM entity_mentions em JOIN mentions m USING (mention_id) "
        "WHERE em.entity_id = ? AND m.id_valid",
        [entity],
    )
    return {str(r[0]) for r in rows}


@operation_path("judge")
def judge(op: Operation, a: str, b: str, verdict: str, *, why: str) -> Judgement:
    """Append a judgement on the pair (a, b) for the operation's case and user; it takes
    effect on the next resolve (a `same` joining two valid ID numbers once confirmed)."""
    con, case, user = op.con, op.case, op.user
    if case is None:
        raise InputError("--case", "a judgement is made for a case", hint="pass --case ID")
    why = inputs.text("--why", why)
    if verdict not in ("same", "different"):
        raise InputError("verdict", f"{verdict!r} is not 'same' or 'different'")
    query = cursor_query(con)
    scope = op.scope()
    ma, ea = in_scope(query, scope, case, a)
    mb, eb = in_scope(query, scope, case, b)
    if ma == mb:  # the same answer as for an unknown reference
        in_scope(query, (), case, b)
    ids_a, ids_b = _valid_ids(query, ea), _valid_ids(query, eb)
    two_ids = verdict == "same" and ea != eb and bool(ids_a) and bool(ids_b)
    status = "pending" if two_ids and ids_a.isdisjoint(ids_b) else "active"
    (lo, ref_lo), (hi, ref_hi) = sorted([(ma, a), (mb, b)])
    jid = "J-" + secrets.token_hex(8)
    record(con, jid, lo, hi, verdict, ref_lo, ref_hi, case, why, user, status)
    op.objects.append(jid)
    return Judgement(jid, lo, hi, verdict, status)  # type: ignore[arg-type]


def record(
    con: duckdb.DuckDBPyConnection,
    judgement_id: str,
    mention_l: str,
    mention_r: str,
    verdict: str,
    ref_l: str,
    ref_r: str,
    case: str | None,
    note: str | None,
    user: str | None,
    status: str = "active",
) -> None:
    """Append one judgement row (mention_l < mention_r)."""
    cur = con.cursor()
    try:
        cur.execute(
            "INSERT INTO judgements (judgement_id, mention_id_l, mention_id_r, verdict, ref_l, "
            'ref_r, case_id, note, user_name, "at", status) '
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [judgement_id, mention_l, mention_r, verdict, ref_l, ref_r, case, note, user,
             datetime.now(UTC), status],
        )  # fmt: skip
    finally:
        cur.close()


@operation_path("judge.confirm")
def confirm(op: Operation, judgement_id: str) -> str:
    """A supervisor other than its author, member of its case, confirms a pending
    judgement; returns its case."""
    con = op.con
    found = con.execute(
        "SELECT case_id, user_name, status FROM judgements WHERE judgement_id = ?",
        [judgement_id[:40]],
    ).fetchall()
    if not found:
        raise InputError("JUDGEMENT", f"no judgement {judgement_id[:40]!r}")
    case, author, status = found[0]
    if op.role != SUPERVISOR:
        raise Forbidden("only a supervisor confirms a judgement")
    if author == op.user:
        raise Forbidden(f"you made {judgement_id}; another supervisor must confirm it")
    if status != "pending":
        raise Forbidden(f"{judgement_id} is {status}, not awaiting confirmation")
    cases.require_readable(con, case, op.principal)
    con.execute(
        "UPDATE judgements SET status = 'active', confirmed_by = ?, confirmed_at = ? "
        "WHERE judgement_id = ?",
        [op.user, datetime.now(UTC), judgement_id],
    )
    return str(case)


LATEST_SQL = """
    SELECT mention_id_l, mention_id_r,
           arg_max(verdict, ("at", judgement_id)) AS verdict,
           arg_max(judgement_id, ("at", judgement_id)) AS judgement_id
    FROM judgements WHERE status = 'active' GROUP BY mention_id_l, mention_id_r
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
