"""Nothing reads person data or changes the store outside the gate: every command, every
session operation and every function that touches the store is accounted for.

When this fails because you added a command or a function:
- classify a new command in COMMANDS below;
- a function that reads person data is decorated `@read_path("name")` and takes the
  PersonData handle of `gate.person_data` first; one that changes the store is decorated
  `@operation_path("name")` and takes the Operation handle of `gate.operation` first (its
  SQL runs on `op.con`); a helper that takes such a handle (and no connection) needs nothing;
- a step of a gated entry point that must work on a connection (the resolver's stages) is
  listed in INTERNAL with why; it may then be used only inside its own package.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer.main

import docket
from docket.errors import Forbidden, NotAuthenticated
from docket.governance import audit
from docket.governance.gate import OPERATION_PATHS, READ_PATHS, PersonData, operation, person_data
from docket.session.ops import OPS, arguments
from docket.store import ddl_statements
from tests.conftest import open_store

SRC = Path(docket.__file__).parent

READ, WRITE, ADMIN, OVERSIGHT, PUBLIC = "read", "write", "admin", "oversight", "public"
# Every `docket …` command: READ goes through person_data (analyst/supervisor, case, why);
# WRITE/ADMIN/OVERSIGHT go through operation (audited); PUBLIC reads no person data.
COMMANDS = {
    "version": PUBLIC,
    "synth": PUBLIC,  # generates a synthetic world into files; opens no store
    "serve": PUBLIC,  # the service; each request is authorised and audited on its own
    "login": PUBLIC,
    "logout": PUBLIC,
    "whoami": PUBLIC,
    "audit verify": PUBLIC,  # integrity check: reports row numbers, never row content
    "audit anchor": OVERSIGHT,
    "report grants": OVERSIGHT,
    "user approve": ADMIN,
    "case bulk-request": WRITE,
    "case bulk-approve": WRITE,
    "judge-confirm": WRITE,
    "case webhook": WRITE,
    "stream": WRITE,  # a feed delivers records; reads nothing
    "alerts": READ,
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

# Functions that touch the store on a connection without being gated themselves, with why.
# Each may be used only inside its own package (checked below), i.e. through the package's
# gated entry point.
_RESOLVE_STEP = "a stage of resolve(op) (admin's operation), on the operation's connection"
INTERNAL = {
    "governance.audit.record": "the audit trail itself: appends one row",
    "governance.auth.authenticate": "counts failed logins; audits every refusal",
    "governance.auth.open_session": "a login: stores the token's hash; audited",
    "governance.auth.revoke": "a logout; audited",
    "governance.users.bootstrap": "the first admin of an empty store; audited",
    "governance.users._insert": "users.add (operation path) and bootstrap",
    "governance.retention._stage": "a step of purge(op)",
    "governance.retention._conditions": "a step of purge(op)",
    "governance.retention._drop_dangling": "a step of purge(op)",
    "governance.retention._orphan_things_after": "a step of purge(op) (dry run, rolled back)",
    "governance.retention._clear_entities": "a step of purge(op)",
    "governance.retention._forget_the_gone": "a step of purge(op), after re-resolution",
    "governance.retention._held_entities": "a step of purge(op): entity ids under a hold",
    "store.migrations._stamp": "the store's upgrade on open, audited by store.db.connect",
    "governance.scope.current_scope": "entity ids in a case's scope, for the gate's handles",
    "governance.scope.encounter": "the gate adds what a read disclosed to the case's scope",
    "resolve.judgements.in_scope": "judge(op) and explain(pd): a reference in the case's scope",
    "resolve.judgements._valid_ids": "judge(op): do two people carry different valid IDs",
    "resolve.judgements.record": "judge(op): appends the judgement row",
    "resolve.profiles.build_profiles": _RESOLVE_STEP,
    "resolve.blocking.build_candidates": _RESOLVE_STEP,
    "resolve.deterministic.build_deterministic": _RESOLVE_STEP,
    "resolve.deterministic.build_confirmed_ids": _RESOLVE_STEP,
    "resolve.deterministic.attach_contacts": _RESOLVE_STEP,
    "resolve.ids.build_entities": _RESOLVE_STEP,
    "resolve.ids.build_redirects": _RESOLVE_STEP,
    "resolve.judgements.latest": _RESOLVE_STEP + ": the judgements in force",
    "resolve.judgements.to_mention": "a step of judge(op) and explain(pd), through a Query",
    "resolve.pipeline._run": _RESOLVE_STEP,
    "resolve.pipeline._prior": _RESOLVE_STEP,
    "resolve.pipeline._cluster": _RESOLVE_STEP,
    "resolve.pipeline._evidence": _RESOLVE_STEP,
    "resolve.pipeline._swap": _RESOLVE_STEP,
    "resolve.pipeline._recreate": _RESOLVE_STEP,
    "resolve.pipeline.compared_pairs": "evaluation of the last resolve (bench, tests)",
    "resolve.score.copy_profiles": _RESOLVE_STEP,
    "resolve.score.score_candidates": _RESOLVE_STEP,
    "resolve.explain._query": "explain(pd): runs through the handle",
    "resolve.explain._deterministic": "explain(pd): runs through the handle's Query",
    "resolve.explain._score": "explain(pd): runs through the handle's Query",
    "resolve.model.store": _RESOLVE_STEP + ": stores a trained model",
    "resolve.evaluate.evaluate": "accuracy against a ground-truth table (bench, tests)",
    "resolve.evaluate.load_truth": "loads ground truth into a scratch table (bench, tests)",
    "sources.export.mentions_query": "builds SQL text; run through a PersonData handle",
    **{
        f"graph.build.{f}": "a step of build_graph(op) / update_graph(op)"
        for f in (
            "_stage_holders",
            "_stage_events",
            "_stage_parties",
            "_stage_spots",
            "_stage_facts",
            "_stage_whereabouts",
            "_stage_scope",
            "_check_numbers",
            "_counts",
            "_record",
            "_node_rows",
            "_run",
            "_write",
        )
    },
    **{
        f"graph.rules.{f}": "builds SQL text that build_graph(op) / update_graph(op) runs"
        for f in ("party_facts", "pair_facts", "whereabouts_rows", "spot_rows", "_place")
    },
    "sources.compile.compile_plan": "builds SQL text that ingest_files(op) runs",
    "sources.compile._Compiler.mentions": "builds SQL text that ingest_files(op) runs",
    "sources.compile._Compiler.thing": "builds SQL text that ingest_files(op) runs",
    "sources.compile._Compiler.holdings": "builds SQL text that ingest_files(op) runs",
    "sources.compile._Compiler.events": "builds SQL text that ingest_files(op) runs",
    "sources.compile._Compiler.quarantine": "builds SQL text that ingest_files(op) runs",
    "sources.compile._Compiler.replace": "builds SQL text that ingest_files(op) runs",
    "sources.readers._json_columns": "stages a file in temporary tables for ingest_files(op)",
    "store.entities._walk": "entity ids through redirects, via the caller's Query",
    "sources.ingest._store": "a step of ingest_files(op)",
    "realtime.alerts._store": "a step of raise_alerts(op), in its caller's transaction",
    "realtime.attach._stage_new": "a step of attach(op)",
    "sources.ingest._write": "a step of ingest_files(op)",
    "sources.ingest._loaded": "a step of ingest_files(op)",
    "sources.ingest._prepare": "a step of ingest_files(op)",
}
# Modules outside a function's package allowed to use it anyway: the package's own tests
# and the benchmarks (tests/ and bench/ are not scanned).
_PERSON_TABLE = re.compile(
    r"\b(FROM|JOIN)\s+(mentions|entities|entity_mentions|events|event_parties|holdings|things|"
    r"match_evidence|quarantine|judgements|graph_nodes|graph_edges|graph_whereabouts|"
    r"graph_spots)\b",
    re.IGNORECASE,
)
_WRITE = re.compile(
    r"\b(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|DROP\s+TABLE|ALTER\s+TABLE|TRUNCATE|"
    r"CREATE\s+(?:OR\s+REPLACE\s+)?TABLE)\s+(?:IF\s+(?:NOT\s+)?EXISTS\s+)?(?:main\.)?"
    r"(\{|\"?\w+)",
    re.IGNORECASE,
)


def _store_tables() -> set[str]:
    found = re.findall(r"CREATE TABLE IF NOT EXISTS (\w+)", "\n".join(ddl_statements()))
    return {*found, "schema_version"}


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
        con = open_store()
        before = int(con.execute("SELECT count(*) FROM audit_log").fetchall()[0][0])
        con.close()
        r = cli(*argv, env=env)
        assert r.code == 3, (
            f"{who}: `docket {' '.join(argv)}` must be refused: {r.stdout}{r.stderr}"
        )
        assert "Traceback" not in r.stderr and not r.stdout.strip()
        con = open_store()
        new = [x for x in audit.show(con, limit=10) if x.seq > before]
        con.close()
        if who == "nobody":  # no credentials: refused before the store is asked anything
            assert "not logged in" in r.stderr and new == []
            continue
        own = [x for x in new if not (x.action.startswith("auth.") and x.outcome == "ok")]
        assert own and own[-1].outcome == "refused", f"{who}: refusal of {command} not audited"


def test_every_gated_function_refuses_without_a_live_handle(governed, con) -> None:
    _import_all()
    assert {"export.mentions", "watchlist.list"} <= set(READ_PATHS)
    assert {"resolve", "ingest", "purge", "judge", "case.open", "user.add"} <= set(OPERATION_PATHS)
    token = governed.token("analyst", con)
    with person_data(con, token=token, action="t", case=governed.case, why="coverage") as pd:
        pass
    with operation(con, token=token, action="t", roles=["analyst"]) as op:
        pass
    for registry, dead, needs in (
        (READ_PATHS, pd, "person_data"),
        (OPERATION_PATHS, op, "operation"),
    ):
        for _name, fn in sorted(registry.items()):
            for bad in ((con,), (dead,), ()):
                with pytest.raises(Forbidden, match=needs):
                    fn(*bad)  # a raw connection, a handle whose block ended, nothing
    with pytest.raises(Forbidden, match="has ended"):
        op.con.execute("SELECT 1")


def _functions() -> Iterator[tuple[str, str, ast.FunctionDef | ast.AsyncFunctionDef, str]]:
    """(module, qualified name, node, file source) of every function and method in src."""
    for path in sorted(SRC.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        module = ".".join(path.relative_to(SRC).with_suffix("").parts)

        def visit(node: ast.AST, prefix: str) -> Iterator[Any]:
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                    yield f"{prefix}{child.name}", child
                    yield from visit(child, f"{prefix}{child.name}.")
                elif isinstance(child, ast.ClassDef):
                    yield from visit(child, f"{prefix}{child.name}.")

        for qual, node in visit(ast.parse(source), ""):
            yield module, qual, node, source


def _handle_only(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Whether the function takes a PersonData or Operation handle and no connection."""
    notes = [
        ast.unparse(a.annotation) for a in node.args.args + node.args.kwonlyargs if a.annotation
    ]
    handle = any(n in ("PersonData", "Operation") for n in notes)
    return handle and not any("DuckDBPyConnection" in n for n in notes)


