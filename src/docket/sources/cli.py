"""`docket ingest`, `docket sources`, `docket quarantine`, `docket export mentions|quarantine`.

Each command is a thin layer over the session (docket/session): ingest and source
administration are audited operations for the admin role. Quarantined rows hold raw
person data as delivered, so `docket quarantine` shows where and why rows were rejected,
never the values; `docket export quarantine` gives them to a case member (case,
justification, audit), like every export.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from docket import cli_session
from docket.errors import DocketError
from docket.governance.options import CaseOption, DbOption, OutOption, WhyOption, run_export
from docket.session.results import FailedFile
from docket.sources.export import FORMATS
from docket.sources.ingest import FileResult

export_app = typer.Typer(
    help="Export person data: a disclosure, so it needs --case and --why (audited).",
    no_args_is_help=True,
)


def _console(stderr: bool = False) -> Console:
    """A console on the current stdout / stderr; wide when it is not a terminal (pipes, files)."""
    c = Console(stderr=stderr)
    return c if c.is_terminal else Console(stderr=stderr, width=200)


def _summary(results: list[FileResult], failed: list[FailedFile]) -> Table:
    table = Table(title="ingest")
    for col in ("source", "file", "status", "read", "stored", "quarantined"):
        table.add_column(
            col, justify="right" if col in ("read", "stored", "quarantined") else "left"
        )
    for col in ("mentions", "things", "events", "s"):
        table.add_column(col, justify="right")
    for r in results:
        table.add_row(
            escape(r.source),
            escape(Path(r.file).name),
            r.status,
            f"{r.rows_read:,}",
            f"{r.rows_stored:,}",
            f"[red]{r.rows_quarantined:,}[/]" if r.rows_quarantined else "0",
            f"{r.inserted.get('mentions', 0):,}",
            f"{r.inserted.get('things', 0):,}",
            f"{r.inserted.get('events', 0):,}",
            f"{r.seconds:.1f}",
        )
    for f in failed:
        table.add_row(
            "?", escape(Path(f.path).name), f"[red]failed[/]: {escape(f.message)}", *[""] * 7
        )
    return table


def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Source files, or folders of them.")],
    mapping: Annotated[
        list[Path] | None,
        typer.Option(
            "--mapping", help="A mapping YAML of your own (repeatable); tried before shipped ones."
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Load source files through their mappings into the store (admin; audited)."""
    _out, _err = _console(), _console(stderr=True)
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=_err, transient=True) as progress:
        task = progress.add_task("ingest", total=None)

        def step(path: Path, stage: str) -> None:
            progress.update(task, description=f"{path.name}: {stage}")

        def done(_path: Path, outcome: FileResult | DocketError) -> None:
            if isinstance(outcome, DocketError):
                _err.print(f"[bold red]error:[/] {escape(str(outcome))}", highlight=False)
            progress.advance(task)

        with cli_session.session(db) as s:
            # paths are read where the store is: absolute, so that a service finds them too
            report = s.ingest(
                [str(p.absolute()) for p in paths],
                [str(m.absolute()) for m in mapping or []],
                on_step=step,
                on_done=done,
            )
    results, failed = report.results, report.failed
    _out.print(_summary(results, failed))
    loaded = [r for r in results if r.status == "loaded"]
    skipped = [r for r in results if r.status == "skipped"]
    _out.print(
        f"{len(loaded)} file(s) loaded: {sum(r.rows_read for r in loaded):,} rows read, "
        f"{sum(r.rows_stored for r in loaded):,} stored, "
        f"{sum(r.rows_quarantined for r in loaded):,} quarantined"
        + (f"; {len(skipped)} already loaded (same SHA-256), skipped" if skipped else ""),
        soft_wrap=True,
    )
    if any(r.rows_quarantined for r in loaded):
        _out.print("see rejected rows and reasons: `docket quarantine SOURCE`", soft_wrap=True)
    for f in report.unknown:
        _err.print(
            f"not recognised by any mapping, not read: {escape(f)}",
            highlight=False,
            soft_wrap=True,
        )
    if failed:
        raise typer.Exit(2)


