"""User accounts: add, disable, enable, list, inside an authorised, audited operation (an
admin's). The only exception is the very first user of a store, which must be an admin
and is created without a login (`bootstrap`, which audits itself).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb

from docket.errors import Forbidden, InputError
from docket.governance import audit, inputs
from docket.governance.auth import hash_password
from docket.governance.handles import Operation, operation_path
from docket.governance.roles import ADMIN, ROLES


@dataclass(frozen=True)
class User:
    name: str
    role: str
    disabled: bool
    locked_until: datetime | None
    created_at: datetime
    created_by: str | None


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


@operation_path("user.add")
def add(op: Operation, name: str, role: str, password: str) -> None:
    """Create a user. Validates name, role and password."""
    _insert(op.con, name, role, password, by=op.user)


def _insert(
    con: duckdb.DuckDBPyConnection, name: str, role: str, password: str, *, by: str | None
) -> None:
    name = inputs.user_name(name, "NAME")
    role = inputs.one_of("--role", role, ROLES)
    digest = hash_password(password)
    if role_of(con, name) is not None:
        raise InputError("NAME", f"user {name!r} already exists", hint="pick another name")
    cur = con.cursor()
    try:
        cur.execute(
            "INSERT INTO users (name, role, password_hash, created_at, created_by) "
            "VALUES (?, ?, ?, ?, ?)",
            [name, role, digest, datetime.now(UTC), by],
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
    """Disable (or re-enable, clearing any lockout) an account. Admins cannot disable themselves."""
    con, actor = op.con, op.principal
    name = inputs.user_name(name, "NAME")
    if role_of(con, name) is None:
        raise InputError("NAME", f"no user {name!r}", hint="see `docket user list`")
    if disabled and name == actor.user:
        raise Forbidden("you cannot disable your own account; ask another admin")
    cur = con.cursor()
    try:
        cur.execute(
            "UPDATE users SET disabled = ?, failed_logins = 0, locked_until = NULL WHERE name = ?",
            [disabled, name],
        )
        if disabled:
            cur.execute(
                "UPDATE sessions SET revoked_at = ? WHERE user_name = ? AND revoked_at IS NULL",
                [datetime.now(UTC), name],
            )
    finally:
        cur.close()


def listing(con: duckdb.DuckDBPyConnection) -> list[User]:
    cur = con.cursor()
    try:
        rows = cur.execute(
            "SELECT name, role, disabled, locked_until, created_at, created_by FROM users "
            "ORDER BY name"
        ).fetchall()
    finally:
        cur.close()
    now = datetime.now(UTC)
    return [
        User(n, r, d, lu if lu is not None and lu > now else None, ca, cb)
        for n, r, d, lu, ca, cb in rows
    ]
