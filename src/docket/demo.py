"""`make demo`: the main job end to end on the embedded default store.

Generates a synthetic world (once), creates one demo user per role and a demo
case, ingests every source as the admin, resolves, and prints what to try next.
It drives the real `docket` command line, so it is also a walk through the
operator's workflow. Everything lands under $DOCKET_HOME (default ./docket-data).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table

from docket import settings

console = Console()

# Demo credentials: synthetic users in a synthetic store, printed for the operator.
DEMO_USERS = {
    "admin": ("demo-admin", "admin-demo-pass"),
    "supervisor": ("demo-supervisor", "supervisor-demo-pass"),
    "analyst": ("demo-analyst", "analyst-demo-pass"),
    "auditor": ("demo-auditor", "auditor-demo-pass"),
}


def _docket(
    args: list[str], *, as_role: str | None = None, extra: dict[str, str] | None = None
) -> str:
    """Run `docket ARGS` as a demo user and return its standard output."""
    env = dict(os.environ)
    for key in ("DOCKET_USER", "DOCKET_PASSWORD", "DOCKET_CASE", "DOCKET_WHY"):
        env.pop(key, None)
    if as_role is not None:
        user, password = DEMO_USERS[as_role]
        env["DOCKET_USER"], env["DOCKET_PASSWORD"] = user, password
    env.update(extra or {})
    shown = " ".join(["docket", *args])
    console.print(f"[dim]$ {shown}[/]" + (f" [dim](as {as_role})[/]" if as_role else ""))
    proc = subprocess.run(
        [sys.executable, "-m", "docket.cli", *args],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
        check=False,
    )
    if proc.stdout:
        console.print(proc.stdout.rstrip(), highlight=False, markup=False)
    if proc.returncode != 0:
        console.print(f"[bold red]demo step failed[/] (exit {proc.returncode}): {shown}")
        sys.exit(proc.returncode)
    return proc.stdout


def _users_exist() -> bool:
    import duckdb

    from docket.store import connect

    con = connect()
    try:
        row = con.execute("SELECT count(*) FROM users").fetchone()
    except duckdb.CatalogException:
        return False
    finally:
        con.close()
    return bool(row and row[0])


def run(people: int, seed: int) -> None:
    home = settings.home()
    world = home / f"world-{people}-{seed}"
    console.rule("[bold]Docket demo")
    console.print(f"store: {settings.db_path()}   world: {world}")

    if not (world / "truth" / "mentions.csv").exists():
        _docket(["synth", "--people", str(people), "--seed", str(seed), "--out", str(world)])

    if not _users_exist():
        first = True
        for role, (user, password) in DEMO_USERS.items():
            env = {"DEMO_PASSWORD": password}
            _docket(
                ["user", "add", user, "--role", role, "--password-env", "DEMO_PASSWORD"],
                as_role=None if first else "admin",
                extra=env,
            )
            first = False

    _docket(["ingest", str(world / "sources")], as_role="admin")
    _docket(["resolve"], as_role="admin")

    out = _docket(
        [
            "case",
            "open",
            "Demo: wanted person travelling under varied spellings",
            "--basis",
            "criminal-investigation",
            "--ref",
            "DEMO-WARRANT-0001 (fictional)",
        ],
        as_role="analyst",
    )
    case_id = out.strip().splitlines()[-1].strip()
    _docket(["case", "approve", case_id], as_role="supervisor")

    why = "demo: look at the resolved world"
    _docket(
        ["export", "entities", "--out", str(home / "entities.csv"), "--format", "csv"],
        as_role="analyst",
        extra={"DOCKET_CASE": case_id, "DOCKET_WHY": why},
    )
    _docket(["audit", "verify"], as_role="auditor")

    table = Table(title="Demo users (synthetic store only)")
    table.add_column("role")
    table.add_column("user")
    table.add_column("password")
    for role, (user, password) in DEMO_USERS.items():
        table.add_row(role, user, password)
    console.print(table)
    console.print(
        f"Demo case: [bold]{case_id}[/]. Try, as the analyst:\n"
        f"  export DOCKET_HOME={home} DOCKET_USER=demo-analyst "
        f"DOCKET_PASSWORD=analyst-demo-pass\n"
        f"  .venv/bin/docket export entities --case {case_id} --why 'demo'\n"
        f"  .venv/bin/docket explain MENTION_A MENTION_B --case {case_id} --why 'demo'\n"
        f"Stories planted in the world: {world / 'truth' / 'stories.json'}"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m docket.demo", description=__doc__)
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    ns = parser.parse_args(argv)
    Path(settings.home()).mkdir(parents=True, exist_ok=True)
    run(ns.people, ns.seed)


if __name__ == "__main__":
    main()
