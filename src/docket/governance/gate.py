"""The one authorisation gate: reads of person data, and audited operations.

CONTRACT (other packages rely on this):

    with person_data(con, token=…, action="export.mentions", case="C-0001", why="…",
                     objects=[…], params={…}) as pd:
        rows = pd.sql("SELECT … FROM mentions WHERE …", [..]).fetchall()
        pd.result_count = len(rows)
        pd.objects.extend(entity_ids_shown)      # optional: what was disclosed

`person_data` authenticates the session token (docket.governance.auth), requires the
role analyst or supervisor, an open, approved case the caller is a member of and a
justification, and audits the read after the block with its result count (and every
refusal, with the reason). Only then does code get a `PersonData` handle; the handle
runs single read-only statements and dies when the block ends.

Every function that reads person data (mentions, entities, events, things, holdings,
evidence) is decorated `@read_path("name")` and takes the handle as its first argument;
it refuses to run without a live handle.

    with operation(con, token=…, action="ingest", roles=["admin"], objects=[…]) as op:
        ingest_files(op, …); op.result_count = n          # op.user / op.role: who runs it

audits writes and administrative work (collection, combination, alteration, erasure …),
also when refused or failed. Every function that changes the store is decorated
`@operation_path("name")` and takes the `Operation` handle as its first argument; it works
on `op.con`, which exists only while the operation is live.

There is no ambient identity: the token comes from `docket.Docket.session`. The library's
front door (docket/session) is the only caller; tests/governance/test_gate_coverage.py
checks that every function touching the store is a read path, an operation path, takes
a handle, or is a package-internal step of one.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import duckdb

from docket.errors import AccessError, DocketError, Forbidden, InputError
from docket.governance import audit, auth, cases, inputs
from docket.governance.handles import (
    OPERATION_PATHS,
    READ_PATHS,
    Operation,
    PersonData,
    operation_path,
    read_path,
)
from docket.governance.roles import READERS, Principal

__all__ = [
    "OPERATION_PATHS",
    "READ_PATHS",
    "Operation",
    "PersonData",
    "operation",
    "operation_path",
    "person_data",
    "read_path",
]


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
    token: str | None,
) -> Iterator[PersonData]:
    """Authorise one read of person data for the holder of the session `token` and audit
    it. Raises AccessError or InputError. `client` is the caller's address (default
    `local:<hostname>`); the service passes its request's."""
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
        who = auth.principal_for_token(con, token, client=client)
        row["principal"] = who
        if who.role not in READERS:
            raise Forbidden(
                f"role {who.role} may not read person data (separation of duties); "
                "analysts and supervisors read it within a case"
            )
        if not case:
            raise Forbidden("reading person data needs a case (--case ID, or DOCKET_CASE)")
        case = inputs.case_id(case, "--case")
        if not why or not why.strip():
            raise Forbidden("reading person data needs a justification (--why TEXT, or DOCKET_WHY)")
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
    token: str | None,
) -> Iterator[Operation]:
    """Authorise an operation for one of `roles` by the holder of the session `token`, and
    audit it (also when refused or failed).

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
        who = auth.principal_for_token(con, token, client=client)
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
    op = Operation(con.cursor(), action, who, objects, token=token, client=client)
    op.params.update(row["params"])
    op.case = row["case"]
    try:
        yield op
    except BaseException as exc:
        op._close()
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
    op._close()
    row.update(objects=op.objects, params=op.params, case=op.case)
    audit.record(con, outcome="ok", result_count=op.result_count, **row)
