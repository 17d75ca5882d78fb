"""`docket stream` (a feed following a JSON-lines file) and `docket alerts`."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from docket import cli_session, settings
from docket.errors import InputError
from docket.governance import inputs
from docket.governance.cli import table
from docket.governance.options import CaseOption, WhyOption
from docket.realtime.intake import MAX_RECORDS

FormatOption = Annotated[str, typer.Option("--format", help="table or json.")]


def stream(
    file: Annotated[Path, typer.Argument(help="A JSON-lines file of the source's records.")],
    source: Annotated[str, typer.Option("--source", help="The source's mapping name.")],
    batch: Annotated[
        int, typer.Option("--batch", help="Records per delivery.", min=1, max=MAX_RECORDS)
    ] = 500,
    follow: Annotated[
        bool, typer.Option("--follow/--no-follow", help="Keep reading as the file grows.")
    ] = True,
    poll: Annotated[float, typer.Option("--poll", help="Seconds between looks.")] = 0.5,
) -> None:
    """Deliver a JSON-lines file's records as they are written (a feed account, or an admin):
    batch by batch, each acknowledged once committed. The position reached is kept beside
    the file (FILE.docket-offset), so a restart resumes after the last acknowledged record.
    Without DOCKET_URL the local store also processes each batch (alerts) at once."""
    err = Console(stderr=True)
    offset_file = file.with_name(file.name + ".docket-offset")
    offset = int(offset_file.read_text()) if offset_file.exists() else 0
    local = settings.env("URL") is None
    sent = 0
    with cli_session.session() as s:
        while True:
            if not file.exists():
                raise InputError("FILE", f"{file} does not exist")
            with file.open("rb") as f:
                f.seek(offset)
                chunk = f.read()
            lines = chunk.split(b"\n")
            complete = lines[:-1]  # the last piece may be a line still being written
            for start in range(0, len(complete), batch):
                part = complete[start : start + batch]
                body = b"\n".join(part) + b"\n"
                done = s.deliver(source, body)
                offset += len(body)
                offset_file.write_text(str(offset))
                sent += done.received
                if done.quarantined:
                    err.print(f"{done.quarantined} record(s) quarantined", highlight=False)
                if local:
                    s.process_intake()
            if not follow:
                break
            time.sleep(poll)
    err.print(f"{sent:,} records delivered from {file}", highlight=False)


def alerts(
    case: CaseOption = None,
    why: WhyOption = None,
    limit: Annotated[int, typer.Option("--limit", help="At most this many (newest).")] = 100,
    fmt: FormatOption = "table",
) -> None:
    """The case's watchlist alerts (person data: --case and --why)."""
    fmt = inputs.one_of("--format", fmt, ("table", "json"))
    with cli_session.session() as s:
        found = s.alerts(case=case or "", why=why or "", limit=limit)
    if fmt == "json":
        for a in found:
            typer.echo(json.dumps(a.message(), ensure_ascii=False))
        return
    table(
        ["alert", "kind", "when (UTC)", "entity", "record", "place", "entry", "confidence"],
        [
            [a.alert_id, a.kind, f"{a.event_at:%Y-%m-%d %H:%M}" if a.event_at else "-",
             a.entity_id or "-", a.event_id, a.place_id or "-", a.entry_id,
             f"{a.confidence:.2f}"]
            for a in found
        ],
    )  # fmt: skip


def register(app: typer.Typer) -> None:
    """Add this package's commands to the `docket` app."""
    app.command("stream")(stream)
    app.command("alerts")(alerts)
