"""Typer options commands share, and the shape of an export command.

from docket.governance.options import CaseOption, WhyOption

def export_mentions(case: CaseOption = None, why: WhyOption = None) -> None:
    with cli_session.session() as s:
        s.export.mentions(case=case, why=why, out=sys.stdout.buffer)
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import IO, Annotated

import typer
from rich.console import Console

from docket import cli_session
from docket.errors import InputError
from docket.session import Session
from docket.session.results import Exported

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
DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db", help="Local store file (default: $DOCKET_DB or $DOCKET_HOME/docket.duckdb)."
    ),
]


def run_export(
    db: Path | None,
    out: Path | None,
    export: Callable[[Session, Path | IO[bytes]], Exported],
    *,
    binary: bool = False,
) -> None:
    """One disclosure command: `export(session, destination)`, then say how many went where.

    Without --out the rows go to standard output (a binary format needs a file)."""
    if binary and out is None:
        raise InputError("--out", "this format is binary: give a file with --out FILE")
    with cli_session.session(db) as s:
        done = export(s, out if out is not None else sys.stdout.buffer)
    if out is not None:
        Console(stderr=True).print(f"{done.count:,} {done.what} written to {out}", highlight=False)
