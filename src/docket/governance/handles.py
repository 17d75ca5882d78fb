"""The handles the gate hands out, and the decorators that demand them.

`PersonData` (from `gate.person_data`) is the only way to read person data; `Operation`
(from `gate.operation`) the only way to change the store. A function that does either is
registered with `@read_path(name)` or `@operation_path(name)` and refuses to run unless
its first argument is a live handle of the right kind. See gate.py for the contract.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ParamSpec, TypeVar

import duckdb

from docket.errors import Forbidden
from docket.governance.roles import Principal

P = ParamSpec("P")
R = TypeVar("R")

# name → function: every read of person data and every change of the store. Filled at
# import time by @read_path and @write_path.
READ_PATHS: dict[str, Callable[..., Any]] = {}
OPERATION_PATHS: dict[str, Callable[..., Any]] = {}


class PersonData:
    """A handle on person data, handed out by `person_data` only, valid inside its block."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        *,
        who: Principal,
        case: str,
        why: str,
        action: str,
        objects: Sequence[str],
    ) -> None:
        self._con = con
        self._live = True
        self.user, self.role = who.user, who.role
        self.case = case
        self.why = why
        self.action = action
        self.objects: list[str] = list(objects)
        self.result_count: int | None = None

    @property
    def live(self) -> bool:
        return self._live

    def query(self, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        """Run one read-only query and fetch every row (a docket.store.entities.Query)."""
        rows: list[tuple[Any, ...]] = self.sql(sql, list(params)).fetchall()
        return rows

    def sql(self, query: str, params: Sequence[Any] | Mapping[str, Any] | None = None) -> Any:
        """Run one read-only query on a fresh cursor and return the cursor (fetch from it)."""
        cur = self._checked(query)
        return cur.execute(query, params) if params is not None else cur.execute(query)

    def relation(
        self, query: str, params: Sequence[Any] | Mapping[str, Any] | None = None
    ) -> duckdb.DuckDBPyRelation:
        """Like `sql`, as a relation: for Arrow output without DuckDB's extra DB-API copy
        (`pd.relation(q).to_arrow_table()` / `.to_arrow_reader(n)`)."""
        return self._checked(query).sql(query, params=params)

    def _checked(self, query: str) -> duckdb.DuckDBPyConnection:
        """A fresh cursor, once the handle is live and `query` is one SELECT statement."""
        if not self._live:
            raise Forbidden("this person-data handle has expired: open a new `person_data` block")
        cur = self._con.cursor()
        statements = cur.extract_statements(query)
        if len(statements) != 1 or statements[0].type != duckdb.StatementType.SELECT:
            cur.close()
            raise Forbidden("the person-data handle runs single read-only queries (SELECT) only")
        return cur

    def _close(self) -> None:
        self._live = False


class Operation:
    """An authorised, audited write or administrative operation (ingest, resolve, judge,
    purge …), handed out by `operation` only. `con` is its own cursor of the store, valid
    inside the block; functions that change the store take the handle, not a connection."""

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        action: str,
        who: Principal,
        objects: Sequence[str] = (),
        token: str | None = None,
        client: str | None = None,
    ) -> None:
        self._con: duckdb.DuckDBPyConnection | None = con
        self.action = action
        self.result_count: int | None = None
        self.user: str = who.user
        self.role: str = who.role
        self.principal = who
        self.objects: list[str] = list(objects)
        self.params: dict[str, Any] = {}
        self.case: str | None = None  # the case the audit row names; may be set in the block
        self.token = token
        self.client = client

    @property
    def live(self) -> bool:
        return self._con is not None

    @property
    def con(self) -> duckdb.DuckDBPyConnection:
        """The operation's connection to the store; gone once the block ends."""
        if self._con is None:
            raise Forbidden("this operation has ended: open a new `operation` block")
        return self._con

    def _close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None


def _guard(
    registry: dict[str, Callable[..., Any]],
    name: str,
    handle_type: type[PersonData] | type[Operation],
    needs: str,
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    def decorate(fn: Callable[P, R]) -> Callable[P, R]:
        if name in registry:
            raise ValueError(f"{name!r} is registered twice")

        @functools.wraps(fn)
        def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
            handle = args[0] if args else next(iter(kwargs.values()), None)
            if not isinstance(handle, handle_type) or not handle.live:
                raise Forbidden(f"{name!r} {needs}")
            return fn(*args, **kwargs)

        registry[name] = guarded
        return guarded

    return decorate


def read_path(name: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Register a function that reads person data; it must get a live PersonData first."""
    return _guard(
        READ_PATHS,
        name,
        PersonData,
        "reads person data and needs the handle from docket.governance.gate.person_data "
        "(case, justification, audit)",
    )


def operation_path(name: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Register a function that changes the store (or reads it for oversight); it must get
    a live Operation first."""
    return _guard(
        OPERATION_PATHS,
        name,
        Operation,
        "changes the store and needs the handle from docket.governance.gate.operation "
        "(an authorised, audited operation)",
    )
