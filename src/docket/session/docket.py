"""`Docket(home)`: a store, opened once; `.session(...)` binds a principal to it.

    import docket
    with docket.Docket("docket-data") as d, d.session(user="ana", password=pw) as s:
        s.cases.list()

The store's folder is created 0700 and its files 0600; a store the group or others can
read or write is refused (docket/store/files.py). An older store is upgraded on open.
The connection stays inside this object: everything a program does goes through a
`Session`, which authorises and audits it.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from types import TracebackType

import duckdb

from docket.errors import NotAuthenticated
from docket.governance import audit, auth, users
from docket.session.session import Session
from docket.store import keys
from docket.store.db import connect
from docket.store.files import make_private, private_folder


class Docket:
    """A Docket store on this machine (`home` folder; the DuckDB file is `db`, by default
    `home/docket.duckdb`). One process opens a store at a time; close it when done."""

    def __init__(self, home: str | os.PathLike[str], *, db: str | os.PathLike[str] | None = None):
        make_private()
        self.home = private_folder(Path(home))
        self.db_path = Path(db) if db is not None else self.home / "docket.duckdb"
        self._con = connect(self.db_path)
        self._lock = threading.Lock()
        self._id_key: bytes | None = None

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        """A connection of its own for one session (the service opens one per request)."""
        with self._lock:
            return self._con.cursor()

    def session(
        self,
        *,
        user: str | None = None,
        password: str | None = None,
        token: str | None = None,
        client: str | None = None,
    ) -> Session:
        """A session for `user` (with `password`; audited as a login) or for the holder of
        an existing session `token`. `client` names where the caller is (the service passes
        the request's address). Raises NotAuthenticated."""
        if token is None and (user is None or password is None):
            raise NotAuthenticated(
                "a session needs a user name and a password, or the token of an open session"
            )
        con = self._cursor()
        try:
            if token is not None:
                who = auth.principal_for_token(con, token, client=client)
                return Session(self, con, token, who, client, expires_at=None)
            assert user is not None and password is not None
            who, new_token, expires = auth.open_session(con, user, password, client=client)
            return Session(self, con, new_token, who, client, expires_at=expires)
        except BaseException:
            con.close()
            raise

    def bootstrap(self, user: str, password: str) -> None:
        """Create the first user of an empty store, an admin, without a login (audited)."""
        con = self._cursor()
        try:
            users.bootstrap(con, user, "admin", password)
        finally:
            con.close()

    def has_users(self) -> bool:
        """Whether the store has any user yet (the first one is made with `bootstrap`)."""
        con = self._cursor()
        try:
            return users.count(con) > 0
        finally:
            con.close()

    def verify_audit(self, *, client: str | None = None) -> audit.Verdict:
        """Recompute the audit trail's hash chain and name the first row that breaks it.

        Needs no session: it discloses row numbers, never their content, and it checks
        before it writes (a login first would append to a trail whose end was cut off).
        The check is recorded afterwards, with its outcome."""
        con = self._cursor()
        try:
            return audit.verify_and_record(con, principal=None, client=client)
        finally:
            con.close()

    @property
    def id_key(self) -> bytes:
        """The deployment's entity-id key (created on first use in `home/keys/`)."""
        if self._id_key is None:
            self._id_key = keys.load_or_create(self.home, keys.ENTITY_ID)
        return self._id_key

    def close(self) -> None:
        """Close the store (checkpointing it)."""
        self._con.close()

    def __enter__(self) -> Docket:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
