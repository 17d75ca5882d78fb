"""Shared fixtures: a fresh store per test, the CLI run in-process, users of each role and a case.

    def test_export(governed, cli):
        r = cli("export", "mentions", env=governed.env("analyst"))
        assert r.code == 0, r.stderr

    def test_ingest(governed, cli):
        r = cli("ingest", "x.csv", env=governed.env("admin"))

    def test_python_api(governed, con):
        governed.use("analyst")                 # DOCKET_USER/PASSWORD/CASE/WHY in os.environ
        with person_data(con, action="t", case=governed.case, why="test") as pd: ...

`governed` holds: admin `adm`, analyst `ana` (case member, opened the case),
supervisor `sup` (case member, approved it), auditor `aud`, analyst `outsider`
and supervisor `sup2` (not members). `governed.case` is open and approved.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pytest
from typer.testing import CliRunner

PASSWORD = "correct-horse-battery"
_DOCKET_ENV = ("DOCKET_USER", "DOCKET_PASSWORD", "DOCKET_CASE", "DOCKET_WHY")


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh, empty store in tmp_path (DOCKET_HOME and DOCKET_DB point at it); cheap argon2."""
    home = tmp_path / "docket-home"
    home.mkdir()
    db = home / "docket.duckdb"
    monkeypatch.setenv("DOCKET_HOME", str(home))
    monkeypatch.setenv("DOCKET_DB", str(db))
    monkeypatch.setenv("DOCKET_ARGON2_FAST", "1")
    for name in _DOCKET_ENV:
        monkeypatch.delenv(name, raising=False)
    from docket.store import connect

    connect(db).close()
    return db


@pytest.fixture
def con(store: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """An open connection to the fresh store."""
    from docket.store import connect

    c = connect(store)
    yield c
    c.close()


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

    case: str
    users: dict[str, str] = field(default_factory=dict)  # role-ish key → user name
    password: str = PASSWORD
    why: str = "fixture: testing the store"
    _monkeypatch: pytest.MonkeyPatch | None = None

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

    def use(self, who: str, **kwargs: str) -> None:
        """Put `env(who)` into os.environ for Python-API calls (undone after the test)."""
        assert self._monkeypatch is not None
        for key, value in self.env(who, **kwargs).items():
            self._monkeypatch.setenv(key, value)


def make_governed(
    con: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch | None = None
) -> Governed:
    """Create the fixture's users and case on `con` (which must have no users yet)."""
    from docket.governance import cases, users
    from docket.governance.roles import Principal

    names = {
        "admin": ("adm", "admin"),
        "analyst": ("ana", "analyst"),
        "supervisor": ("sup", "supervisor"),
        "auditor": ("aud", "auditor"),
        "outsider": ("outsider", "analyst"),
        "supervisor2": ("sup2", "supervisor"),
    }
    users.bootstrap(con, "adm", "admin", PASSWORD)
    for key, (name, role) in names.items():
        if key != "admin":
            users.add(con, name, role, PASSWORD, by="adm")
    ana, sup = Principal("ana", "analyst"), Principal("sup", "supervisor")
    case = cases.open_case(con, ana, "Fixture case", "criminal-investigation", "WARRANT-1")
    cases.approve(con, sup, case)
    cases.add_member(con, ana, case, "sup")
    return Governed(case, {k: n for k, (n, _) in names.items()}, _monkeypatch=monkeypatch)


@pytest.fixture
def governed(store: Path, monkeypatch: pytest.MonkeyPatch) -> Governed:
    """Users of each role (password `PASSWORD`) and an approved open case C-0001."""
    from docket.store import connect

    c = connect(store)
    try:
        return make_governed(c, monkeypatch)
    finally:
        c.close()


def pytest_configure(config: pytest.Config) -> None:
    os.environ.setdefault("DOCKET_ARGON2_FAST", "1")
