"""Typer options every read command shares: --case and --why (or DOCKET_CASE / DOCKET_WHY).

from docket.governance.options import CaseOption, WhyOption

def export_mentions(case: CaseOption = None, why: WhyOption = None) -> None:
    with store() as con, person_data(con, action="export.mentions", case=case, why=why) as pd:
        ...
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import duckdb
import typer

CaseOption = Annotated[
    str | None,
    typer.Option(
        "--case", envvar="DOCKET_CASE", show_envvar=True, help="Case ID the read is for (C-0001)."
    ),
]
WhyOption = Annotated[
    str | None,
    typer.Option(
        "--why",
        envvar="DOCKET_WHY",
        show_envvar=True,
        help="Justification, kept in the audit trail.",
    ),
]


@contextmanager
def store() -> Iterator[duckdb.DuckDBPyConnection]:
    """The store for the length of one command (writable: reads are audited)."""
    from docket.store import connect

    con = connect()
    try:
        yield con
    finally:
        con.close()
