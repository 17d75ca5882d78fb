"""Bulk bases: reading beyond a case's scope, asked for with a reason by a member,
approved by another supervisor, capped and expiring (see scope.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from docket.errors import Forbidden
from docket.governance import inputs
from docket.governance.handles import Operation, operation_path
from docket.governance.scope import BULK_DAYS, MAX_BULK_ROWS, BulkBasis, get_basis


@operation_path("case.bulk-request")
def request_bulk(op: Operation, case_id: str, reason: str, cap: int) -> str:
    """Record a member's request to read beyond the case's scope; returns its id."""
    con, user = op.con, op.user
    reason = inputs.text("--reason", reason)
    cap = inputs.positive("--cap", cap, maximum=MAX_BULK_ROWS)
    now = datetime.now(UTC)
    cur = con.cursor()
    try:
        n = cur.execute("SELECT count(*) FROM bulk_bases").fetchall()[0][0]
        basis_id = f"B-{n + 1:04d}"
        cur.execute(
            "INSERT INTO bulk_bases VALUES (?, ?, ?, ?, ?, ?, NULL, NULL, ?)",
            [basis_id, case_id, reason, cap, user, now, now + timedelta(days=BULK_DAYS)],
        )
    finally:
        cur.close()
    return basis_id


@operation_path("case.bulk-approve")
def approve_bulk(op: Operation, basis_id: str) -> BulkBasis:
    """A supervisor other than the requester approves a bulk basis."""
    con, supervisor = op.con, op.user
    basis = get_basis(con, inputs.bulk_id(basis_id, "ID"))
    if basis.requested_by == supervisor:
        raise Forbidden(f"you requested {basis.basis_id}; another supervisor must approve it")
    if basis.approved_by is not None:
        raise Forbidden(f"{basis.basis_id} is already approved by {basis.approved_by}")
    if not basis.expires_at > datetime.now(UTC):
        raise Forbidden(f"{basis.basis_id} has expired; request a new one")
    cur = con.cursor()
    try:
        cur.execute(
            "UPDATE bulk_bases SET approved_by = ?, approved_at = now() WHERE basis_id = ?",
            [supervisor, basis.basis_id],
        )
    finally:
        cur.close()
    return get_basis(con, basis.basis_id)
