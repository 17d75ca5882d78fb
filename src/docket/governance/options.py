"""Typer options every read command shares: --case and --why (or DOCKET_CASE / DOCKET_WHY).

from docket.governance.options import CaseOption, WhyOption

def export_mentions(case: CaseOption = None, why: WhyOption = None) -> None:
    with store() as con, person_data(con, action="export.mentions", case=case, why=why) as pd:
        ...
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import duckdb
import typer

CaseOption = Annotated[
    str | None,
    typer.Option(
        "--case", envvar="DOCKET_CASE", show_envvar=True, help="Case ID the read is for (C-0001)."
    ),
]
OutOption = Annotated[
    Path | None, typer.Option("--out", help="Output file (default: standard output).")
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


def run_export(
    db: Path | None,
    *,
    action: str,
    what: str,
    write: Callable[[Any], int],
    out: Path | None,
    case: str | None,
    why: str | None,
    objects: Sequence[str] = (),
    params: Mapping[str, Any] | None = None,
) -> None:
    """One disclosure command: open the store, pass the gate, `write(handle)`, say how many."""
    from rich.console import Console

    from docket.governance.gate import person_data
    from docket.store import connect

    con = connect(db)
    try:
        with person_data(
            con,
            action=action,
            case=case,
            why=why,
            objects=objects,
            params={**(params or {}), "out": None if out is None else str(out)},
        ) as pd:
            pd.result_count = write(pd)
    finally:
        con.close()
    if out is not None:
        Console(stderr=True).print(f"{pd.result_count:,} {what} written to {out}", highlight=False)
