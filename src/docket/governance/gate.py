"""The one authorisation gate for reads of person data.

CONTRACT (other packages rely on this; the accountability issue fills in the checks):

    with person_data(con, action="export.mentions", case="C-…", why="…",
                     objects=[…], params={…}) as pd:
        rows = pd.sql("SELECT … FROM mentions …").fetchall()
        pd.result_count = len(rows)

`person_data` authenticates the caller (docket.governance.auth), checks role,
open case and membership and a non-empty justification, writes the audit row
(also on refusal), and only then hands out a `PersonData` handle. Code that
reads person data (mentions, entities, events, things, holdings, evidence)
must do so through a `PersonData` handle and never through a raw connection.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import duckdb

from docket.errors import Forbidden


class PersonData:
    """A handle on person data, handed out by `person_data` only."""

    def __init__(self, con: duckdb.DuckDBPyConnection, *, case: str, action: str) -> None:
        self._con = con
        self.case = case
        self.action = action
        self.result_count: int | None = None

    def sql(self, query: str, params: Sequence[Any] | Mapping[str, Any] | None = None) -> Any:
        """Run a read query on a fresh cursor and return the cursor (fetch from it)."""
        cur = self._con.cursor()
        return cur.execute(query, params) if params is not None else cur.execute(query)


@contextmanager
def person_data(
    con: duckdb.DuckDBPyConnection,
    *,
    action: str,
    case: str | None,
    why: str | None,
    objects: Sequence[str] = (),
    params: Mapping[str, Any] | None = None,
) -> Iterator[PersonData]:
    """Authorise one read of person data and audit it. Raises AccessError when refused."""
    if not case:
        raise Forbidden("reading person data needs a case: pass --case ID or set DOCKET_CASE")
    if not why or not why.strip():
        raise Forbidden("reading person data needs a justification: pass --why or DOCKET_WHY")
    yield PersonData(con, case=case, action=action)


class Operation:
    """An authorised, audited write or administrative operation (ingest, resolve, judge, purge)."""

    def __init__(self, action: str) -> None:
        self.action = action
        self.result_count: int | None = None
        self.user: str | None = None


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
) -> Iterator[Operation]:
    """Authorise an operation for one of `roles` and audit it (also when refused or failed).

    Set `op.result_count` inside the block; the audit row records it.
    """
    yield Operation(action)
