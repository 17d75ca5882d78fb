"""A case is a scope: the entities its reads may return.

A case's scope is its subjects (`case link`) and the entities its members reached from
them or through a search under the case ("encountered", recorded with the read that
reached them: its `started` audit row). Ids are kept as they were when linked or reached
and followed through redirects when read, so a merge keeps the merged person in scope.

Reads that start from an entity (a profile, its neighbours, an explanation) require it to
be in scope; reads that list entities (an export) list the scope; what a read discloses
joins the scope. Reading beyond the scope needs a bulk basis: requested by a member with a
reason, approved by a supervisor other than the requester, capped and expiring.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb

from docket.errors import Forbidden, InputError
from docket.governance import inputs

# A read listing more entities than this needs a bulk basis even inside the scope.
SCOPE_CAP = 1_000
# A bulk basis: at most this many rows per read, valid this long.
MAX_BULK_ROWS = 1_000_000
BULK_DAYS = 7

_LATEST_REDIRECTS = """
    SELECT old_id, arg_max(new_id, ("at", rowid)) AS new_id
    FROM entity_redirects GROUP BY old_id
"""


def current_scope(con: duckdb.DuckDBPyConnection, case_id: str) -> list[str]:
    """The current ids (after redirects) of every entity in the case's scope, sorted."""
    cur = con.cursor()
    try:
        rows = cur.execute(
            f"""
            WITH RECURSIVE
            kept(id) AS (
                SELECT entity_id FROM case_subjects WHERE case_id = $case
                UNION SELECT entity_id FROM case_scope WHERE case_id = $case),
            hop AS ({_LATEST_REDIRECTS}),
            walk(id, depth) AS (
                SELECT id, 0 FROM kept
                UNION ALL
                SELECT h.new_id, w.depth + 1 FROM walk w JOIN hop h ON h.old_id = w.id
                WHERE h.new_id IS NOT NULL AND w.depth < 100
                  AND w.id NOT IN (SELECT entity_id FROM entities))
            SELECT DISTINCT w.id FROM walk w JOIN entities e ON e.entity_id = w.id ORDER BY 1
            """,
            {"case": case_id},
        ).fetchall()
    finally:
        cur.close()
    return [str(r[0]) for r in rows]


def encounter(
    con: duckdb.DuckDBPyConnection,
    case_id: str,
    ids: Iterable[str],
    *,
    action: str,
    seq: int,
    user: str,
) -> int:
    """Add the entities among `ids` that exist and are not yet in scope; returns how many."""
    wanted = sorted({i for i in ids if i})
    if not wanted:
        return 0
    cur = con.cursor()
    try:
        rows = cur.execute(
            """
            INSERT INTO case_scope
            SELECT $case, e.entity_id, $action, $seq, $user, now()
            FROM entities e
            WHERE e.entity_id IN (SELECT unnest($ids::VARCHAR[]))
              AND e.entity_id NOT IN (SELECT entity_id FROM case_scope WHERE case_id = $case)
              AND e.entity_id NOT IN (SELECT entity_id FROM case_subjects WHERE case_id = $case)
            RETURNING 1
            """,
            {"case": case_id, "ids": wanted, "action": action, "seq": seq, "user": user},
        ).fetchall()
    finally:
        cur.close()
    return len(rows)


@dataclass(frozen=True)
class BulkBasis:
    basis_id: str
    case_id: str
    reason: str
    cap: int
    requested_by: str
    requested_at: datetime
    approved_by: str | None
    approved_at: datetime | None
    expires_at: datetime

    def usable(self, at: datetime | None = None) -> bool:
        return self.approved_by is not None and (at or datetime.now(UTC)) < self.expires_at


def get_basis(con: duckdb.DuckDBPyConnection, basis_id: str) -> BulkBasis:
    cur = con.cursor()
    try:
        found = cur.execute(
            "SELECT basis_id, case_id, reason, cap, requested_by, requested_at, approved_by, "
            "approved_at, expires_at FROM bulk_bases WHERE basis_id = ?",
            [basis_id],
        ).fetchall()
    finally:
        cur.close()
    if not found:
        raise InputError("--bulk", f"no bulk basis {basis_id!r}", hint="see `docket case show`")
    return BulkBasis(*found[0])


def usable_basis(con: duckdb.DuckDBPyConnection, basis_id: str, case_id: str) -> BulkBasis:
    """The approved, unexpired bulk basis `basis_id` of `case_id`, or Forbidden saying why."""
    basis = get_basis(con, inputs.bulk_id(basis_id, "--bulk"))
    if basis.case_id != case_id:
        raise Forbidden(f"bulk basis {basis.basis_id} belongs to case {basis.case_id}")
    if basis.approved_by is None:
        raise Forbidden(
            f"bulk basis {basis.basis_id} awaits approval by a supervisor other than "
            f"{basis.requested_by}"
        )
    if not basis.usable():
        raise Forbidden(f"bulk basis {basis.basis_id} expired at {basis.expires_at:%Y-%m-%d}")
    return basis


def bases(con: duckdb.DuckDBPyConnection, case_id: str) -> list[BulkBasis]:
    cur = con.cursor()
    try:
        rows = cur.execute(
            "SELECT basis_id, case_id, reason, cap, requested_by, requested_at, approved_by, "
            "approved_at, expires_at FROM bulk_bases WHERE case_id = ? ORDER BY basis_id",
            [case_id],
        ).fetchall()
    finally:
        cur.close()
    return [BulkBasis(*r) for r in rows]
