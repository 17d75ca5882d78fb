"""The authorisation matrix: every role × every read and write action, as the CLI answers it.

Roles (see tests/conftest.py): admin `adm`, analyst `ana` and supervisor `sup` (members of
the case), auditor `aud`, analyst `outsider` and supervisor `sup2` (not members).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from docket.errors import AccessError, Forbidden, InputError, NotAuthenticated
from docket.governance import audit
from docket.governance.gate import person_data
from tests.conftest import Governed, open_store
from tests.governance import _world as w

ROLES = ("admin", "analyst", "supervisor", "auditor", "outsider", "supervisor2")
ENTITY = "P00000000abcd"


@dataclass
class Ctx:
    g: Governed
    n: int = 0

    def new_name(self) -> str:
        self.n += 1
        return f"new{self.n}"

    def new_member(self) -> str:
        name = self.new_name()
        with self.g.session("admin") as adm:
            adm.users.add(name, "analyst", "a-new-password")
        return name

    def pending_case(self) -> str:
        with self.g.session("analyst") as ana:
            return ana.cases.open("t", "fraud", "R-1")

    def entry(self) -> str:
        with self.g.session("analyst") as ana:
            return ana.watchlist.add(
                case=self.g.case, criteria={"phone": "13812345678"}, warrant="WR",
                authority="court",
            )  # fmt: skip


Argv = Callable[[Ctx], list[str]]
READERS_IN_CASE = {"analyst", "supervisor"}

# action → (argv for one attempt, roles that are allowed)
MATRIX: dict[str, tuple[Argv, set[str]]] = {
    # reads of person data
    "watchlist list": (lambda c: ["watchlist", "list"], READERS_IN_CASE),
    "export mentions": (lambda c: ["export", "mentions", "--format", "csv"], READERS_IN_CASE),
    "export entities": (lambda c: ["export", "entities"], READERS_IN_CASE),
    "export quarantine": (lambda c: ["export", "quarantine"], READERS_IN_CASE),
    # case work
    "case open": (
        lambda c: ["case", "open", "T", "--basis", "fraud", "--ref", "R"],
        {"analyst", "supervisor", "outsider", "supervisor2"},
    ),
    "case approve": (
        lambda c: ["case", "approve", c.pending_case()],
        {"supervisor", "supervisor2"},
    ),
    "case add-member": (
        lambda c: ["case", "add-member", c.g.case, c.new_member()],
        {"analyst", "supervisor", "supervisor2"},
    ),
    "case link": (lambda c: ["case", "link", c.g.case, ENTITY, "--as", "witness"], READERS_IN_CASE),
    "case hold": (lambda c: ["case", "hold", c.g.case], {"supervisor", "supervisor2"}),
    "case list": (
        lambda c: ["case", "list"],
        {"analyst", "supervisor", "outsider", "supervisor2", "auditor"},
    ),
    "case show": (
        lambda c: ["case", "show", c.g.case],
        {"analyst", "supervisor", "supervisor2", "auditor"},
    ),
    "watchlist add": (
        lambda c: [
            "watchlist",
            "add",
            "--phone",
            "13812345678",
            "--warrant",
            "W",
            "--authority",
            "A",
        ],
        READERS_IN_CASE,
    ),
    "judge": (lambda c: ["judge", "hotel:1", "hotel:2", "different"], READERS_IN_CASE),
    "watchlist approve": (
        lambda c: ["watchlist", "approve", c.entry()],
        {"supervisor", "supervisor2"},
    ),
    # administration
    "user add": (
        lambda c: ["user", "add", c.new_name(), "--role", "analyst", "--password-env", "NEWPW"],
        {"admin"},
    ),
    "user list": (lambda c: ["user", "list"], {"admin", "auditor"}),
    "user disable": (lambda c: ["user", "disable", "sup2"], {"admin"}),
    "purge": (lambda c: ["purge", "--dry-run"], {"admin"}),
    "sources": (lambda c: ["sources"], {"admin"}),
    "resolve": (lambda c: ["resolve"], {"admin"}),
    # oversight
    "audit show": (lambda c: ["audit", "show"], {"auditor"}),
    "report subject": (lambda c: ["report", "subject", ENTITY], {"auditor"}),
}


def _exists(argv: list[str]) -> bool:
    import typer.main

    from docket.cli import app

    group = typer.main.get_command(app)
    for part in argv:
        commands = getattr(group, "commands", None)
        if commands is None:
            return True
        if part not in commands:
            return False
        group = commands[part]
    return True


@pytest.mark.parametrize("action", sorted(MATRIX))
def test_role_matrix(action, governed, cli, monkeypatch) -> None:
    argv_of, allowed = MATRIX[action]
    assert _exists(action.split()), f"`docket {action}` is in the matrix but not registered"
    monkeypatch.setenv("NEWPW", "a-new-password")
    con = open_store()
    w.source(con, "hotel", "h1", w.days_ago(1), None)
    w.mention(con, "hotel:1", "h1", w.days_ago(1), name_raw="Zhang Wei")
    w.mention(con, "hotel:2", "h1", w.days_ago(1), name_raw="Wang Fang")
    w.entity(con, ENTITY, ["hotel:1"])
    w.entity(con, "P00000000beef", ["hotel:2"])
    con.close()
    ctx = Ctx(governed)
    outcomes = {}
    for role in ROLES:
        argv = argv_of(ctx)
        r = cli(*argv, env={**governed.env(role), "NEWPW": "a-new-password"})
        assert "Traceback" not in r.stderr + r.stdout
        outcomes[role] = r.code
        user = governed.users[role]
        con = open_store()
        last = [  # the command's own row: not the one-off login and logout around it
            r
            for r in audit.show(con, user=user, limit=5)
            if not (r.action.startswith("auth.") and r.outcome == "ok")
        ]
        con.close()
        if role in allowed:
            assert r.code == 0, f"{role} should be allowed `docket {' '.join(argv)}`: {r.stderr}"
        else:
            assert r.code == 3, f"{role} must be refused `docket {' '.join(argv)}`: {r.stdout}"
            assert "refused" in r.stderr
            assert last and last[-1].outcome == "refused", f"refusal of {role} is not audited"
    assert {r for r, code in outcomes.items() if code == 0} == allowed


def test_person_data_gate_refusals_name_the_reason(governed, con) -> None:
    g = governed

    def read(who: str | None, case: str | None, why: str | None) -> Any:
        token = g.token(who, con) if who else None
        return person_data(con, token=token, action="profile", case=case, why=why)

    for who, reason in (
        ("admin", "separation of duties"),
        ("auditor", "separation of duties"),
        ("outsider", "not a member"),
    ):
        with pytest.raises(Forbidden, match=reason), read(who, g.case, "curious"):
            pass
    with pytest.raises(Forbidden, match="needs a justification"), read("analyst", g.case, "   "):
        pass
    with pytest.raises(Forbidden, match="needs a case"), read("analyst", None, "x"):
        pass
    with pytest.raises(InputError, match="no case"), read("analyst", "C-9999", "x"):
        pass
    with g.session("analyst") as ana:
        pending = ana.cases.open("t", "fraud", "R-1")
    with pytest.raises(Forbidden, match="awaiting approval"), read("analyst", pending, "x"):
        pass
    with g.session("supervisor") as sup:
        sup.cases.close(g.case)
    with pytest.raises(Forbidden, match="closed"), read("analyst", g.case, "x"):
        pass
    with pytest.raises(NotAuthenticated), read(None, g.case, "x"):
        pass
    refused = [r for r in audit.show(con, action="profile", limit=100)]
    assert len(refused) == 9 and {r.outcome for r in refused} == {"refused"}
    assert refused[0].user == "adm" and "separation of duties" in (refused[0].detail or "")


def test_reads_stop_at_the_review_date_until_a_supervisor_reviews(governed, cli, con) -> None:
    con.execute(
        "UPDATE cases SET review_date = current_date - 1 WHERE case_id = ?", [governed.case]
    )
    r = cli("watchlist", "list", env=governed.env("analyst"))
    assert r.code == 3 and "due for review" in r.stderr
    assert cli("case", "review", governed.case, env=governed.env("analyst")).code == 3
    r = cli("case", "review", governed.case, env=governed.env("supervisor2"))
    assert r.code == 0, r.stderr
    assert cli("watchlist", "list", env=governed.env("analyst")).code == 0


def test_approver_is_not_the_opener(governed) -> None:
    with governed.session("supervisor") as sup:
        case = sup.cases.open("t", "missing-person", "MP-1")
        with pytest.raises(Forbidden, match="another supervisor"):
            sup.cases.approve(case)
    with governed.session("supervisor2") as sup2:
        sup2.cases.approve(case)
        with pytest.raises(Forbidden, match="not awaiting approval"):
            sup2.cases.approve(case)


def test_only_readers_can_be_members(governed) -> None:
    with governed.session("supervisor") as sup:
        for user in ("adm", "aud"):
            with pytest.raises(AccessError, match="only analysts and supervisors"):
                sup.cases.add_member(governed.case, user)


def test_open_prints_the_case_id_alone_on_its_last_line(governed, cli) -> None:
    r = cli("case", "open", "Missing hiker", "--basis", "missing-person", "--ref", "MP-7",
            env=governed.env("analyst"))  # fmt: skip
    assert r.code == 0 and r.lines[-1] == "C-0002"
    r = cli("case", "show", "C-0002", env=governed.env("analyst"))
    assert "pending" in r.stdout and "ana" in r.stdout
