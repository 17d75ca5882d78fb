"""User accounts: add, approve, disable, enable, list, inside an authorised, audited
operation (an admin's). The only exception is the very first user of a store, which must
be an admin and is created without a login (`bootstrap`, which audits itself).

Granting the admin or supervisor role is a four-eyes act once the store has two active
admins: the new account waits (`pending`, it cannot log in) until an admin other than its
creator approves it. Every grant is listed for auditors (`grants`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb

from docket.errors import Forbidden, InputError
from docket.governance import audit, inputs
from docket.governance.auth import hash_password
from docket.governance.handles import Operation, operation_path
from docket.governance.roles import ADMIN, ROLES, SUPERVISOR

# Roles whose grant needs a second admin once there are two.
POWERFUL = (ADMIN, SUPERVISOR)


@dataclass(frozen=True)
class User:
    name: str
    role: str
    disabled: bool
    pending: bool  # a grant of a powerful role awaiting a second admin
    created_at: datetime
    created_by: str | None
    approved_by: str | None


def count(con: duckdb.DuckDBPyConnection) -> int:
    cur = con.cursor()
    try:
        return int(cur.execute("SELECT count(*) FROM users").fetchall()[0][0])
    finally:
        cur.close()


def role_of(con: duckdb.DuckDBPyConnection, name: str) -> tuple[str, bool] | None:
    """(role, disabled) of a user, or None when there is no such user."""
    cur = con.cursor()
    try:
        found = cur.execute("SELECT role, disabled FROM users WHERE name = ?", [name]).fetchall()
    finally:
        cur.close()
    return (str(found[0][0]), bool(found[0][1])) if found else None


def _active_admins(con: duckdb.DuckDBPyConnection) -> int:
    cur = con.cursor()
    try:
        return int(
            cur.execute(
                "SELECT count(*) FROM users WHERE role = 'admin' AND NOT disabled AND NOT pending"
            ).fetchall()[0][0]
        )
    finally:
        cur.close()


@operation_path("user.add")
def add(op: Operation, name: str, role: str, password: str) -> bool:
    """Create a user (validating name, role and password). Returns True when the grant
    waits for a second admin (an admin or supervisor once there are two admins)."""
    pending = role in POWERFUL and _active_admins(op.con) >= 2
    _insert(op.con, name, role, password, by=op.user, pending=pending)
    return pending


@operation_path("user.approve")
def approve(op: Operation, name: str) -> None:
    """Confirm a pending grant: an admin other than the one who made it."""
    name = inputs.user_name(name, "NAME")
    cur = op.con.cursor()
    try:
        found = cur.execute(
            "SELECT role, pending, created_by FROM users WHERE name = ?", [name]
        ).fetchall()
        if not found:
            raise InputError("NAME", f"no user {name!r}", hint="see `docket user list`")
        role, pending, created_by = found[0]
        if not pending:
            raise Forbidden(f"{name}'s role {role} is not awaiting approval")
        if created_by == op.user:
            raise Forbidden(f"you granted {name} the role {role}; another admin must approve it")
        cur.execute(
            "UPDATE users SET pending = false, approved_by = ? WHERE name = ?", [op.user, name]
        )
    finally:
        cur.close()


def _insert(
    con: duckdb.DuckDBPyConnection,
    name: str,
    role: str,
    password: str,
    *,
    by: str | None,
    pending: bool = False,
) -> None:
    name = inputs.user_name(name, "NAME")
    role = inputs.one_of("--role", role, ROLES)
    digest = hash_password(password, user=name)
    if role_of(con, name) is not None:
        raise InputError("NAME", f"user {name!r} already exists", hint="pick another name")
    cur = con.cursor()
    try:
        cur.execute(
            "INSERT INTO users (name, role, password_hash, created_at, created_by, pending) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [name, role, digest, datetime.now(UTC), by, pending],
        )
    finally:
        cur.close()


def bootstrap(con: duckdb.DuckDBPyConnection, name: str, role: str, password: str) -> None:
    """Create the first user of an empty store without a login: it must be an admin."""
    if count(con) > 0:
        raise Forbidden("this store already has users: log in as an admin to add more")
    role = inputs.one_of("--role", role, ROLES)
    if role != ADMIN:
        raise Forbidden(
            "the first user of a store must be an admin: `docket user add NAME --role admin`"
        )
    _insert(con, name, role, password, by=None)
    audit.record(
        con,
        action="user.add",
        outcome="ok",
        objects=[name],
        params={"role": role},
        detail="first user of the store (no login needed)",
    )


@operation_path("user.set-disabled")
def set_disabled(op: Operation, name: str, disabled: bool) -> None:
    """Disable (revoking its sessions) or re-enable an account. Admins cannot disable
    themselves."""
    con, actor = op.con, op.principal
    name = inputs.user_name(name, "NAME")
    if role_of(con, name) is None:
        raise InputError("NAME", f"no user {name!r}", hint="see `docket user list`")
    if disabled and name == actor.user:
        raise Forbidden("you cannot disable your own account; ask another admin")
    cur = con.cursor()
    try:
        cur.execute("UPDATE users SET disabled = ? WHERE name = ?", [disabled, name])
        cur.execute("DELETE FROM login_failures WHERE user_name = ?", [name])
        if disabled:
            cur.execute(
                "UPDATE sessions SET revoked_at = ? WHERE user_name = ? AND revoked_at IS NULL",
                [datetime.now(UTC), name],
            )
    finally:
        cur.close()


def listing(con: duckdb.DuckDBPyConnection) -> list[User]:
    """Every account, by name."""
    cur = con.cursor()
    try:
        rows = cur.execute(
            "SELECT name, role, disabled, pending, created_at, created_by, approved_by "
            "FROM users ORDER BY name"
        ).fetchall()
    finally:
        cur.close()
    return [User(*r) for r in rows]


def grants(con: duckdb.DuckDBPyConnection) -> list[User]:
    """Every role grant, oldest first: who has which role, granted by whom, approved by whom."""
    return sorted(listing(con), key=lambda u: (u.created_at, u.name))
