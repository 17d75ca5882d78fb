"""`make demo`: the main job end to end on the embedded default store, through the library.

Generates a synthetic world (once), creates one demo user per role and a demo case,
ingests every source as the admin, resolves, exports the entities as the analyst and
verifies the audit trail — each step a method of a `docket.Session`, audited like any
other. Everything lands under $DOCKET_HOME (default ./docket-data).
"""

from __future__ import annotations

import argparse
from datetime import date

from rich.console import Console
from rich.table import Table

from docket import settings
from docket.session import Docket, Session
from docket.store.files import make_private
from docket.synth import generate

console = Console()

# Demo credentials: synthetic users in a synthetic store, printed for the operator.
DEMO_USERS = {
    "admin": ("demo-admin", "admin-demo-pass"),
    "supervisor": ("demo-supervisor", "supervisor-demo-pass"),
    "analyst": ("demo-analyst", "analyst-demo-pass"),
    "auditor": ("demo-auditor", "auditor-demo-pass"),
}
CASE_TITLE = "Demo: wanted person travelling under varied spellings"


def _as(d: Docket, role: str) -> Session:
    user, password = DEMO_USERS[role]
    return d.session(user=user, password=password, client="demo")


def _step(text: str) -> None:
    console.print(f"[bold cyan]›[/] {text}", highlight=False)


def _users(d: Docket) -> None:
    if d.has_users():
        return
    _step("creating one demo user per role")
    d.bootstrap(*DEMO_USERS["admin"])
    with _as(d, "admin") as admin:
        for role, (user, password) in DEMO_USERS.items():
            if role != "admin":
                admin.users.add(user, role, password)


def _case(d: Docket) -> str:
    with _as(d, "analyst") as analyst:
        for case in analyst.cases.list():
            if case.title == CASE_TITLE and case.status == "open":
                return case.case_id
        _step("opening the demo case (analyst) and approving it (supervisor)")
        case_id = analyst.cases.open(CASE_TITLE, "criminal-investigation", "DEMO-WARRANT-0001")
    with _as(d, "supervisor") as supervisor:
        supervisor.cases.approve(case_id)
    return case_id


def run(people: int, seed: int) -> None:
    make_private()
    home = settings.home()
    world = home / f"world-{people}-{seed}"
    console.rule("[bold]Docket demo")
    if not (world / "truth" / "mentions.csv").exists():
        _step(f"generating a synthetic world of {people:,} people in {world}")
        generate(world, people, seed, date(2026, 1, 1), 90)
    with Docket(home) as d:
        console.print(f"store: {d.db_path}", highlight=False)
        _users(d)
        with _as(d, "admin") as admin:
            _step("ingesting every source (admin)")
            report = admin.ingest([str(world / "sources")])
            console.print(
                f"  {len(report.results)} files, {report.rows_stored:,} rows stored",
                highlight=False,
            )
            _step("resolving person mentions into entities (admin)")
            summary = admin.resolve(progress=True)
            console.print(
                f"  {summary.mentions:,} mentions → {summary.entities:,} entities",
                highlight=False,
            )
        case_id = _case(d)
        out = home / "entities.csv"
        with _as(d, "analyst") as analyst:
            _step(f"exporting the entities for {case_id} (analyst) to {out}")
            done = analyst.export.entities(case=case_id, why="demo: the resolved world", out=out)
            console.print(f"  {done.count:,} entities written", highlight=False)
        with _as(d, "auditor") as auditor:
            verdict = auditor.audit.verify()
            _step(f"audit trail: {'intact' if verdict.ok else 'BROKEN'}, {verdict.rows} rows")
    table = Table(title="Demo users (synthetic store only)")
    for col in ("role", "user", "password"):
        table.add_column(col)
    for role, (user, password) in DEMO_USERS.items():
        table.add_row(role, user, password)
    console.print(table)
    console.print(
        f"Demo case: [bold]{case_id}[/]. Try, as the analyst:\n"
        f"  export DOCKET_HOME={home} DOCKET_USER=demo-analyst "
        f"DOCKET_PASSWORD=analyst-demo-pass\n"
        f"  .venv/bin/docket export entities --case {case_id} --why 'demo'\n"
        f"  .venv/bin/docket explain MENTION_A MENTION_B --case {case_id} --why 'demo'\n"
        f"Stories planted in the world: {world / 'truth' / 'stories.json'}",
        highlight=False,
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m docket.demo", description=__doc__)
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    ns = parser.parse_args(argv)
    run(ns.people, ns.seed)


if __name__ == "__main__":
    main()
