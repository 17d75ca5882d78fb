"""Authentication: argon2id passwords, lockout, short-lived login tokens.

Scripts authenticate with DOCKET_USER and DOCKET_PASSWORD; people run
`docket login`, which caches a token in $DOCKET_HOME/.token (mode 0600) that
expires after TOKEN_MINUTES. After MAX_FAILURES consecutive wrong passwords an
account is locked for LOCK_MINUTES. Every failure is audited.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from docket import settings
from docket.errors import InputError, NotAuthenticated
from docket.governance import audit
from docket.governance.roles import Principal

MAX_FAILURES = 5
LOCK_MINUTES = 15
TOKEN_MINUTES = 60
MIN_PASSWORD = 8
MAX_PASSWORD = 256

_NO_LOGIN = "not logged in: run `docket login`, or set DOCKET_USER and DOCKET_PASSWORD for scripts"


def hasher() -> PasswordHasher:
    """argon2id with the library's defaults; DOCKET_ARGON2_FAST=1 makes it cheap (tests only)."""
    if settings.env("ARGON2_FAST"):
        return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    return PasswordHasher()


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


def token_path() -> Path:
    return settings.home() / ".token"


def _now() -> datetime:
    return datetime.now(UTC)


def _refuse(
    con: duckdb.DuckDBPyConnection, user: str | None, reason: str, client: str | None
) -> None:
    audit.record(
        con, action="auth.login", outcome="refused", user=user, detail=reason, client=client
    )


@functools.cache
def _dummy_hash(fast: bool) -> str:
    return hasher().hash("not-a-password-of-anyone")


def _equal_time(password: str) -> None:
    """Spend what a real check costs, so that timing does not tell which user names exist."""
    with contextlib.suppress(VerificationError, InvalidHashError):
        hasher().verify(_dummy_hash(bool(settings.env("ARGON2_FAST"))), password)


def authenticate(
    con: duckdb.DuckDBPyConnection, name: str | None, password: str, *, client: str | None = None
) -> Principal:
    """Check a user's password; count failures and lock the account after MAX_FAILURES."""
    if not name:
        _refuse(con, None, "no user name given", client)
        raise NotAuthenticated("no user name: set DOCKET_USER (or use `docket login`)")
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


def open_session(
    con: duckdb.DuckDBPyConnection, name: str, password: str, *, client: str | None = None
) -> tuple[Principal, str, datetime]:
    """Authenticate and store a session; returns (principal, token, expiry). Audited."""
    who = authenticate(con, name, password, client=client)
    token = secrets.token_urlsafe(32)
    expires = _now() + timedelta(minutes=TOKEN_MINUTES)
    cur = con.cursor()
    try:
        cur.execute(
            "INSERT INTO sessions VALUES (?, ?, ?, ?, NULL)",
            [hashlib.sha256(token.encode()).hexdigest(), who.user, _now(), expires],
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


def login(
    con: duckdb.DuckDBPyConnection, name: str, password: str, *, client: str | None = None
) -> tuple[Principal, datetime]:
    """`docket login`: open a session and cache its token in $DOCKET_HOME/.token (0600)."""
    who, token, expires = open_session(con, name, password, client=client)
    path = token_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump({"user": who.user, "token": token, "expires_at": expires.isoformat()}, f)
    return who, expires


def _cached_token() -> str | None:
    path = token_path()
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return str(data["token"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def logout(con: duckdb.DuckDBPyConnection) -> str | None:
    """Revoke the cached token's session and remove the file; returns the user it was for."""
    token = _cached_token()
    token_path().unlink(missing_ok=True)
    if token is None:
        return None
    digest = hashlib.sha256(token.encode()).hexdigest()
    cur = con.cursor()
    try:
        found = cur.execute(
            "SELECT user_name FROM sessions WHERE token_hash = ?", [digest]
        ).fetchall()
        cur.execute("UPDATE sessions SET revoked_at = ? WHERE token_hash = ?", [_now(), digest])
    finally:
        cur.close()
    user = found[0][0] if found else None
    audit.record(con, action="auth.logout", outcome="ok", user=user)
    return str(user) if user else None


def current_principal(
    con: duckdb.DuckDBPyConnection, *, client: str | None = None, token: str | None = None
) -> Principal:
    """Who is running this: the session `token` when given (a server passes its request's),
    else DOCKET_USER/DOCKET_PASSWORD, else the token cached by `docket login`.

    Raises NotAuthenticated (and audits the failure) when none is valid.
    """
    if token is None:
        password = settings.env("PASSWORD")
        if password is not None:
            return authenticate(con, settings.env("USER"), password, client=client)
        token = _cached_token()
    if token is None:
        raise NotAuthenticated(_NO_LOGIN)
    cur = con.cursor()
    try:
        found = cur.execute(
            "SELECT s.user_name, u.role, s.expires_at, s.revoked_at, u.disabled "
            "FROM sessions s JOIN users u ON u.name = s.user_name WHERE s.token_hash = ?",
            [hashlib.sha256(token.encode()).hexdigest()],
        ).fetchall()
    finally:
        cur.close()
    if not found:
        raise NotAuthenticated("the cached login is not valid for this store: run `docket login`")
    user, role, expires, revoked, disabled = found[0]
    if revoked is not None or disabled:
        _refuse(con, user, "token revoked or account disabled", client)
        raise NotAuthenticated("your login was revoked: run `docket login`")
    if expires <= _now():
        raise NotAuthenticated(
            f"your login expired at {expires.astimezone(UTC):%H:%M} UTC: run `docket login` again"
        )
    return Principal(user, role)
