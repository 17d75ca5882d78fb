"""The audit trail: append-only, hash-chained, verifiable.

Each row's `hash` is the SHA-256 of the canonical JSON of the row (every column
but `hash`, including `prev_hash`, the previous row's hash). This module only
ever INSERTs into audit_log: there is no update or delete path. `verify` walks
the rows in storage order and names the first one that was edited, deleted,
inserted or moved; `audit_head` remembers the newest (seq, hash) so that removing
the last rows is noticed as well.

A hand-made forgery that recomputes every later hash is not detectable from the
database alone; copy `audit_head` (or `docket audit verify` output) elsewhere
to anchor it. Appends are serialised within a process (the service's threads).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import socket
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import duckdb

from docket.errors import StoreError
from docket.governance.roles import Principal

GENESIS = "0" * 64
_COLUMNS = (
    "seq, logged_at, user_name, role, case_id, justification, action, category, objects, params, "
    "result_count, client, outcome, detail, prev_hash, hash"
)

# The category of an action by its first dotted part; callers may pass one explicitly.
_CATEGORIES = {
    "auth": "authentication",
    "user": "permission",
    "ingest": "collection",
    "sources": "collection",
    "judge": "alteration",
    "resolve": "combination",
    "purge": "erasure",
    "export": "disclosure",
    "audit": "oversight",
    "report": "oversight",
    "case": "case",
    "watchlist": "watchlist",
}


# One writer appends at a time: the chain's next seq and prev_hash are read and written in
# one transaction, and concurrent appends (the service's request threads) would conflict.
_APPEND = threading.Lock()


def category_of(action: str, default: str = "consultation") -> str:
    """The audit category of an action name (consultation when not known)."""
    return _CATEGORIES.get(action.split(".", 1)[0], default)


def local_client() -> str:
    """The client address of a command run on this machine."""
    return f"local:{socket.gethostname()}"


@dataclass(frozen=True)
class AuditRow:
    seq: int
    at: datetime
    user: str | None
    role: str | None
    case: str | None
    justification: str | None
    action: str
    category: str
    objects: str  # JSON list
    params: str  # JSON object
    result_count: int | None
    client: str
    outcome: str
    detail: str | None
    prev_hash: str
    hash: str

    def canonical(self) -> str:
        """The canonical JSON the hash covers (everything but the hash itself)."""
        body = {
            "seq": self.seq,
            "at": self.at.astimezone(UTC).isoformat(),
            "user": self.user,
            "role": self.role,
            "case": self.case,
            "justification": self.justification,
            "action": self.action,
            "category": self.category,
            "objects": self.objects,
            "params": self.params,
            "result_count": self.result_count,
            "client": self.client,
            "outcome": self.outcome,
            "detail": self.detail,
            "prev_hash": self.prev_hash,
        }
        return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))

    def computed_hash(self) -> str:
        return hashlib.sha256(self.canonical().encode("utf-8")).hexdigest()


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def require_writable(con: duckdb.DuckDBPyConnection) -> None:
    """Raise StoreError unless the audit trail can be written on `con` (checked before reads)."""
    cur = con.cursor()
    try:
        mode = cur.execute("SELECT current_setting('access_mode')").fetchall()[0][0]
    finally:
        cur.close()
    if str(mode).lower() == "read_only":
        raise StoreError(
            "cannot write the audit trail: the store is open read-only",
            hint="open the store writable; nothing that must be audited can run without it",
        )


def record(
    con: duckdb.DuckDBPyConnection,
    *,
    action: str,
    outcome: str,
    principal: Principal | None = None,
    user: str | None = None,
    case: str | None = None,
    why: str | None = None,
    objects: Sequence[str] = (),
    params: Mapping[str, Any] | None = None,
    result_count: int | None = None,
    client: str | None = None,
    detail: str | None = None,
    category: str | None = None,
) -> int:
    """Append one row to the audit trail in its own transaction; returns its seq.

    Raises StoreError when the trail cannot be written (for example on a
    read-only connection): nothing that needs auditing may proceed then.
    """
    cur = con.cursor()
    _APPEND.acquire()
    try:
        cur.execute("BEGIN TRANSACTION")
        last = cur.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchall()
        seq, prev = (last[0][0] + 1, last[0][1]) if last else (1, GENESIS)
        row = AuditRow(
            seq=seq,
            at=datetime.now(UTC),
            user=principal.user if principal else user,
            role=principal.role if principal else None,
            case=case,
            justification=why,
            action=action,
            category=category or category_of(action),
            objects=_json(list(objects)),
            params=_json(dict(params or {})),
            result_count=result_count,
            client=client or local_client(),
            outcome=outcome,
            detail=detail,
            prev_hash=prev,
            hash="",
        )
        digest = row.computed_hash()
        cur.execute(
            f"INSERT INTO audit_log ({_COLUMNS}) VALUES "
            "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                row.seq,
                row.at,
                row.user,
                row.role,
                row.case,
                row.justification,
                row.action,
                row.category,
                row.objects,
                row.params,
                row.result_count,
                row.client,
                row.outcome,
                row.detail,
                row.prev_hash,
                digest,
            ],
        )
        cur.execute("DELETE FROM audit_head")
        cur.execute("INSERT INTO audit_head VALUES (?, ?)", [seq, digest])
        cur.execute("COMMIT")
    except duckdb.Error as exc:
        with contextlib.suppress(duckdb.Error):
            cur.execute("ROLLBACK")
        raise StoreError(
            f"cannot write the audit trail: {exc}",
            hint="open the store writable; nothing that must be audited can run without it",
        ) from None
    finally:
        _APPEND.release()
        cur.close()
    return seq


def _rows(
    con: duckdb.DuckDBPyConnection,
    where: str = "",
    args: Sequence[Any] = (),
    order: str = "rowid",
    limit: int | None = None,
) -> list[AuditRow]:
    sql = f"SELECT {_COLUMNS} FROM audit_log {where} ORDER BY {order}"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    cur = con.cursor()
    try:
        return [AuditRow(*r) for r in cur.execute(sql, list(args)).fetchall()]
    finally:
        cur.close()


@dataclass(frozen=True)
class Verdict:
    ok: bool
    rows: int
    bad_seq: int | None = None
    problem: str | None = None


def verify(con: duckdb.DuckDBPyConnection) -> Verdict:
    """Recompute the chain; name the first row that breaks it.

    The chain is walked in seq order (edits, deletions, insertions), then the
    storage order is compared with it (rows moved without changing their seq).
    """
    stored = _rows(con)
    rows = sorted(stored, key=lambda r: r.seq)
    n = len(rows)
    expected_seq, expected_prev = 1, GENESIS
    for r in rows:
        if r.seq < expected_seq:
            return Verdict(False, n, r.seq, f"row {r.seq} appears twice: a row was inserted")
        if r.seq > expected_seq:
            gone = f"{expected_seq}" if r.seq == expected_seq + 1 else f"{expected_seq}–{r.seq - 1}"
            return Verdict(
                False, n, expected_seq,
                f"row {gone} is missing: deleted from the trail "
                f"(row {r.seq} follows row {expected_seq - 1})",
            )  # fmt: skip
        if r.hash != r.computed_hash():
            return Verdict(
                False, n, r.seq,
                f"row {r.seq} does not match its hash: it was edited (or forged) by hand",
            )  # fmt: skip
        if r.prev_hash != expected_prev:
            return Verdict(
                False, n, r.seq,
                f"row {r.seq} does not chain to row {r.seq - 1}: a row was replaced, "
                "inserted or removed before it",
            )  # fmt: skip
        expected_seq, expected_prev = r.seq + 1, r.hash
    for position, (got, want) in enumerate(zip(stored, rows, strict=True)):
        if got.seq != want.seq:
            after = f"after row {stored[position - 1].seq}" if position else "first"
            return Verdict(
                False, n, got.seq,
                f"row {got.seq} is out of place: stored {after}, where row {want.seq} belongs "
                "(rows reordered)",
            )  # fmt: skip
    cur = con.cursor()
    try:
        head = cur.execute("SELECT seq, hash FROM audit_head").fetchall()
    finally:
        cur.close()
    last = expected_seq - 1
    if not head:
        if rows:
            return Verdict(False, len(rows), last, "the trail's head record is missing")
        return Verdict(True, 0)
    hseq, hhash = head[0]
    if hseq > last:
        gone = f"{last + 1}" if hseq == last + 1 else f"{last + 1}–{hseq}"
        return Verdict(
            False,
            len(rows),
            last + 1,
            f"row {gone} is missing: deleted from the end of the trail "
            f"(the head records row {hseq})",
        )
    if hseq < last:
        return Verdict(
            False,
            len(rows),
            hseq + 1,
            f"row {hseq + 1} was inserted by hand after the recorded head (row {hseq})",
        )
    if hhash != expected_prev:
        return Verdict(
            False, len(rows), last, f"row {last} was replaced: it differs from the head record"
        )
    return Verdict(True, len(rows))


def verify_and_record(
    con: duckdb.DuckDBPyConnection, *, principal: Principal | None, client: str | None
) -> Verdict:
    """Verify the chain, then record the check and its outcome (the check comes first: the
    row it appends cannot hide what it found)."""
    verdict = verify(con)
    record(
        con, action="audit.verify", outcome="ok" if verdict.ok else "failed",
        principal=principal, result_count=verdict.rows, detail=verdict.problem, client=client,
        params={"bad_seq": verdict.bad_seq} if verdict.bad_seq else None,
    )  # fmt: skip
    return verdict


def show(
    con: duckdb.DuckDBPyConnection,
    *,
    user: str | None = None,
    case: str | None = None,
    action: str | None = None,
    since: datetime | None = None,
    limit: int = 100,
) -> list[AuditRow]:
    """The newest `limit` rows matching every filter given, oldest first."""
    conds: list[str] = []
    args: list[Any] = []
    for column, value in (("user_name", user), ("case_id", case)):
        if value is not None:
            conds.append(f"{column} = ?")
            args.append(value)
    if action is not None:
        conds.append("(action = ? OR starts_with(action, ?))")
        args += [action, action + "."]
    if since is not None:
        conds.append("logged_at >= ?")
        args.append(since)
    where = ("WHERE " + " AND ".join(conds)) if conds else ""
    newest = _rows(con, where, args, order="seq DESC", limit=limit)
    return newest[::-1]


def consultations_of(
    con: duckdb.DuckDBPyConnection, ids: Sequence[str], *, bulk_since: datetime | None = None
) -> list[AuditRow]:
    """Every audit row whose objects include one of `ids`, oldest first.

    With `bulk_since`, also every successful bulk disclosure (an export naming no
    objects, i.e. all of them) from that time on.
    """
    if not ids:
        return []
    where = "WHERE list_has_any(from_json(objects, '[\"VARCHAR\"]'), ?::VARCHAR[])"
    args: list[Any] = [list(ids)]
    if bulk_since is not None:
        where += (
            " OR (category = 'disclosure' AND objects = '[]' AND outcome = 'ok' AND logged_at >= ?)"
        )
        args.append(bulk_since)
    return _rows(con, where, args, order="seq")
