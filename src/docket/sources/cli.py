"""`docket ingest`, `docket sources`, `docket quarantine`, `docket export mentions`.

Ingest and source administration run as audited operations for the admin role.
Quarantined rows hold raw person data as delivered. An admin manages sources
but reads no person data, so `docket quarantine` (admin, audited) shows where
and why rows were rejected — source, file, row number, the problem — never the
values. The raw rows are person data: `docket export quarantine` gives them to
an analyst or supervisor through the person-data gate (case, justification,
audit), like every export.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import duckdb
import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from docket.errors import DocketError
from docket.governance import inputs
from docket.governance.gate import operation
from docket.governance.options import CaseOption, OutOption, WhyOption, run_export
from docket.sources.export import FORMATS, export_mentions, export_quarantine
from docket.sources.ingest import FileResult, ingest_files, mappings_for, plan_files
from docket.sources.mapping import SourceMapping
from docket.store.db import connect

export_app = typer.Typer(
    help="Export person data: a disclosure, so it needs --case and --why (audited).",
    no_args_is_help=True,
)


def _console(stderr: bool = False) -> Console:
    """A console on the current stdout / stderr; wide when it is not a terminal (pipes, files)."""
    c = Console(stderr=stderr)
    return c if c.is_terminal else Console(stderr=stderr, width=200)


DbOption = Annotated[
    Path | None,
    typer.Option("--db", help="Store file (default: $DOCKET_DB or ./docket-data/docket.duckdb)."),
]


def _summary(results: list[FileResult], failed: list[tuple[Path, str]]) -> Table:
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
    for path, msg in failed:
        table.add_row("?", escape(path.name), f"[red]failed[/]: {escape(msg)}", *[""] * 7)
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
    con = connect(db)
    try:
        mapping = mapping or []
        params = {"paths": [str(p) for p in paths], "mappings": [str(m) for m in mapping]}
        with operation(con, action="ingest", roles=["admin"], params=params) as op:
            maps = mappings_for(mapping)
            plan = plan_files(paths, maps)
            op.objects.extend(sorted({m.name for _, m in plan.matched}))
            results, failed = _run(con, plan.matched)
            op.result_count = sum(r.rows_stored for r in results)
    finally:
        con.close()
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
    for f in plan.unknown:
        _err.print(
            f"not recognised by any mapping, not read: {escape(str(f))}",
            highlight=False,
            soft_wrap=True,
        )
    if failed:
        raise typer.Exit(2)


def _run(
    con: duckdb.DuckDBPyConnection, matched: list[tuple[Path, SourceMapping]]
) -> tuple[list[FileResult], list[tuple[Path, str]]]:
    _err = _console(stderr=True)
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=_err, transient=True) as progress:
        task = progress.add_task("ingest", total=len(matched))

        def step(path: Path, stage: str) -> None:
            progress.update(task, description=f"{path.name}: {stage}")

        def done(_path: Path, outcome: FileResult | DocketError) -> None:
            if isinstance(outcome, DocketError):
                _err.print(f"[bold red]error:[/] {escape(str(outcome))}", highlight=False)
            progress.advance(task)

        results, failures = ingest_files(con, matched, step=step, done=done)
    return results, [(path, str(exc)) for path, exc in failures]


def _age(then: datetime) -> str:
    secs = (datetime.now(UTC) - then).total_seconds()
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
        if secs >= size:
            return f"{secs / size:.0f} {unit} ago"
    return "just now"


def sources(db: DbOption = None) -> None:
    """List loaded source files with counts, freshness and retention (admin; audited)."""
    _out = _console()
    con = connect(db)
    try:
        with operation(con, action="sources.list", roles=["admin"]) as op:
            rows = (
                con.cursor()
                .execute(
                    "SELECT source, file, sha256, rows_read, rows_stored, rows_quarantined, "
                    "loaded_at, retention_days, loaded_at + to_days(retention_days), legal_basis "
                    "FROM sources ORDER BY source, loaded_at"
                )
                .fetchall()
            )
            op.result_count = len(rows)
    finally:
        con.close()
    table = Table(title="sources")
    for col in ("source", "file", "sha256", "read", "stored", "quarantined", "loaded"):
        table.add_column(
            col, justify="right" if col in ("read", "stored", "quarantined") else "left"
        )
    table.add_column("expires")
    table.add_column("legal basis", overflow="fold")
    for s, f, sha, rd, st, q, at, days, exp, basis in rows:
        table.add_row(
            escape(s),
            escape(Path(f).name),
            sha[:12],
            f"{rd:,}",
            f"{st:,}",
            f"{q:,}",
            f"{at:%Y-%m-%d %H:%M} ({_age(at)})",
            "never" if days is None else f"{exp:%Y-%m-%d} ({days} d)",
            escape(basis or ""),
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
    source = inputs.optional_text("source", source, limit=200)
    con = connect(db)
    where, args = ("WHERE source = ?", [source]) if source else ("", [])
    try:
        params = {"source": source, "limit": limit}
        objects = [source] if source else []
        with operation(
            con, action="quarantine.show", roles=["admin"], objects=objects, params=params
        ) as op:
            cur = con.cursor()
            total = cur.execute(f"SELECT count(*) FROM quarantine {where}", args).fetchall()[0][0]
            by_reason = cur.execute(
                "SELECT source, regexp_extract(reason, '^[^:(]*') AS why, count(*) "
                f"FROM quarantine {where} GROUP BY ALL ORDER BY 3 DESC",
                args,
            ).fetchall()
            rows = cur.execute(
                "SELECT source, file, row_number, regexp_extract(reason, '^[^:]*') "
                "FROM quarantine "
                f"{where} ORDER BY source, file, row_number LIMIT {int(limit)}",
                args,
            ).fetchall()
            op.result_count = len(rows)
    finally:
        con.close()
    summary = Table(title="quarantined rows by reason")
    for col in ("source", "reason", "rows"):
        summary.add_column(col)
    for s, why, n in by_reason:
        summary.add_row(escape(s), escape(why.strip()), f"{n:,}")
    _out.print(summary)
    table = Table(title=f"quarantine: {len(rows)} of {total:,} rows")
    for col in ("source", "file", "row", "problem"):
        table.add_column(col, overflow="fold")
    for s, f, n, problem in rows:
        table.add_row(escape(s), escape(Path(f).name), str(n), escape(problem.strip()))
    _out.print(table)
    if rows:
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
    source = inputs.optional_text("source", source, limit=200)
    run_export(
        db,
        action="export.quarantine",
        what="rows",
        write=lambda pd: export_quarantine(pd, out, source),
        out=out,
        case=case,
        why=why,
        objects=[source] if source else [],
        params={"source": source},
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
        action="export.mentions",
        what="mentions",
        write=lambda pd: export_mentions(pd, fmt, out),
        out=out,
        case=case,
        why=why,
        params={"format": fmt},
    )


def register(app: typer.Typer) -> None:
    """Add this package's commands to the `docket` app."""
    app.command("ingest")(ingest)
    app.command("sources")(sources)
    app.command("quarantine")(quarantine)
    app.add_typer(export_app, name="export")
