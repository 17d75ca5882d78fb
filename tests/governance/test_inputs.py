"""Hostile and oversized input: a clear error or a harmless literal; no traceback, no change."""

from __future__ import annotations

import typing
from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from docket.errors import DocketError, InputError
from docket.governance import inputs
from docket.governance.gate import person_data
from tests.conftest import open_store
from tests.governance import _world as w
from tests.governance.test_gate_coverage import COMMANDS, READ, _commands

HOSTILE = [
    "'; DROP TABLE mentions; --",
    "x' OR '1'='1",
    'C-0001"; DELETE FROM audit_log; --',
    "P0000000000aa'); UPDATE users SET role='admin'; --",
    "ana\x00\x1b[31m",
    "[/bold][red]",
    "A" * 100_000,
]
_TABLES = ("mentions", "entities", "entity_mentions", "users", "cases", "case_members",
           "case_subjects", "watchlist", "sources")  # fmt: skip


def _snapshot() -> dict[str, Any]:
    con = open_store()
    try:
        return {
            t: con.execute(
                "SELECT count(*), "
                "md5(coalesce(string_agg(x::VARCHAR, '|' ORDER BY x::VARCHAR), '')) "
                f"FROM {t} x"
            ).fetchall()
            for t in _TABLES
        }
    finally:
        con.close()


@pytest.fixture
def data(governed) -> None:
    con = open_store()
    w.source(con, "hotel", "h1", w.days_ago(1), None)
    for i in range(3):
        w.mention(con, f"hotel:{i}", "h1", w.days_ago(1), name_raw="Zhang Wei",
                  name_pinyin="zhang wei", name_key="weizhang", family_name="zhang",
                  given_name="wei", birth_date=date(1990, 3, 7),
                  phone=f"+861380000000{i}")  # fmt: skip
    w.entity(con, "P0000000000aa", ["hotel:0", "hotel:1"])
    w.entity(con, "P0000000000bb", ["hotel:2"])
    con.close()


def _text_params(cmd: Any) -> list[Any]:
    """Parameters whose value is free text (str, or a list of str); not paths, flags, numbers."""
    out = []
    for p in cmd.params:
        ann = p.type_descriptor.annotation
        if ann is str or (typing.get_origin(ann) is list and typing.get_args(ann) == (str,)):
            out.append(p)
    return out


_VALID = {"--basis": "fraud", "--ref": "R-1", "--as": "witness", "--warrant": "W-1",
          "--authority": "court", "--phone": "13812345678"}  # fmt: skip


def _argv(command: str, cmd: Any, target: Any, value: str) -> list[str]:
    """The command with `target` set to `value` and every other required parameter valid."""
    argv = command.split()
    for p in cmd.params:
        if p.param_type_name == "argument":
            n = p.nargs if p.nargs > 0 else 1
            argv += [value if p is target else "P0000000000aa"] * n
        elif p is target:
            argv += [p.opts[0], value]
        elif p.required or (command == "watchlist add" and p.opts[0] == "--phone"):
            argv += [p.opts[0], _VALID.get(p.opts[0], "x")]
    return argv


# Commands whose every text parameter is attacked: all reads, plus a few others taking text.
ATTACKED = sorted({c for c, k in COMMANDS.items() if k == READ} | {
    "case open", "case show", "case link", "audit show", "report subject", "watchlist add",
})  # fmt: skip
_RUNS_AS = {"audit show": "auditor", "report subject": "auditor"}


@pytest.mark.parametrize("command", ATTACKED)
def test_text_parameters_survive_injection_and_oversize(command, data, governed, cli) -> None:
    cmds = _commands()
    assert command in cmds, f"`docket {command}` is attacked here but no longer registered"
    cmd = cmds[command]
    params = _text_params(cmd)
    assert params, f"{command} has no text parameter?"
    env = governed.env(_RUNS_AS.get(command, "analyst"))
    before = _snapshot()
    for p in params:
        for value in HOSTILE:
            r = cli(*_argv(command, cmd, p, value), env=env)
            shown = f"`docket {command}` {p.name}={value[:30]!r}"
            assert "Traceback" not in r.stderr + r.stdout, shown
            assert r.code in (0, 1, 2, 3), f"{shown}: exit {r.code}"
            if r.code != 0:
                assert r.stderr.startswith(("error:", "refused:")), f"{shown}: {r.stderr[:300]}"
            if len(value) > 1000:
                assert r.code in (2, 3), f"{shown}: an oversized value must be refused"
    if command not in ("case open", "case link", "watchlist add"):  # these create rows
        assert _snapshot() == before


def test_gate_refuses_hostile_case_and_why_and_changes_nothing(data, governed, con) -> None:
    token = governed.token("analyst", con)
    before = _snapshot()
    for value in HOSTILE:
        with (
            pytest.raises(DocketError),
            person_data(con, token=token, action="t", case=value, why="x"),
        ):
            pass
    for value in (HOSTILE[4], HOSTILE[-1]):  # control characters; 100,000 characters
        with (
            pytest.raises(InputError),
            person_data(con, token=token, action="t", case=governed.case, why=value),
        ):
            pass
    # Injection text is a harmless literal justification: stored as given.
    with person_data(con, token=token, action="t", case=governed.case, why=HOSTILE[0]) as pd:
        pd.result_count = 0
    assert _snapshot() == before
    last = con.execute("SELECT justification FROM audit_log ORDER BY seq DESC LIMIT 1").fetchall()
    assert last == [(HOSTILE[0],)]


@given(st.text(max_size=700))
def test_text_validation_never_fails_unexpectedly(value: str) -> None:
    try:
        out = inputs.text("--why", value)
    except InputError as exc:
        assert "--why" in str(exc)
        return
    assert 0 < len(out) <= inputs.MAX_TEXT and out == out.strip()
    assert all(c == " " or not c.isspace() for c in out)  # one line, plain spaces


@given(st.text(max_size=200))
def test_ids_are_either_valid_or_refused(value: str) -> None:
    for check in (inputs.case_id, inputs.entity_id, inputs.user_name, inputs.entry_id):
        try:
            out = check(value)
        except InputError:
            continue
        assert "'" not in out and ";" not in out and " " not in out


@pytest.mark.parametrize(
    "name", ["religion", "Ethnicity", "health_status", "sexualOrientation", "trade_union",
             "dna_profile", "宗教", "political_party", "biometric_hash"],
)  # fmt: skip
def test_no_field_name_can_name_a_special_category(name: str) -> None:
    with pytest.raises(InputError, match="special category"):
        inputs.check_field("--sort", name)


def test_ordinary_field_names_pass() -> None:
    assert inputs.check_field("--sort", "birth_date") == "birth_date"
    with pytest.raises(InputError, match="unknown field"):
        inputs.check_field("--sort", "shoe_size", ["birth_date", "name_key"])
