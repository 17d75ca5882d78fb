"""The one authorisation gate for reads of person data, and audited operations.

CONTRACT (other packages rely on this):

    with person_data(con, action="export.mentions", case="C-0001", why="…",
                     objects=[…], params={…}) as pd:
        rows = pd.sql("SELECT … FROM mentions WHERE …", [..]).fetchall()
        pd.result_count = len(rows)
        pd.objects.extend(entity_ids_shown)      # optional: what was disclosed

`person_data` authenticates the caller (docket.governance.auth), requires the role
analyst or supervisor, an open, approved case the caller is a member of and a
justification, and audits the read after the block with its result count (and
every refusal, with the reason). Only then does code get a `PersonData` handle;
the handle runs single read-only statements and dies when the block ends.

Every public function that reads person data (mentions, entities, events, things,
holdings, evidence) is decorated `@read_path("name")` and takes the handle as its
first argument; it refuses to run without a live handle. tests/governance checks
every registered read path and every CLI command against this.

    with operation(con, action="ingest", roles=["admin"], objects=[…]) as op:
        … ; op.result_count = n                  # op.user / op.role: who runs it

audits writes and administrative work (collection, combination, alteration,
erasure …), also when refused or failed. Both need a writable connection.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, ParamSpec, TypeVar

import duckdb

from docket.errors import AccessError, DocketError, Forbidden, InputError
from docket.governance import audit, auth, cases, inputs
from docket.governance.roles import READERS, Principal

P = ParamSpec("P")
R = TypeVar("R")

# name → function: every public read of person data. Filled by @read_path at import time.
READ_PATHS: dict[str, Callable[..., Any]] = {}


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


def read_path(name: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Register a function that reads person data; it must get a live PersonData first."""

    def decorate(fn: Callable[P, R]) -> Callable[P, R]:
        if name in READ_PATHS:
            raise ValueError(f"read path {name!r} is registered twice")

        @functools.wraps(fn)
        def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
            handle = args[0] if args else next(iter(kwargs.values()), None)
            if not isinstance(handle, PersonData) or not handle.live:
                raise Forbidden(
                    f"read path {name!r} reads person data and needs the handle from "
                    "docket.governance.gate.person_data (case, justification, audit)"
                )
            return fn(*args, **kwargs)

        READ_PATHS[name] = guarded
        return guarded

    return decorate


def _refused(con: duckdb.DuckDBPyConnection, exc: DocketError, **row: Any) -> None:
    audit.record(con, outcome="refused", detail=str(exc)[:500], **row)


def _clip(value: str | None) -> str | None:
    """What the audit row keeps of a value that was refused: at most 200 characters."""
    return None if value is None else value[:200]


@contextmanager
def person_data(
    con: duckdb.DuckDBPyConnection,
    *,
    action: str,
    case: str | None,
    why: str | None,
    objects: Sequence[str] = (),
    params: Mapping[str, Any] | None = None,
    client: str | None = None,
    category: str | None = None,
    token: str | None = None,
) -> Iterator[PersonData]:
    """Authorise one read of person data and audit it. Raises AccessError or InputError.

    `client` is the caller's address (default `local:<hostname>`); a server passes its
    request's address and session `token` (from `auth.login`).
    """
    cat = category or audit.category_of(action)
    row: dict[str, Any] = {
        "action": action,
        "case": _clip(case),
        "why": _clip(why),
        "objects": list(objects),
        "params": params,
        "client": client,
        "category": cat,
    }
    who: Principal | None = None
    audit.require_writable(con)
    try:
        who = auth.current_principal(con, client=client, token=token)
        row["principal"] = who
        if who.role not in READERS:
            raise Forbidden(
                f"role {who.role} may not read person data (separation of duties); "
                "analysts and supervisors read it within a case"
            )
        if not case:
            raise Forbidden("reading person data needs a case: pass --case ID or set DOCKET_CASE")
        case = inputs.case_id(case, "--case")
        if not why or not why.strip():
            raise Forbidden("reading person data needs a justification: pass --why or DOCKET_WHY")
        why = inputs.text("--why", why)
        cases.require_readable(con, case, who)
    except DocketError as exc:
        _refused(con, exc, **row)
        raise
    assert who is not None and case is not None and why is not None
    handle = PersonData(con, who=who, case=case, why=why, action=action, objects=objects)
    row.update(case=case, why=why)
    try:
        yield handle
    except BaseException as exc:
        handle._close()
        row["objects"] = handle.objects
        outcome = "refused" if isinstance(exc, AccessError) else "failed"
        audit.record(
            con,
            outcome=outcome,
            detail=f"{type(exc).__name__}: {exc}"[:500],
            result_count=handle.result_count,
            **row,
        )
        raise
    handle._close()
    row["objects"] = handle.objects
    audit.record(con, outcome="ok", result_count=handle.result_count, **row)


class Operation:
    """An authorised, audited write or administrative operation (ingest, resolve, judge, purge)."""

    def __init__(
        self, action: str, who: Principal | None = None, objects: Sequence[str] = ()
    ) -> None:
        self.action = action
        self.result_count: int | None = None
        self.user: str | None = who.user if who else None
        self.role: str | None = who.role if who else None
        self.principal = who
        self.objects: list[str] = list(objects)
        self.params: dict[str, Any] = {}
        self.case: str | None = None  # the case the audit row names; may be set in the block


@contextmanager
def operation(
    con: duckdb.DuckDBPyConnection,
    *,
    action: str,
    roles: Sequence[str],
    case: str | None = None,
    why: str | None = None,
    objects: Sequence[str] = (),
    params: Mapping[str, Any] | None = None,
    client: str | None = None,
    category: str | None = None,
    check_case: bool = True,
    token: str | None = None,
) -> Iterator[Operation]:
    """Authorise an operation for one of `roles` and audit it (also when refused or failed).

    With `case`, the caller must be a member of that open case (unless
    `check_case=False`, for case administration, where the case is only recorded).
    Set `op.result_count` (and add to `op.objects` / `op.params`) inside the block.
    """
    row: dict[str, Any] = {
        "action": action,
        "case": _clip(case),
        "why": _clip(why),
        "objects": list(objects),
        "params": dict(params or {}),
        "client": client,
        "category": category or audit.category_of(action, "alteration"),
    }
    audit.require_writable(con)
    try:
        who = auth.current_principal(con, client=client, token=token)
    except DocketError as exc:
        _refused(con, exc, **row)
        raise
    row["principal"] = who
    try:
        if who.role not in roles:
            raise Forbidden(
                f"{action} needs the role {' or '.join(roles)}; {who.user} is {who.role}"
            )
        if case is not None:
            case = inputs.case_id(case, "--case")
            row["case"] = case
            if check_case:
                cases.require_readable(con, case, who)
        if why is not None:
            why = inputs.optional_text("--why", why)
            row["why"] = why
    except DocketError as exc:
        _refused(con, exc, **row)
        raise
    op = Operation(action, who, objects)
    op.params.update(row["params"])
    op.case = row["case"]
    try:
        yield op
    except BaseException as exc:
        outcome = "refused" if isinstance(exc, (AccessError, InputError)) else "failed"
        row.update(objects=op.objects, params=op.params, case=op.case)
        audit.record(
            con,
            outcome=outcome,
            detail=f"{type(exc).__name__}: {exc}"[:500],
            result_count=op.result_count,
            **row,
        )
        raise
    row.update(objects=op.objects, params=op.params, case=op.case)
    audit.record(con, outcome="ok", result_count=op.result_count, **row)
