"""Cases: the legal basis every read of person data rests on.

A case is opened (status `pending`) by an analyst or supervisor, who becomes its
first member; a supervisor other than the opener approves it (status `open`);
only then may its members read person data. Closing a case ends reads and
releases its legal hold. The changes run inside an authorised, audited operation (they
take its handle, gate.operation); these functions enforce the finer rules and raise
Forbidden / InputError.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import duckdb

from docket.errors import Forbidden, InputError
from docket.governance import inputs, users
from docket.governance.handles import Operation, operation_path
from docket.governance.roles import READERS, SUPERVISOR, Principal
from docket.store.entities import current_id, cursor_query

BASIS_CATEGORIES = (
    "criminal-investigation",
    "missing-person",
    "fraud",
    "counter-terrorism",
    "organised-crime",
    "child-protection",
)
SUBJECT_CATEGORIES = ("suspect", "witness", "victim", "other")
REVIEW_DAYS = 180


@dataclass(frozen=True)
class Case:
    case_id: str
    title: str
    basis_category: str
    basis_ref: str
    status: str
    opened_by: str
    opened_at: datetime
    approved_by: str | None
    approved_at: datetime | None
    review_date: date
    closed_by: str | None
    closed_at: datetime | None
    held: bool


_SELECT = (
    "SELECT c.case_id, c.title, c.basis_category, c.basis_ref, c.status, c.opened_by, "
    "c.opened_at, c.approved_by, c.approved_at, c.review_date, c.closed_by, c.closed_at, "
    "EXISTS (SELECT 1 FROM legal_holds h WHERE h.case_id = c.case_id AND h.released_at IS NULL) "
    "FROM cases c"
)


def _now() -> datetime:
    return datetime.now(UTC)


def get(con: duckdb.DuckDBPyConnection, case_id: str) -> Case:
    """The case, or InputError naming it when there is none."""
    cur = con.cursor()
    try:
        found = cur.execute(_SELECT + " WHERE c.case_id = ?", [case_id]).fetchall()
    finally:
        cur.close()
    if not found:
        raise InputError("case", f"no case {case_id!r}", hint="see `docket case list`")
    return Case(*found[0])


def is_member(con: duckdb.DuckDBPyConnection, case_id: str, user: str) -> bool:
    cur = con.cursor()
    try:
        return bool(
            cur.execute(
                "SELECT 1 FROM case_members WHERE case_id = ? AND user_name = ?", [case_id, user]
            ).fetchall()
        )
    finally:
        cur.close()


def require_readable(con: duckdb.DuckDBPyConnection, case_id: str, who: Principal) -> Case:
    """The case if `who` may read person data for it now; Forbidden saying why otherwise."""
    case = get(con, case_id)
    if case.status == "pending":
        raise Forbidden(
            f"case {case_id} is awaiting approval by a supervisor other than its opener; "
            "no person data can be read for it yet"
        )
    if case.status != "open":
        raise Forbidden(
            f"case {case_id} is {case.status}; person data can only be read for open cases"
        )
    if not is_member(con, case_id, who.user):
        raise Forbidden(
            f"{who.user} is not a member of case {case_id}; ask a member to run "
            f"`docket case add-member {case_id} {who.user}`"
        )
    if case.review_date < _now().date():
        raise Forbidden(
            f"case {case_id} was due for review on {case.review_date}: a supervisor must "
            f"confirm it is still needed (`docket case review {case_id}`)"
        )
    return case


@operation_path("case.open")
def open_case(op: Operation, title: str, basis: str, ref: str) -> str:
    """Open a case (pending approval) with the caller as its first member; returns its id."""
    con, who = op.con, op.principal
    title = inputs.text("TITLE", title, limit=200)
    basis = inputs.one_of("--basis", basis, BASIS_CATEGORIES)
    ref = inputs.text("--ref", ref, limit=200)
    if who.role not in READERS:
        raise Forbidden(f"role {who.role} cannot open cases; analysts and supervisors do")
    cur = con.cursor()
    try:
        n = cur.execute("SELECT count(*) FROM cases").fetchall()[0][0]
        case_id = f"C-{n + 1:04d}"
        now = _now()
        cur.execute(
            "INSERT INTO cases (case_id, title, basis_category, basis_ref, status, opened_by, "
            "opened_at, review_date) VALUES (?, ?, ?, ?, 'pending', ?, ?, ?)",
            [case_id, title, basis, ref, who.user, now, (now + timedelta(days=REVIEW_DAYS)).date()],
        )
        cur.execute(
            "INSERT INTO case_members VALUES (?, ?, ?, ?)", [case_id, who.user, who.user, now]
        )
    finally:
        cur.close()
    return case_id


@operation_path("case.approve")
def approve(op: Operation, case_id: str) -> Case:
    """Approve a pending case: a supervisor who did not open it."""
    con, who = op.con, op.principal
    case = get(con, inputs.case_id(case_id, "ID"))
    if who.role != SUPERVISOR:
        raise Forbidden("only a supervisor can approve a case")
    if case.opened_by == who.user:
        raise Forbidden(f"you opened {case.case_id}; another supervisor must approve it")
    if case.status != "pending":
        raise Forbidden(f"case {case.case_id} is {case.status}, not awaiting approval")
    cur = con.cursor()
    try:
        cur.execute(
            "UPDATE cases SET status = 'open', approved_by = ?, approved_at = ? WHERE case_id = ?",
            [who.user, _now(), case.case_id],
        )
    finally:
        cur.close()
    return get(con, case.case_id)


@operation_path("case.review")
def review(op: Operation, case_id: str) -> Case:
    """Confirm an open case is still needed: a supervisor; the next review is REVIEW_DAYS on."""
    con, who = op.con, op.principal
    case = get(con, inputs.case_id(case_id, "ID"))
    if who.role != SUPERVISOR:
        raise Forbidden("only a supervisor can review a case")
    if case.status != "open":
        raise Forbidden(f"case {case.case_id} is {case.status}; only open cases are reviewed")
    cur = con.cursor()
    try:
        cur.execute(
            "UPDATE cases SET review_date = ? WHERE case_id = ?",
            [(_now() + timedelta(days=REVIEW_DAYS)).date(), case.case_id],
        )
    finally:
        cur.close()
    return get(con, case.case_id)


def _require_member_or_supervisor(
    con: duckdb.DuckDBPyConnection, who: Principal, case: Case
) -> None:
    if who.role == SUPERVISOR or (who.role in READERS and is_member(con, case.case_id, who.user)):
        return
    raise Forbidden(f"only members of {case.case_id} or a supervisor can change it")


@operation_path("case.add-member")
def add_member(op: Operation, case_id: str, user: str) -> None:
    """Add an analyst or supervisor to a case that is not closed."""
    con, who = op.con, op.principal
    case = get(con, inputs.case_id(case_id, "ID"))
    user = inputs.user_name(user, "USER")
    _require_member_or_supervisor(con, who, case)
    if case.status == "closed":
        raise Forbidden(f"case {case.case_id} is closed")
    found = users.role_of(con, user)
    if found is None:
        raise InputError("USER", f"no user {user!r}", hint="see `docket user list`")
    if found[0] not in READERS:
        raise Forbidden(
            f"{user} is an {found[0]}; only analysts and supervisors can be case members"
        )
    if found[1]:
        raise Forbidden(f"{user}'s account is disabled")
    if is_member(con, case.case_id, user):
        return
    cur = con.cursor()
    try:
        cur.execute(
            "INSERT INTO case_members VALUES (?, ?, ?, ?)", [case.case_id, user, who.user, _now()]
        )
    finally:
        cur.close()


@operation_path("case.close")
def close(op: Operation, case_id: str) -> None:
    """Close a case: a supervisor or its opener. Releases its legal hold."""
    con, who = op.con, op.principal
    case = get(con, inputs.case_id(case_id, "ID"))
    if not (who.role == SUPERVISOR or (who.role in READERS and case.opened_by == who.user)):
        raise Forbidden("only a supervisor or the opener can close a case")
    if case.status == "closed":
        raise Forbidden(f"case {case.case_id} is already closed")
    now = _now()
    cur = con.cursor()
    try:
        cur.execute(
            "UPDATE cases SET status = 'closed', closed_by = ?, closed_at = ? WHERE case_id = ?",
            [who.user, now, case.case_id],
        )
        cur.execute(
            "UPDATE legal_holds SET released_by = ?, released_at = ? "
            "WHERE case_id = ? AND released_at IS NULL",
            [who.user, now, case.case_id],
        )
    finally:
        cur.close()


@operation_path("case.link")
def link(op: Operation, case_id: str, entity: str, category: str) -> str:
    """Link a person (entity) to an open case as suspect, witness, victim or other.

    Returns the entity's current id (after redirects), which is what is stored.
    """
    con, who = op.con, op.principal
    case = require_readable(con, inputs.case_id(case_id, "ID"), who)
    entity = inputs.entity_id(entity, "ENTITY")
    category = inputs.one_of("--as", category, SUBJECT_CATEGORIES)
    current = current_id(cursor_query(con), entity)
    if current is None:
        raise InputError("ENTITY", f"no entity {entity!r} in the store", hint="check the id")
    cur = con.cursor()
    try:
        cur.execute(
            "INSERT INTO case_subjects VALUES (?, ?, ?, ?, ?) ON CONFLICT (case_id, entity_id) "
            "DO UPDATE SET category = excluded.category",
            [case.case_id, current, category, who.user, _now()],
        )
    finally:
        cur.close()
    return current


@operation_path("case.hold")
def hold(op: Operation, case_id: str, reason: str, *, release: bool = False) -> None:
    """Place (or release) a legal hold: purge keeps the data of the case's subjects."""
    con, who = op.con, op.principal
    case = get(con, inputs.case_id(case_id, "ID"))
    reason = inputs.text("--reason", reason, limit=300)
    if who.role != SUPERVISOR:
        raise Forbidden("only a supervisor can place or release a legal hold")
    cur = con.cursor()
    try:
        if release:
            cur.execute(
                "UPDATE legal_holds SET released_by = ?, released_at = ? "
                "WHERE case_id = ? AND released_at IS NULL",
                [who.user, _now(), case.case_id],
            )
            return
        if case.status != "open":
            raise Forbidden(f"case {case.case_id} is {case.status}; only open cases can hold data")
        if not case.held:
            cur.execute(
                "INSERT INTO legal_holds VALUES (?, ?, ?, ?, NULL, NULL)",
                [case.case_id, reason, who.user, _now()],
            )
    finally:
        cur.close()