def _age(then: datetime) -> str:
    secs = (datetime.now(UTC) - then).total_seconds()
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if secs >= size:
            return f"{secs / size:.0f} {unit} ago"
    return "just now"


def sources(db: DbOption = None) -> None:
    """List loaded source files with counts, freshness and retention (admin; audited)."""
    _out = _console()
    with cli_session.session(db) as s:
        rows = s.sources()
    table = Table(title="sources")
    for col in ("source", "file", "sha256", "read", "stored", "quarantined", "loaded"):
        table.add_column(
            col, justify="right" if col in ("read", "stored", "quarantined") else "left"
        )
    table.add_column("expires")
    table.add_column("legal basis", overflow="fold")
    for r in rows:
        table.add_row(
            escape(r.source),
            escape(Path(r.file).name),
            r.sha256[:12],
            f"{r.rows_read:,}",
            f"{r.rows_stored:,}",
            f"{r.rows_quarantined:,}",
            f"{r.loaded_at:%Y-%m-%d %H:%M} ({_age(r.loaded_at)})",
            "never" if r.expires_at is None else f"{r.expires_at:%Y-%m-%d} ({r.retention_days} d)",
            escape(r.legal_basis or ""),
        )
    _out.print(table)
    if not rows:
        _out.print("nothing loaded yet: `docket ingest PATH`")


def quarantine(
    source: Annotated[str | None, typer.Argument(help="Only this source (mapping name).")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Rows to show.")] = 50,
    db: DbOption = None,
) -> None:
    """Show where and why rows were rejected, without their values (admin; audited).

    The raw rows are person data: `docket export quarantine --case --why` shows them.
    """
    _out = _console()
    with cli_session.session(db) as s:
        found = s.quarantine(source, limit)
    summary = Table(title="quarantined rows by reason")
    for col in ("source", "reason", "rows"):
        summary.add_column(col)
    for c in found.by_reason:
        summary.add_row(escape(c.source), escape(c.reason), f"{c.rows:,}")
    _out.print(summary)
    table = Table(title=f"quarantine: {len(found.rows)} of {found.total:,} rows")
    for col in ("source", "file", "row", "problem"):
        table.add_column(col, overflow="fold")
    for r in found.rows:
        table.add_row(escape(r.source), escape(r.file), str(r.row_number), escape(r.problem))
    _out.print(table)
    if found.rows:
        _out.print(
            "values are person data: an analyst sees them with "
            "`docket export quarantine [SOURCE] --case ID --why TEXT`",
            soft_wrap=True,
        )


@export_app.command("quarantine")
def export_quarantine_cmd(
    source: Annotated[str | None, typer.Argument(help="Only this source (mapping name).")] = None,
    out: OutOption = None,
    case: CaseOption = None,
    why: WhyOption = None,
    db: DbOption = None,
) -> None:
    """Export rejected rows as delivered, with their reasons (person data: case and why)."""
    run_export(
        db,
        out,
        lambda s, sink: s.export.quarantine(
            case=case or "", why=why or "", out=sink, source=source
        ),
    )


@export_app.command("mentions")
def export_mentions_cmd(
    fmt: Annotated[str, typer.Option("--format", help=f"One of {', '.join(FORMATS)}.")] = "csv",
    out: OutOption = None,
    case: CaseOption = None,
    why: WhyOption = None,
    db: DbOption = None,
) -> None:
    """Export every person mention (columns include source and record_key)."""
    run_export(
        db,
        out,
        lambda s, sink: s.export.mentions(case=case or "", why=why or "", out=sink, fmt=fmt),
        binary=fmt == "parquet",
    )


def register(app: typer.Typer) -> None:
    """Add this package's commands to the `docket` app."""
    app.command("ingest")(ingest)
    app.command("sources")(sources)
    app.command("quarantine")(quarantine)
    app.add_typer(export_app, name="export")
