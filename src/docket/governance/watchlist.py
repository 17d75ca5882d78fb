"""Watchlist entries: who real-time matching looks out for, under a warrant, until it expires.

An entry names an entity, or identifiers of a person not yet in the data; it is
bound to an open case, carries a warrant reference and the issuing authority,
expires at most MAX_DAYS after it was set (default: MAX_DAYS) and only matches
once a supervisor other than its author approved it. `active_entries` is what
matching reads: expired, unapproved and closed-case entries are left out by
construction, so an entry stops matching by itself.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import duckdb

from docket.errors import Forbidden, InputError
from docket.governance import cases, inputs
from docket.governance.handles import Operation, PersonData, operation_path, read_path
from docket.governance.roles import SUPERVISOR, Principal
from docket.store.entities import current_id, cursor_query

MAX_DAYS = 90
# Fields a criterion may name (mention columns); `name` matches name_key.
CRITERIA_FIELDS = ("name", "id_number", "passport", "phone", "email", "birth_date", "region_code")
_STRONG = ("id_number", "passport", "phone", "email")


@dataclass(frozen=True)
class Entry:
    entry_id: str
    case_id: str
    entity_id: str | None  # the current id (after redirects) when the entry names an entity
    criteria: dict[str, str]  # normalised mention column → value
    warrant_ref: str
    authority: str
    created_by: str
    created_at: datetime
    expires_at: datetime
    approved_by: str | None
    approved_at: datetime | None

    def active(self, at: datetime | None = None) -> bool:
        now = at or datetime.now(UTC)
        return self.approved_by is not None and self.created_at <= now < self.expires_at


def _normalise(field: str, value: str) -> tuple[str, str]:
    from docket import normalize

    v = inputs.text(f"--{field.replace('_', '-')}", value, limit=inputs.MAX_SHORT)
    if field == "name":
        parts = normalize.normalize_name(v).value
        if parts is None or not parts.key:
            raise InputError("--name", f"{v!r} is not a usable name")
        return "name_key", str(parts.key)
    if field == "phone":
        phone = normalize.normalize_phone(v)
        if phone.value is None:
            raise InputError("--phone", f"{v!r}: {phone.reason}", hint="e.g. +8613812345678")
        return "phone", phone.value
    if field == "id_number":
        ric = normalize.normalize_resident_id(v).value
        if ric is None:
            raise InputError("--id-number", f"{v!r} is not a resident identity number")
        return "id_number", ric.number
    if field == "birth_date":
        return "birth_date", inputs.day("--birth-date", v).isoformat()
    return field, v


def criteria_from(raw: Mapping[str, str | None]) -> dict[str, str]:
    """Validate and normalise criteria {field: value}; refuses special categories."""
    out: dict[str, str] = {}
    for field, value in raw.items():
        if value is None:
            continue
        name = inputs.check_field("criterion", field, CRITERIA_FIELDS)
        column, norm = _normalise(name, value)
        out[column] = norm
    if not out:
        return out
    if not any(k in out for k in _STRONG) and not {"name_key", "birth_date"} <= out.keys():
        raise InputError(
            "criteria",
            "too broad: give an identity number, passport, phone or e-mail, or a name with "
            "a birth date",
        )
    return out


def _expiry(value: date | None, now: datetime) -> datetime:
    limit = now + timedelta(days=MAX_DAYS)
    if value is None:
        return limit
    expires = datetime.combine(value, time(23, 59, 59), tzinfo=UTC)
    if expires <= now:
        raise InputError("--expires", f"{value} is in the past")
    if expires > limit + timedelta(days=1):
        raise InputError(
            "--expires", f"{value} is more than {MAX_DAYS} days away", hint="renew it later instead"
        )
    return min(expires, limit)


@operation_path("watchlist.add")
def add(
    op: Operation,
    *,
    case: str,
    entity: str | None,
    criteria: Mapping[str, str | None],
    warrant: str,
    authority: str,
    expires: date | None = None,
) -> str:
    """Create an entry (not yet active: a supervisor must approve it); returns its id."""
    con, who = op.con, op.principal
    case = inputs.case_id(case, "--case")
    warrant = inputs.text("--warrant", warrant, limit=200)
    authority = inputs.text("--authority", authority, limit=200)
    cases.require_readable(con, case, who)
    crit = criteria_from(criteria)
    if (entity is None) == (not crit):
        raise InputError(
            "--entity", "give either --entity or identifiers (--id-number, --phone, --name …)"
        )
    current = None
    if entity is not None:
        current = current_id(cursor_query(con), inputs.entity_id(entity, "--entity"))
        if current is None:
            raise InputError("--entity", f"no entity {entity!r} in the store")
    now = datetime.now(UTC)
    cur = con.cursor()
    try:
        n = cur.execute("SELECT count(*) FROM watchlist").fetchall()[0][0]
        entry_id = f"W-{n + 1:04d}"
        cur.execute(
            "INSERT INTO watchlist VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)",
            [
                entry_id, case, current, json.dumps(crit, sort_keys=True) if crit else None,
                warrant, authority, who.user, now, _expiry(expires, now),
            ],
        )  # fmt: skip
    finally:
        cur.close()
    return entry_id


def _get(con: duckdb.DuckDBPyConnection, entry_id: str) -> Entry:
    found = _select(con, "WHERE entry_id = ?", [entry_id])
    if not found:
        raise InputError("ID", f"no watchlist entry {entry_id!r}")
    return found[0]


def _supervise(con: duckdb.DuckDBPyConnection, who: Principal, entry: Entry, verb: str) -> None:
    if who.role != SUPERVISOR:
        raise Forbidden(f"only a supervisor can {verb} a watchlist entry")
    if entry.created_by == who.user:
        raise Forbidden(f"you created {entry.entry_id}; another supervisor must {verb} it")
    if cases.get(con, entry.case_id).status != "open":
        raise Forbidden(f"case {entry.case_id} is not open")


@operation_path("watchlist.approve")
def approve(op: Operation, entry_id: str) -> Entry:
    """Approve an entry: a supervisor other than its author. It matches from now on."""
    con, who = op.con, op.principal
    entry = _get(con, inputs.entry_id(entry_id, "ID"))
    _supervise(con, who, entry, "approve")
    if entry.approved_by is not None:
        raise Forbidden(f"{entry.entry_id} is already approved by {entry.approved_by}")
    cur = con.cursor()
    try:
        cur.execute(
            "UPDATE watchlist SET approved_by = ?, approved_at = ? WHERE entry_id = ?",
            [who.user, datetime.now(UTC), entry.entry_id],
        )
    finally:
        cur.close()
    return _get(con, entry.entry_id)


@operation_path("watchlist.renew")
def renew(op: Operation, entry_id: str, expires: date | None = None) -> Entry:
    """Extend an entry (at most MAX_DAYS from now): a supervisor other than its author."""
    con, who = op.con, op.principal
    entry = _get(con, inputs.entry_id(entry_id, "ID"))
    _supervise(con, who, entry, "renew")
    now = datetime.now(UTC)
    cur = con.cursor()
    try:
        cur.execute(
            "UPDATE watchlist SET expires_at = ?, approved_by = ?, approved_at = ? "
            "WHERE entry_id = ?",
            [_expiry(expires, now), who.user, now, entry.entry_id],
        )
    finally:
        cur.close()
    return _get(con, entry.entry_id)


def _select(
    con: duckdb.DuckDBPyConnection, where: str, args: list[Any], *, join_open: bool = False
) -> list[Entry]:
    sql = (
        "SELECT w.entry_id, w.case_id, w.entity_id, w.criteria, w.warrant_ref, w.authority, "
        "w.created_by, w.created_at, w.expires_at, w.approved_by, w.approved_at FROM watchlist w"
    )
    if join_open:
        sql += " JOIN cases c ON c.case_id = w.case_id AND c.status = 'open'"
    cur = con.cursor()
    try:
        rows = cur.execute(f"{sql} {where} ORDER BY w.entry_id", args).fetchall()
    finally:
        cur.close()
    out = []
    for r in rows:
        entity = (current_id(cursor_query(con), r[2]) or r[2]) if r[2] else None
        crit = json.loads(r[3]) if r[3] else {}
        out.append(Entry(r[0], r[1], entity, crit, *r[4:]))
    return out


def active_entries(con: duckdb.DuckDBPyConnection, at: datetime | None = None) -> list[Entry]:
    """Entries that match at `at` (default now): approved, not expired, case open."""
    now = at or datetime.now(UTC)
    return _select(
        con,
        "WHERE w.approved_by IS NOT NULL AND w.created_at <= ? AND w.expires_at > ?",
        [now, now],
        join_open=True,
    )


@read_path("watchlist.list")
def case_entries(pd: PersonData, *, active_only: bool = False) -> list[Entry]:
    """The entries of the handle's case (person data: identifiers and entity ids)."""
    con = pd._con  # governance's own handle use: entries need redirects followed
    found = _select(con, "WHERE w.case_id = ?", [pd.case])
    if active_only:
        found = [e for e in found if e.active() and cases.get(con, e.case_id).status == "open"]
    pd.result_count = len(found)
    pd.objects.extend(e.entity_id for e in found if e.entity_id)
    return found
