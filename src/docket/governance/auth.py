"""Authentication: argon2id passwords, lockout, short-lived session tokens.

A session is opened with a user name and password (`open_session`, audited) and gives a
bearer token valid for TOKEN_MINUTES; only the token's SHA-256 is stored. Every
authorised call presents the token again (`principal_for_token`), so a revoked token, a
disabled account or an expired session stops working at once. There is no ambient
identity here: environment variables, the token cache and password prompts belong to the
command line (docket/cli_session.py).

Failed logins throttle the client that makes them, not the account: after
MAX_FAILURES failures for one account from one client (or CLIENT_FAILURES for any
accounts) within THROTTLE_WINDOW, that client waits, twice as long after each further
failure; the account keeps working for everyone else, so nobody can lock an admin out
by guessing. Passwords are at least MIN_PASSWORD characters and must not be guessable
(zxcvbn's estimate, with its lists of common passwords, names and words, offline).
Every failure is audited.
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
CLIENT_FAILURES = 20
THROTTLE_WINDOW = timedelta(minutes=15)
FIRST_WAIT = timedelta(seconds=30)
TOKEN_MINUTES = 60
MIN_PASSWORD = 10
MAX_PASSWORD = 256
MIN_STRENGTH = 3  # zxcvbn score, 0-4

# argon2id with the library's defaults. Tests swap in a cheap hasher (tests/conftest.py).
HASHER = PasswordHasher()


def hasher() -> PasswordHasher:
    """The password hasher in use."""
    return HASHER


def check_password(password: str, *, user: str = "") -> None:
    """Refuse a password that is too short, too long, has control characters, or is easy
    to guess (common passwords, repeats, sequences, words, the user's own name)."""
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise InputError(
            "password",
            f"must be {MIN_PASSWORD}–{MAX_PASSWORD} characters long (got {len(password)})",
            hint="a passphrase of a few unrelated words is long and easy to remember",
        )
    if any(ord(c) < 32 or ord(c) == 127 for c in password):
        raise InputError("password", "contains a control character")
    from zxcvbn import zxcvbn

    verdict = zxcvbn(password, user_inputs=[user, "docket"])
    if verdict["score"] < MIN_STRENGTH:
        warning = verdict["feedback"].get("warning") or "it is easy to guess"
        raise InputError(
            "password",
            f"is too easy to guess: {warning.rstrip('.')}",
            hint="a passphrase of a few unrelated words is long and easy to remember",
        )


def hash_password(password: str, *, user: str = "") -> str:
    """The argon2id hash of a password that meets the rules (`check_password`)."""
    check_password(password, user=user)
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


def _wait_until(
    cur: duckdb.DuckDBPyConnection, name: str, client: str, now: datetime
) -> datetime | None:
    """Until when `client` must wait before trying `name` again, or None."""
    since = now - THROTTLE_WINDOW
    account, last_a = cur.execute(
        'SELECT count(*), max("at") FROM login_failures '
        'WHERE user_name = ? AND client = ? AND "at" > ?',
        [name, client, since],
    ).fetchall()[0]
    anyone, last_c = cur.execute(
        'SELECT count(*), max("at") FROM login_failures WHERE client = ? AND "at" > ?',
        [client, since],
    ).fetchall()[0]
    until = None
    for n, last, limit in ((account, last_a, MAX_FAILURES), (anyone, last_c, CLIENT_FAILURES)):
        if n >= limit:
            wait = min(FIRST_WAIT * 2 ** (n - limit), THROTTLE_WINDOW)
            if last + wait > now and (until is None or last + wait > until):
                until = last + wait
    return until


def authenticate(
    con: duckdb.DuckDBPyConnection, name: str | None, password: str, *, client: str | None = None
) -> Principal:
    """Check a user's password; throttle the client after repeated failures (audited)."""
    where = client or audit.local_client()
    if not name:
        _refuse(con, None, "no user name given", client)
        raise NotAuthenticated("no user name given")
    name = name[:200]
    now = _now()
    cur = con.cursor()
    try:
        until = _wait_until(cur, name, where, now)
        if until is not None:
            _refuse(con, name, "throttled after repeated failures", client)
            raise NotAuthenticated(
                f"too many failed logins for {name!r} from {where}: wait until "
                f"{until.astimezone(UTC):%H:%M:%S} UTC"
            )
        found = cur.execute(
            "SELECT role, password_hash, disabled, pending FROM users WHERE name = ?", [name]
        ).fetchall()
        if not found:
            _equal_time(password)
            cur.execute("INSERT INTO login_failures VALUES (?, ?, ?)", [name, where, now])
            _refuse(con, name, "unknown user", client)
            raise NotAuthenticated("unknown user or wrong password")
        role, stored, disabled, pending = found[0]
        try:
            hasher().verify(stored, password)
        except (VerificationError, InvalidHashError):
            cur.execute("INSERT INTO login_failures VALUES (?, ?, ?)", [name, where, now])
            _refuse(con, name, "wrong password", client)
            raise NotAuthenticated("unknown user or wrong password") from None
        if disabled:
            _refuse(con, name, "account disabled", client)
            raise NotAuthenticated(f"account {name!r} is disabled; ask an admin")
        if pending:
            _refuse(con, name, "grant awaiting a second admin", client)
            raise NotAuthenticated(
                f"account {name!r} ({role}) awaits approval by a second admin "
                f"(`docket user approve {name}`)"
            )
        cur.execute("DELETE FROM login_failures WHERE user_name = ? AND client = ?", [name, where])
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
