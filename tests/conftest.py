"""Shared fixtures: a fresh store per test, the CLI run in-process, users of each role and a case.

    def test_export(governed, cli):
        r = cli("export", "mentions", env=governed.env("analyst"))
        assert r.code == 0, r.stderr

    def test_library(governed):
        with governed.session("analyst") as s:    # a docket.Session, as a program gets one
            s.cases.list()

    def test_internal(con):
        with as_admin(con) as op:                # an admin's audited operation on a raw store
            resolve(op)

`governed` holds: admin `adm`, analyst `ana` (case member, opened the case),
supervisor `sup` (case member, approved it), auditor `aud`, analyst `outsider`
and supervisor `sup2` (not members). `governed.case` is open and approved.
Passwords are hashed with a cheap argon2 for speed (`pytest_configure`).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pytest
from argon2 import PasswordHasher
from typer.testing import CliRunner

from docket.governance import auth
from docket.governance.handles import Operation
from docket.session import Docket, Session

PASSWORD = "correct-horse-battery"
_DOCKET_ENV = ("DOCKET_USER", "DOCKET_PASSWORD", "DOCKET_CASE", "DOCKET_WHY", "DOCKET_URL")


def pytest_configure(config: pytest.Config) -> None:
    """argon2id at its cheapest for the whole run: the suite logs in thousands of times.
    (Commands run as subprocesses hash at full cost.)"""
    auth.HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty DOCKET_HOME in tmp_path (DOCKET_HOME and DOCKET_DB point at it)."""
    h = tmp_path / "docket-home"
    monkeypatch.setenv("DOCKET_HOME", str(h))
    monkeypatch.setenv("DOCKET_DB", str(h / "docket.duckdb"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    for name in (*_DOCKET_ENV, "DOCKET_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    return h


@pytest.fixture
def store(home: Path) -> Path:
    """A fresh, empty store (created by the library: folder 0700, file 0600); its path."""
    d = Docket(home)
    d.close()
    return d.db_path


@pytest.fixture
def con(store: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """An open connection to the fresh store, for tests of the library's insides."""
    from docket.store import connect

    c = connect(store)
    yield c
    c.close()


@contextmanager
def as_admin(
    con: duckdb.DuckDBPyConnection, action: str = "test", **kw: Any
) -> Iterator[Operation]:
    """An admin's authorised, audited operation on `con`; the admin `adm` is created when the
    store has no user yet."""
    from docket.governance import gate, users
    from docket.governance.roles import ROLES

    if users.count(con) == 0:
        users.bootstrap(con, "adm", "admin", PASSWORD)
    _, token, _ = auth.open_session(con, "adm", PASSWORD)
    with gate.operation(con, token=token, action=action, roles=ROLES, **kw) as op:
        yield op


@dataclass
class CliResult:
    code: int
    stdout: str
    stderr: str

    @property
    def lines(self) -> list[str]:
        return self.stdout.strip().splitlines()


@functools.cache
def _cached_app() -> Callable[..., Any]:
    """`docket.cli.app` as its click command, built once (typer rebuilds it on every call)."""
    import typer.main

    from docket.cli import app

    return typer.main.get_command(app)


@pytest.fixture
def cli(store: Path) -> object:
    """Run `docket ARGS…` in-process as a user would; returns CliResult(code, stdout, stderr).

    `env` adds environment variables (DOCKET_USER … unset unless given); `input` feeds prompts.
    A DocketError exits 2 (3 when refused) with a message on stderr, never a traceback.
    """
    import docket.cli

    def run(
        *args: str, env: Mapping[str, str] | None = None, input: str | None = None
    ) -> CliResult:
        full: dict[str, str | None] = {name: None for name in _DOCKET_ENV}
        full.update(env or {})
        runner = CliRunner()
        with runner.isolation(input=input, env=full) as (out, err, _):
            try:
                with pytest.MonkeyPatch.context() as mp:
                    mp.setattr(docket.cli, "app", _cached_app())  # main() itself runs unchanged
                    docket.cli.main(list(args))
                code = 0
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            stdout = out.getvalue().decode("utf-8", "replace")
            stderr = err.getvalue().decode("utf-8", "replace")
        return CliResult(code, stdout, stderr)

    return run


@dataclass
class Governed:
    """Users of every role and an approved, open case (see the module docstring)."""

    home: Path
    case: str
    users: dict[str, str] = field(default_factory=dict)  # role-ish key → user name
    password: str = PASSWORD
    why: str = "fixture: testing the store"
    _tokens: dict[str, str] = field(default_factory=dict)

    def env(self, who: str, *, case: str | None = None, why: str | None = None) -> dict[str, str]:
        """Environment for `who` (a key of .users: admin, analyst, supervisor, auditor,
        outsider, supervisor2, or a user name): credentials plus DOCKET_CASE/DOCKET_WHY."""
        name = self.users.get(who, who)
        return {
            "DOCKET_USER": name,
            "DOCKET_PASSWORD": self.password,
            "DOCKET_CASE": case or self.case,
            "DOCKET_WHY": why or self.why,
        }

    def token(self, who: str, con: duckdb.DuckDBPyConnection | None = None) -> str:
        """A session token for `who` (logged in once per test, on `con` or a new connection)."""
        name = self.users.get(who, who)
        if name not in self._tokens:
            from docket.store import connect

            c = con if con is not None else connect(self.home / "docket.duckdb")
            try:
                self._tokens[name] = auth.open_session(c, name, self.password)[1]
            finally:
                if con is None:
                    c.close()
        return self._tokens[name]

    @contextmanager
    def session(self, who: str) -> Iterator[Session]:
        """A library session for `who` on the store (the store is open while it lasts)."""
        with Docket(self.home) as d, d.session(token=self.token(who)) as s:
            yield s


def make_governed(home: Path) -> Governed:
    """Create the fixture's users and case through the library (the store has no users yet)."""
    names = {
        "admin": ("adm", "admin"),
        "analyst": ("ana", "analyst"),
        "supervisor": ("sup", "supervisor"),
        "auditor": ("aud", "auditor"),
        "outsider": ("outsider", "analyst"),
        "supervisor2": ("sup2", "supervisor"),
    }
    with Docket(home) as d:
        d.bootstrap("adm", PASSWORD)
        with d.session(user="adm", password=PASSWORD) as adm:
            for key, (name, role) in names.items():
                if key != "admin":
                    adm.users.add(name, role, PASSWORD)
        with d.session(user="ana", password=PASSWORD) as ana:
            case = ana.cases.open("Fixture case", "criminal-investigation", "WARRANT-1")
        with d.session(user="sup", password=PASSWORD) as sup:
            sup.cases.approve(case)
        with d.session(user="ana", password=PASSWORD) as ana:
            ana.cases.add_member(case, "sup")
    return Governed(home, case, {k: n for k, (n, _) in names.items()})


@pytest.fixture
def governed(store: Path) -> Governed:
    """Users of each role (password `PASSWORD`) and an approved open case C-0001."""
    return make_governed(store.parent)


def run_resolve(con: duckdb.DuckDBPyConnection, **kw: Any) -> Any:
    """`docket.resolve.pipeline.resolve` as the admin, on `con`: the ResolveSummary."""
    from docket.resolve.pipeline import resolve

    with as_admin(con, action="resolve") as op:
        return resolve(op, **kw)


def run_judge(
    con: duckdb.DuckDBPyConnection, a: str, b: str, verdict: str, *, note: str | None = None
) -> Any:
    """A judgement on (a, b) recorded by the admin, outside any case (tests of resolution)."""
    from docket.resolve.judgements import judge

    with as_admin(con, action="judge") as op:
        return judge(op, a, b, verdict, note=note)


def run_ingest(con: duckdb.DuckDBPyConnection, path: Path, mapping: Any, **kw: Any) -> Any:
    """`docket.sources.ingest.ingest_file` as the admin, on `con`: the FileResult."""
    from docket.sources.ingest import ingest_file

    with as_admin(con, action="ingest") as op:
        return ingest_file(op, path, mapping, **kw)


def open_store() -> duckdb.DuckDBPyConnection:
    """A connection to the test's store (DOCKET_DB), for looking inside it."""
    import os

    from docket.store import connect

    return connect(os.environ["DOCKET_DB"])
