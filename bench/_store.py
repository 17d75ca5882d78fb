"""The benchmarks' way into a store: through the gate, as a bench user, like any caller."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

from docket.governance import auth, gate, users
from docket.governance.handles import Operation, PersonData
from docket.governance.roles import ROLES

BENCH_PASSWORD = "bench-password-0"
ADMIN = "bench-admin"


def ensure_admin(con: duckdb.DuckDBPyConnection) -> None:
    """Create the bench's admin on a store that has no user yet."""
    if users.count(con) == 0:
        users.bootstrap(con, ADMIN, "admin", BENCH_PASSWORD)


@contextmanager
def operating(
    con: duckdb.DuckDBPyConnection, action: str, *, user: str = ADMIN
) -> Iterator[Operation]:
    """An audited operation as a bench user (the admin by default) on `con`."""
    ensure_admin(con)
    _, token, _ = auth.open_session(con, user, BENCH_PASSWORD, client="bench")
    with gate.operation(con, token=token, action=action, roles=ROLES, client="bench") as op:
        yield op


@contextmanager
def reading(
    con: duckdb.DuckDBPyConnection, action: str, *, user: str, case: str, why: str
) -> Iterator[PersonData]:
    """A read of person data as a bench analyst, for a case, through the gate."""
    _, token, _ = auth.open_session(con, user, BENCH_PASSWORD, client="bench")
    with gate.person_data(
        con, token=token, action=action, case=case, why=why, client="bench"
    ) as pd:
        yield pd
