"""No read of person data bypasses the gate: every command and read path is accounted for.

When this fails because you added a command or a function that reads person data:
classify the command in COMMANDS below; put the read behind
`docket.governance.gate.person_data` and decorate the function `@read_path("name")`
(it then takes the PersonData handle as its first argument). Writers and administrative
functions that must read person tables to do their job are listed in WRITERS with why.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from pathlib import Path
from typing import Any

import pytest
import typer.main

import docket
from docket.errors import Forbidden
from docket.governance import audit
from docket.governance.gate import READ_PATHS, PersonData, person_data
from docket.store import connect

SRC = Path(docket.__file__).parent

READ, WRITE, ADMIN, OVERSIGHT, PUBLIC = "read", "write", "admin", "oversight", "public"
# Every `docket …` command: READ goes through person_data (analyst/supervisor, case, why);
# WRITE/ADMIN/OVERSIGHT go through operation (audited); PUBLIC reads no person data.
COMMANDS = {
    "version": PUBLIC,
    "synth": PUBLIC,  # generates a synthetic world into files; opens no store
    "login": PUBLIC,
    "logout": PUBLIC,
    "whoami": PUBLIC,
    "audit verify": PUBLIC,  # integrity check: reports row numbers, never row content
    "user add": ADMIN,
    "user disable": ADMIN,
    "user enable": ADMIN,
    "user list": ADMIN,
    "ingest": ADMIN,
    "sources": ADMIN,
    "quarantine": ADMIN,  # where and why rows were rejected, never their values
    "resolve": ADMIN,
    "purge": ADMIN,
    "case open": WRITE,
    "case approve": WRITE,
    "case add-member": WRITE,
    "case close": WRITE,
    "case link": WRITE,
    "case hold": WRITE,
    "case review": WRITE,
    "case list": WRITE,  # case metadata, audited
    "case show": WRITE,
    "watchlist add": WRITE,
    "watchlist approve": WRITE,
    "watchlist renew": WRITE,
    "judge": WRITE,
    "watchlist list": READ,
    "export mentions": READ,
    "export entities": READ,
    "export quarantine": READ,
    "explain": READ,
    "graph neighbours": READ,
    "graph path": READ,
    "graph communities": READ,
    "trajectory": READ,
    "colocate": READ,
    "audit show": OVERSIGHT,
    "report subject": OVERSIGHT,
}

# module.function → why it may read person tables without being a read path.
WRITERS = {
    "governance.entities.current_id": "entity ids only, for authorised callers",
    "governance.report.subject": "auditor's subject report, run under operation(auditor)",
    "governance.retention.purge": "erasure, run under operation(admin)",
    "graph.build.build_graph": "combination, inside `docket resolve` and purge (admin)",
    "graph.build.update_graph": "combination, for new records (the real-time intake)",
    "graph.rules.party_facts": "builds SQL text; run by build_graph / update_graph",
    "graph.rules.pair_facts": "builds SQL text; run by build_graph / update_graph",
    "graph.rules.whereabouts_rows": "builds SQL text; run by build_graph / update_graph",
    "graph.rules.spot_rows": "builds SQL text; run by build_graph / update_graph",
    "graph.neighbours.read_edges": "helper of graph read paths: needs their PersonData handle",
    "graph.start.start": "helper of graph read paths: needs their PersonData handle",
    "graph.start.names": "helper of graph read paths: needs their PersonData handle",
    "resolve.ids.build_entities": "combination, inside `docket resolve` (admin)",
    "resolve.ids.build_redirects": "combination, inside `docket resolve` (admin)",
    "resolve.ids.follow": "entity ids only (redirects)",
    "resolve.ids.current_id": "entity ids only (redirects)",
    "resolve.judgements.to_mention": "alteration, inside `docket judge` (case member)",
    "resolve.judgements.latest": "judgements for resolution (combination)",
    "resolve.profiles.build_profiles": "combination, inside `docket resolve` (admin)",
    "sources.cli.quarantine": "admin diagnostic: row numbers and problems, no values; audited",
    "sources.export.mentions_query": "builds SQL text; run through a PersonData handle",
}
_PERSON_TABLE = re.compile(
    r"\b(FROM|JOIN)\s+(mentions|entities|entity_mentions|events|event_parties|holdings|things|"
    r"match_evidence|quarantine|graph_nodes|graph_edges|graph_whereabouts|graph_spots)\b",
    re.IGNORECASE,
)


def _commands() -> dict[str, Any]:
    out: dict[str, Any] = {}

    def walk(prefix: str, group: Any) -> None:
        for name, cmd in group.commands.items():
            path = f"{prefix} {name}".strip()
            if hasattr(cmd, "commands"):
                walk(path, cmd)
            else:
                out[path] = cmd

    from docket.cli import app

    walk("", typer.main.get_command(app))
    return out


def _import_all() -> None:
    for mod in pkgutil.walk_packages([str(SRC)], "docket."):
        if not mod.name.endswith("__main__"):
            importlib.import_module(mod.name)


def test_every_command_is_classified() -> None:
    unclassified = sorted(set(_commands()) - set(COMMANDS))
    assert unclassified == [], (
        f"classify {unclassified} in {__file__}: does it read person data (READ: through "
        "person_data), write or administer (through operation), or neither (PUBLIC)?"
    )


def _dummy_args(cmd: Any) -> list[str]:
    """Required arguments and options filled with a harmless placeholder."""
    args: list[str] = []
    for p in cmd.params:
        if not p.required:
            continue
        if p.param_type_name == "argument":
            args += ["P0000000000aa"] * (p.nargs if p.nargs > 0 else 1)
        else:
            args += [p.opts[0], "P0000000000aa"]
    return args


READ_COMMANDS = sorted(c for c, kind in COMMANDS.items() if kind == READ)


@pytest.mark.parametrize("command", READ_COMMANDS)
def test_read_commands_go_through_the_gate(command, governed, cli) -> None:
    cmds = _commands()
    assert command in cmds, f"`docket {command}` is classified but no longer registered"
    argv = [*command.split(), *_dummy_args(cmds[command])]
    attempts = {
        "admin": governed.env("admin"),
        "auditor": governed.env("auditor"),
        "outsider": governed.env("outsider"),
        "no justification": {**governed.env("analyst"), "DOCKET_WHY": ""},
        "nobody": {},
    }
    for who, env in attempts.items():
        con = connect()
        before = int(con.execute("SELECT count(*) FROM audit_log").fetchall()[0][0])
        con.close()
        r = cli(*argv, env=env)
        assert r.code == 3, (
            f"{who}: `docket {' '.join(argv)}` must be refused: {r.stdout}{r.stderr}"
        )
        assert "Traceback" not in r.stderr
        con = connect()
        new = audit.show(con, limit=10)
        con.close()
        new = [x for x in new if x.seq > before]
        assert new and new[-1].outcome == "refused", f"{who}: refusal of {command} not audited"


def test_every_read_path_refuses_without_a_live_handle(governed, con) -> None:
    _import_all()
    assert {"export.mentions", "watchlist.list"} <= set(READ_PATHS)
    governed.use("analyst")
    with person_data(con, action="t", case=governed.case, why="coverage") as pd:
        pass
    for _name, fn in sorted(READ_PATHS.items()):
        with pytest.raises(Forbidden, match="needs the handle"):
            fn(con)  # a raw connection is not a handle
        with pytest.raises(Forbidden, match="needs the handle"):
            fn(pd)  # the block has ended: the handle is dead
        with pytest.raises(Forbidden, match="needs the handle"):
            fn()


def test_no_public_function_reads_person_tables_outside_the_gate() -> None:
    _import_all()
    guarded = {fn.__module__ + "." + fn.__name__ for fn in READ_PATHS.values()}
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        module = ".".join(path.relative_to(SRC).with_suffix("").parts)
        for node in ast.parse(source).body:
            if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
                continue
            name = f"{module}.{node.name}"
            body = ast.get_source_segment(source, node) or ""
            reads = _PERSON_TABLE.search(body) and f"docket.{name}" not in guarded
            if reads and name not in WRITERS:
                offenders.append(name)
    assert offenders == [], (
        f"{offenders} read person tables but are not @read_path functions; see {__file__}"
    )


def test_the_handle_runs_single_reads_only_and_expires(governed, con) -> None:
    governed.use("analyst")
    with person_data(con, action="t", case=governed.case, why="coverage") as pd:
        assert pd.sql("SELECT 'a; b' AS x").fetchall() == [("a; b",)]
        assert pd.relation("SELECT ? AS x", [1]).fetchall() == [(1,)]
        for bad in ("DELETE FROM mentions", "SELECT 1; DROP TABLE mentions",
                    "COPY mentions TO '/tmp/x.csv'", "CREATE TABLE t AS SELECT 1",
                    "ATTACH '/tmp/other.duckdb'"):  # fmt: skip
            with pytest.raises(Forbidden, match="read-only"):
                pd.sql(bad)
    with pytest.raises(Forbidden, match="expired"):
        pd.sql("SELECT 1")
    assert isinstance(pd, PersonData)
    assert con.execute("SELECT count(*) FROM mentions").fetchall() == [(0,)]
