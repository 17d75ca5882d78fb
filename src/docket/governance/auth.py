"""Authentication: argon2id passwords, lockout, short-lived session tokens.

A session is opened with a user name and password (`open_session`, audited) and gives a
bearer token valid for TOKEN_MINUTES; only the token's SHA-256 is stored. Every
authorised call presents the token again (`principal_for_token`), so a revoked token, a
disabled account or an expired session stops working at once. There is no ambient
identity here: environment variables, the token cache and password prompts belong to the
command line (docket/cli_session.py). After MAX_FAILURES consecutive wrong passwords an
account is locked for LOCK_MINUTES. Every failure is audited.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import secrets
from datetime import UTC, datetime, timedelta

import duckdb
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from docket.errors import InputError, NotAuthenticated
from docket.governance import audit
from docket.governance.roles import Principal

MAX_FAILURES = 5
LOCK_MINUTES = 15
TOKEN_MINUTES = 60
MIN_PASSWORD = 8
MAX_PASSWORD = 256

# argon2id with the library's defaults. Tests swap in a cheap hasher (tests/conftest.py).
HASHER = PasswordHasher()


def hasher() -> PasswordHasher:
    """The password hasher in use."""
    return HASHER


def hash_password(password: str) -> str:
    """The argon2id hash of a password that meets the length rule."""
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise InputError(
            "password",
            f"must be {MIN_PASSWORD}–{MAX_PASSWORD} characters long (got {len(password)})",
        )
    if any(ord(c) < 32 or ord(c) == 127 for c in password):
        raise InputError("password", "contains a control character")
    return hasher().hash(password)


def _now() -> datetime:
    return datetime.now(UTC)


def _refuse(
    con: duckdb.DuckDBPyConnection, user: str | None, reason: str, client: str | None
) -> None:
    audit.record(
        con, action="auth.login", outcome="refused", user=user, detail=reason, client=client
    )


@functools.cache
def _dummy_hash(params: tuple[int, int, int]) -> str:
    return hasher().hash("not-a-password-of-anyone")


def _equal_time(password: str) -> None:
    """Spend what a real check costs, so that timing does not tell which user names exist."""
    h = hasher()
    with contextlib.suppress(VerificationError, InvalidHashError):
        h.verify(_dummy_hash((h.time_cost, h.memory_cost, h.parallelism)), password)


def authenticate(
    con: duckdb.DuckDBPyConnection, name: str | None, password: str, *, client: str | None = None
) -> Principal:
    """Check a user's password; count failures and lock the account after MAX_FAILURES."""
    if not name:
        _refuse(con, None, "no user name given", client)
        raise NotAuthenticated("no user name given")
    cur = con.cursor()
    try:
        found = cur.execute(
            "SELECT role, password_hash, disabled, failed_logins, locked_until FROM users "
            "WHERE name = ?",
            [name[:200]],
        ).fetchall()
        if not found:
            _equal_time(password)
            _refuse(con, name[:200], "unknown user", client)
            raise NotAuthenticated("unknown user or wrong password")
        role, stored, disabled, failures, locked_until = found[0]
        if disabled:
            _refuse(con, name, "account disabled", client)
            raise NotAuthenticated(f"account {name!r} is disabled; ask an admin")
        now = _now()
        if locked_until is not None and locked_until > now:
            _refuse(con, name, "account locked", client)
            raise NotAuthenticated(
                f"account {name!r} is locked after {MAX_FAILURES} failed logins until "
                f"{locked_until.astimezone(UTC):%Y-%m-%d %H:%M} UTC; wait or ask an admin"
            )
        try:
            hasher().verify(stored, password)
        except (VerificationError, InvalidHashError):
            failures += 1
            lock = now + timedelta(minutes=LOCK_MINUTES) if failures >= MAX_FAILURES else None
            cur.execute(
                "UPDATE users SET failed_logins = ?, locked_until = ? WHERE name = ?",
                [0 if lock else failures, lock, name],
            )
            _refuse(con, name, "wrong password" + (" — account locked" if lock else ""), client)
            raise NotAuthenticated("unknown user or wrong password") from None
        if failures or locked_until is not None:
            cur.execute(
                "UPDATE users SET failed_logins = 0, locked_until = NULL WHERE name = ?", [name]
            )
        return Principal(name, role)
    finally:
        cur.close()


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(
    con: duckdb.DuckDBPyConnection, name: str | None, password: str, *, client: str | None = None
) -> tuple[Principal, str, datetime]:
    """Authenticate and store a session; returns (principal, token, expiry). Audited."""
    who = authenticate(con, name, password, client=client)
    token = secrets.token_urlsafe(32)
    expires = _now() + timedelta(minutes=TOKEN_MINUTES)
    cur = con.cursor()
    try:
        cur.execute(
            "INSERT INTO sessions (token_hash, user_name, created_at, expires_at, client) "
            "VALUES (?, ?, ?, ?, ?)",
            [_digest(token), who.user, _now(), expires, client or audit.local_client()],
        )
    finally:
        cur.close()
    audit.record(
        con,
        action="auth.login",
        outcome="ok",
        principal=who,
        client=client,
        params={"expires_at": expires.isoformat()},
    )
    return who, token, expires


def revoke(con: duckdb.DuckDBPyConnection, token: str, *, client: str | None = None) -> str | None:
    """End the session of `token` (logout); returns its user, None for an unknown token."""
    digest = _digest(token)
    cur = con.cursor()
    try:
        found = cur.execute(
            "SELECT user_name FROM sessions WHERE token_hash = ?", [digest]
        ).fetchall()
        cur.execute(
            "UPDATE sessions SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL",
            [_now(), digest],
        )
    finally:
        cur.close()
    user = str(found[0][0]) if found else None
    audit.record(con, action="auth.logout", outcome="ok", user=user, client=client)
    return user


def principal_for_token(
    con: duckdb.DuckDBPyConnection, token: str | None, *, client: str | None = None
) -> Principal:
    """Who holds the session `token`. Raises NotAuthenticated when there is none, or it is
    unknown, revoked, expired or its account disabled (the last two audited)."""
    if not token:
        raise NotAuthenticated("not authenticated: open a session with a user name and password")
    cur = con.cursor()
    try:
        found = cur.execute(
            "SELECT s.user_name, u.role, s.expires_at, s.revoked_at, u.disabled "
            "FROM sessions s JOIN users u ON u.name = s.user_name WHERE s.token_hash = ?",
            [_digest(token)],
        ).fetchall()
    finally:
        cur.close()
    if not found:
        raise NotAuthenticated("this login is not valid for this store: log in again")
    user, role, expires, revoked, disabled = found[0]
    if revoked is not None or disabled:
        _refuse(con, user, "token revoked or account disabled", client)
        raise NotAuthenticated("your login was revoked: log in again")
    if expires <= _now():
        raise NotAuthenticated(
            f"your login expired at {expires.astimezone(UTC):%H:%M} UTC: log in again"
        )
    return Principal(user, role)
