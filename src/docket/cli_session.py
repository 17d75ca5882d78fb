"""Where the command line gets its session: the only place that reads credentials from
the environment or the token cache.

Without DOCKET_URL a command opens the local store (DOCKET_HOME, DOCKET_DB) for its own
length; with DOCKET_URL it is a client of that service and the store stays there. The
session comes from, in order: DOCKET_TOKEN; DOCKET_USER + DOCKET_PASSWORD (a login for
this one command, ended with it); the token `docket login` cached (mode 0600) in
$DOCKET_HOME/.token, or for a service under ~/.config/docket/.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path
from typing import Any, cast

from docket import settings
from docket.errors import DocketError, InputError, NotAuthenticated
from docket.session import Docket, Session
from docket.store.files import write_private

NOT_LOGGED_IN = (
    "not logged in: run `docket login`, or set DOCKET_USER and DOCKET_PASSWORD for scripts"
)


def token_file() -> Path:
    """Where `docket login` caches its token for the store or service in use."""
    url = settings.env("URL")
    if url is None:
        return settings.home() / ".token"
    config = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return config / "docket" / f"token-{hashlib.sha256(url.encode()).hexdigest()[:16]}.json"


def cached_token() -> str | None:
    path = token_file()
    if not path.is_file():
        return None
    try:
        return str(json.loads(path.read_text(encoding="utf-8"))["token"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def cache_token(session: Session) -> None:
    data = {
        "user": session.user,
        "token": session.token,
        "expires_at": session.expires_at.isoformat() if session.expires_at else None,
        "url": settings.env("URL"),
    }
    write_private(token_file(), json.dumps(data).encode("utf-8"))


@contextmanager
def backend(db: Path | None = None) -> Iterator[Any]:
    """The local store (`Docket`) or, with DOCKET_URL, the service (`RemoteDocket`)."""
    url = settings.env("URL")
    if url is not None:
        if db is not None:
            raise InputError("--db", "names a local store file; unset DOCKET_URL to use one")
        from docket.client import RemoteDocket

        remote = RemoteDocket(url)
        try:
            yield remote
        finally:
            remote.close()
        return
    with Docket(settings.home(), db=db if db is not None else settings.db_path()) as d:
        yield d


@contextmanager
def session(db: Path | None = None) -> Iterator[Session]:
    """The session one command runs in (see the module docstring for where it comes from)."""
    with backend(db) as b:
        token = settings.env("TOKEN")
        password = settings.env("PASSWORD")
        one_off = token is None and password is not None
        if token is not None:
            s = b.session(token=token)
        elif password is not None:
            s = b.session(user=settings.env("USER"), password=password)
        else:
            cached = cached_token()
            if cached is None:
                raise NotAuthenticated(NOT_LOGGED_IN)
            s = b.session(token=cached)
        try:
            yield cast(Session, s)
        finally:
            if one_off:
                with suppress(DocketError):
                    s.logout()
            s.close()


def login(user: str, password: str) -> tuple[str, str, datetime | None]:
    """Open a session and cache its token; returns (user, role, expiry)."""
    with backend() as b:
        s = b.session(user=user, password=password)
        cache_token(cast(Session, s))
        s.close()
        return s.user, s.role, s.expires_at


def logout() -> str | None:
    """End the cached session and forget it; returns its user (None when not logged in)."""
    token = cached_token()
    path = token_file()
    if token is None:
        path.unlink(missing_ok=True)
        return None
    try:
        with backend() as b:
            s = b.session(token=token)
            s.logout()
            s.close()
            return str(s.user)
    except NotAuthenticated:
        return None
    finally:
        path.unlink(missing_ok=True)