def _body(node: ast.FunctionDef | ast.AsyncFunctionDef, source: str) -> str:
    """The function's own text, without the functions nested in it (checked on their own)."""
    text = ast.get_source_segment(source, node) or ""
    for child in ast.walk(node):
        if child is not node and isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
            text = text.replace(ast.get_source_segment(source, child) or "", "")
    return text


def test_every_function_touching_the_store_is_gated_or_internal() -> None:
    """Reads of person tables and writes of store tables, in any function or method,
    public or private: gated (read/operation path), handle-only, or a listed internal step."""
    _import_all()
    gated = {
        fn.__module__.removeprefix("docket.") + "." + fn.__qualname__
        for fn in [*READ_PATHS.values(), *OPERATION_PATHS.values()]
    }
    tables = _store_tables()
    offenders = []
    for module, qual, node, source in _functions():
        name = f"{module}.{qual}"
        text = _body(node, source)
        writes = [t for t in _WRITE.findall(text) if t == "{" or t.strip('"') in tables]
        touches = writes or _PERSON_TABLE.search(text)
        if touches and name not in gated and name not in INTERNAL and not _handle_only(node):
            offenders.append(name)
    assert offenders == [], (
        f"{offenders} read person tables or change the store outside the gate; see {__file__}"
    )


def test_internal_steps_are_used_only_inside_their_package() -> None:
    """An INTERNAL step is reachable only through its package's gated entry point: no module
    of another package imports it or calls it on its module."""
    stale = [n for n in INTERNAL if not _exists(n)]
    assert stale == [], f"INTERNAL names functions that no longer exist: {stale}"
    front_door = {"record", "authenticate", "open_session", "revoke", "bootstrap"}
    for name in INTERNAL:
        package, *middle, fn = name.split(".")
        module = ".".join([package, *middle])
        if fn in front_door:
            continue  # logins and the trail itself: the front door (session, store) uses them
        for path in sorted(SRC.rglob("*.py")):
            rel = path.relative_to(SRC)
            if rel.parts[0] == package:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                imported = isinstance(node, ast.ImportFrom) and node.module == f"docket.{module}"
                if imported and fn in {a.name for a in node.names}:  # type: ignore[union-attr]
                    pytest.fail(f"{name} is internal to docket.{package}, but {rel} imports it")
                called = isinstance(node, ast.Attribute) and node.attr == fn
                if called and isinstance(node.value, ast.Name) and node.value.id == middle[-1]:
                    pytest.fail(f"{name} is internal to docket.{package}, but {rel} uses it")


