"""`docket synth`: write a synthetic world (see docs/synth.md)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from docket.errors import InputError


def _start(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(
            "--start", f"not an ISO date: {value!r}", hint="e.g. --start 2026-01-01"
        ) from None


def synth(
    out: Annotated[
        Path, typer.Option("--out", help="Output directory (sources/ and truth/ go inside).")
    ],
    people: Annotated[int, typer.Option("--people", help="Number of people.")] = 20000,
    seed: Annotated[
        int, typer.Option("--seed", help="World seed: same arguments, same bytes.")
    ] = 0,
    start: Annotated[
        str, typer.Option("--start", help="First day of the window (ISO date).")
    ] = "2026-01-01",
    days: Annotated[int, typer.Option("--days", help="Length of the window in days.")] = 90,
    force: Annotated[
        bool, typer.Option("--force", help="Replace OUT/sources and OUT/truth if OUT is not empty.")
    ] = False,
) -> None:
    """Generate a fictional population and its agencies' records, with ground truth."""
    from docket.synth.world import STAGES, _check, generate

    first = _start(start)
    _check(people, seed, days)
    if out.exists() and not out.is_dir():
        raise InputError(
            "--out", f"{out} exists and is not a directory", hint="choose another path"
        )
    if out.is_dir() and any(out.iterdir()) and not force:
        raise InputError(
            "--out",
            f"{out} is not empty",
            hint="choose an empty or new directory, "
            "or pass --force to replace its sources/ and truth/",
        )
    console = Console(stderr=True)
    with Progress(
        TextColumn("[bold]{task.description:<20}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as bar:
        task = bar.add_task("starting", total=len(STAGES))

        def progress(stage: str, done: int, total: int) -> None:
            bar.update(task, description=stage, completed=done, total=total)

        summary = generate(out, people, seed, first, days, progress=progress)
    console.print(
        f"wrote {summary.source_rows:,} source rows "
        f"({summary.source_rows / people:.1f} per person), "
        f"{summary.mentions:,} truth mentions and {len(summary.stories)} stories to {out} "
        f"in {summary.seconds:.1f} s",
        highlight=False,
    )


def register(app: typer.Typer) -> None:
    """Add `docket synth` to the app."""
    app.command("synth")(synth)