def visible(con: duckdb.DuckDBPyConnection, who: Principal) -> list[Case]:
    """Cases `who` may see: members their cases; supervisors and auditors all of them."""
    if who.role not in (*READERS, "auditor"):
        raise Forbidden(f"role {who.role} has no access to cases (separation of duties)")
    cur = con.cursor()
    try:
        if who.role == "analyst":
            rows = cur.execute(
                _SELECT
                + " WHERE c.case_id IN (SELECT case_id FROM case_members WHERE user_name = ?)"
                " ORDER BY c.case_id",
                [who.user],
            ).fetchall()
        else:
            rows = cur.execute(_SELECT + " ORDER BY c.case_id").fetchall()
    finally:
        cur.close()
    return [Case(*r) for r in rows]


def detail(
    con: duckdb.DuckDBPyConnection, who: Principal, case_id: str
) -> tuple[Case, list[tuple[str, str]], list[tuple[str, str]]]:
    """A case with its members [(user, role)] and subjects [(entity, category)]."""
    case = get(con, inputs.case_id(case_id, "ID"))
    if not (who.role in (SUPERVISOR, "auditor") or is_member(con, case.case_id, who.user)):
        raise Forbidden(f"{who.user} is not a member of case {case.case_id}")
    cur = con.cursor()
    try:
        members = cur.execute(
            "SELECT m.user_name, u.role FROM case_members m JOIN users u ON u.name = m.user_name "
            "WHERE m.case_id = ? ORDER BY m.user_name",
            [case.case_id],
        ).fetchall()
        subjects = cur.execute(
            "SELECT entity_id, category FROM case_subjects WHERE case_id = ? ORDER BY entity_id",
            [case.case_id],
        ).fetchall()
    finally:
        cur.close()
    return case, [(str(a), str(b)) for a, b in members], [(str(a), str(b)) for a, b in subjects]