def _exists(name: str) -> bool:
    parts = name.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj: Any = importlib.import_module("docket." + ".".join(parts[:i]))
        except ImportError:
            continue
        for attr in parts[i:]:
            obj = getattr(obj, attr, None)
            if obj is None:
                return False
        return True
    return False


def test_a_session_whose_login_ended_can_do_nothing(governed) -> None:
    """Every session operation re-checks the login: after logout, each one is refused."""
    with governed.session("analyst") as s:
        s.logout()
        for op in OPS:
            if op.name in ("logout",):
                continue
            kwargs = {a.name: _placeholder(a) for a in arguments(op) if a.default is inspect._empty}
            if op.stream:
                kwargs["out"] = governed.home / "never-written"
            target: Any = s
            for part in op.name.split("."):
                target = getattr(target, part)
            with pytest.raises(NotAuthenticated):
                target(**kwargs)
            assert not (governed.home / "never-written").exists()


def _placeholder(arg: Any) -> Any:
    text = str(arg.annotation)
    if "Sequence" in text or "list" in text:
        return ["x"]
    return "x"


def test_the_handle_runs_single_reads_only_and_expires(governed, con) -> None:
    token = governed.token("analyst", con)
    with person_data(con, token=token, action="t", case=governed.case, why="coverage") as pd:
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
