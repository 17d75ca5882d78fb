"""`docket graph neighbours|path|communities`, `docket trajectory`, `docket colocate`.

Thin layers over the session's `graph` namespace. Every one reads person data: it needs
--case and --why (or DOCKET_CASE / DOCKET_WHY), goes through the person-data gate and is
audited with the entity ids it showed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

import typer
from rich.console import Console

from docket import cli_session
from docket.governance import inputs
from docket.governance.options import CaseOption, DbOption, WhyOption
from docket.graph import render

graph_app = typer.Typer(
    help="The relationship graph: neighbours, paths, communities.", no_args_is_help=True
)

KindOption = Annotated[
    str | None,
    typer.Option(
        "--kind",
        help="Edge kinds, comma-separated (called,paid,co-travelled,co-stayed,shares identifier,"
        "holds,stayed at,travelled to,seen at). Default: the person–person kinds.",
    ),
]
SinceOption = Annotated[
    str | None, typer.Option("--since", help="From this date or time (ISO, inclusive).")
]
UntilOption = Annotated[
    str | None, typer.Option("--until", help="Before this date or time (ISO, exclusive).")
]
FormatOption = Annotated[str, typer.Option("--format", help="table or json.")]


def _console() -> Console:
    c = Console()
    return c if c.is_terminal else Console(width=200)


def _kinds(value: str | None) -> list[str] | None:
    return [k.strip() for k in value.split(",") if k.strip()] if value else None


def _moment(parameter: str, value: str | None) -> datetime | None:
    return None if value is None else inputs.moment(parameter, value)


def _check(fmt: str, formats: tuple[str, ...]) -> None:
    inputs.one_of("--format", fmt, formats)


@graph_app.command("neighbours")
def neighbours_cmd(
    entity: Annotated[str, typer.Argument(help="Entity id.")],
    hops: Annotated[int, typer.Option("--hops", help="1 to 3.")] = 1,
    kind: KindOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    min_weight: Annotated[float, typer.Option("--min-weight", help="Weakest edge kept.")] = 0.0,
    limit: Annotated[int, typer.Option("--limit", help="Most nodes shown.")] = 200,
    fmt: FormatOption = "table",
    case: CaseOption = None,
    why: WhyOption = None,
    db: DbOption = None,
) -> None:
    """Who ENTITY is connected to, how and since when (nodes and edges, capped)."""
    _check(fmt, ("table", "json"))
    start, end = _moment("--since", since), _moment("--until", until)
    with cli_session.session(db) as s:
        r = s.graph.neighbours(entity, case=case or "", why=why or "", hops=hops,
                               kinds=_kinds(kind), since=start, until=end,
                               min_weight=min_weight, limit=limit)  # fmt: skip
    _emit(fmt, r, render.neighbourhood)


@graph_app.command("path")
def path_cmd(
    a: Annotated[str, typer.Argument(help="Entity id to start from.")],
    b: Annotated[str, typer.Argument(help="Entity id to reach.")],
    k: Annotated[int, typer.Option("--k", help="How many shortest paths (1 to 10).")] = 3,
    kind: KindOption = None,
    fmt: FormatOption = "table",
    case: CaseOption = None,
    why: WhyOption = None,
    db: DbOption = None,
) -> None:
    """The k shortest paths from A to B, with the events behind each hop."""
    _check(fmt, ("table", "json"))
    with cli_session.session(db) as s:
        r = s.graph.path(a, b, case=case or "", why=why or "", k=k, kinds=_kinds(kind))
    _emit(fmt, r, render.paths)


@graph_app.command("communities")
def communities_cmd(
    around: Annotated[
        str | None, typer.Option("--around", help="Entity id: communities around it.")
    ] = None,
    hops: Annotated[int, typer.Option("--hops", help="How far from the seeds (1 to 3).")] = 2,
    kind: KindOption = None,
    resolution: Annotated[
        float, typer.Option("--resolution", help="Leiden resolution: lower, larger communities.")
    ] = 0.5,
    limit: Annotated[int, typer.Option("--limit", help="Most people searched.")] = 5_000,
    fmt: FormatOption = "table",
    case: CaseOption = None,
    why: WhyOption = None,
    db: DbOption = None,
) -> None:
    """Leiden communities around an entity (--around), or over the case's subjects (--case
    alone), with each member's centrality."""
    _check(fmt, ("table", "json"))
    with cli_session.session(db) as s:
        r = s.graph.communities(case=case or "", why=why or "", around=around, hops=hops,
                                kinds=_kinds(kind), resolution=resolution, limit=limit)  # fmt: skip
    _emit(fmt, r, render.communities)


def trajectory_cmd(
    entity: Annotated[str, typer.Argument(help="Entity id.")],
    since: SinceOption = None,
    until: UntilOption = None,
    limit: Annotated[int, typer.Option("--limit", help="Most points shown.")] = 10_000,
    fmt: Annotated[str, typer.Option("--format", help="table, json or geojson.")] = "table",
    case: CaseOption = None,
    why: WhyOption = None,
    db: DbOption = None,
) -> None:
    """Where ENTITY has been, in time order: stays, trips, sightings of its vehicles, cell
    towers of its calls."""
    _check(fmt, ("table", "json", "geojson"))
    start, end = _moment("--since", since), _moment("--until", until)
    with cli_session.session(db) as s:
        r = s.graph.trajectory(entity, case=case or "", why=why or "", since=start, until=end,
                               limit=limit)  # fmt: skip
    if fmt == "geojson":
        typer.echo(render.geojson(r))
    else:
        _emit(fmt, r, render.trajectory)


def colocate_cmd(
    entity: Annotated[str, typer.Argument(help="Entity id.")],
    window: Annotated[
        int,
        typer.Option(
            "--window", help="Minutes apart that count as together (cameras, cell towers)."
        ),
    ] = 30,
    since: SinceOption = None,
    until: UntilOption = None,
    limit: Annotated[int, typer.Option("--limit", help="Most others shown.")] = 50,
    fmt: FormatOption = "table",
    case: CaseOption = None,
    why: WhyOption = None,
    db: DbOption = None,
) -> None:
    """Others at the same place at the same time as ENTITY, with the evidence and a score."""
    _check(fmt, ("table", "json"))
    start, end = _moment("--since", since), _moment("--until", until)
    with cli_session.session(db) as s:
        r = s.graph.colocate(entity, case=case or "", why=why or "", window_minutes=window,
                             since=start, until=end, limit=limit)  # fmt: skip
    _emit(fmt, r, render.colocation)


def _emit(fmt: str, result: Any, table: Callable[[Console, Any], None]) -> None:
    if fmt == "json":
        typer.echo(render.as_json(result))
    else:
        table(_console(), result)


def register(app: typer.Typer) -> None:
    """Add this package's commands to the `docket` app."""
    app.add_typer(graph_app, name="graph")
    app.command("trajectory")(trajectory_cmd)
    app.command("colocate")(colocate_cmd)
