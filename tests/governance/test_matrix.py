"""The authorisation matrix: every role × every read and write action, as the CLI answers it.

Roles (see tests/conftest.py): admin `adm`, analyst `ana` and supervisor `sup` (members of
the case), auditor `aud`, analyst `outsider` and supervisor `sup2` (not members).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from docket.errors import AccessError, Forbidden, InputError, NotAuthenticated
from docket.governance import audit, cases, watchlist
from docket.governance.gate import person_data
from docket.governance.roles import Principal
from docket.store import connect
from tests.conftest import Governed
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
        from docket.governance import users

        con = connect()
        try:
            name = self.new_name()
            users.add(con, name, "analyst", "a-new-password", by="adm")
            return name
        finally:
            con.close()

    def pending_case(self) -> str:
        con = connect()
        try:
            return cases.open_case(con, Principal("ana", "analyst"), "t", "fraud", "R-1")
        finally:
            con.close()

    def entry(self) -> str:
        con = connect()
        try:
            return watchlist.add(
                con, Principal("ana", "analyst"), case=self.g.case, entity=None,
                criteria={"phone": "13812345678"}, warrant="WR", authority="court",
            )  # fmt: skip
        finally:
            con.close()


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
    con = connect()
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
        con = connect()
        last = audit.show(con, user=user, limit=1)
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
    governed.use("admin")
    with (
        pytest.raises(Forbidden, match="separation of duties"),
        person_data(con, action="profile", case=g.case, why="curious"),
    ):
        pass
    governed.use("auditor")
    with (
        pytest.raises(Forbidden, match="separation of duties"),
        person_data(con, action="profile", case=g.case, why="curious"),
    ):
        pass
    governed.use("outsider")
    with (
        pytest.raises(Forbidden, match="not a member"),
        person_data(con, action="profile", case=g.case, why="curious"),
    ):
        pass
    governed.use("analyst")
    with (
        pytest.raises(Forbidden, match="needs a justification"),
        person_data(con, action="profile", case=g.case, why="   "),
    ):
        pass
    with (
        pytest.raises(Forbidden, match="needs a case"),
        person_data(con, action="profile", case=None, why="x"),
    ):
        pass
    with (
        pytest.raises(InputError, match="no case"),
        person_data(con, action="profile", case="C-9999", why="x"),
    ):
        pass
    pending = cases.open_case(con, Principal("ana", "analyst"), "t", "fraud", "R-1")
    with (
        pytest.raises(Forbidden, match="awaiting approval"),
        person_data(con, action="profile", case=pending, why="x"),
    ):
        pass
    cases.close(con, Principal("sup", "supervisor"), g.case)
    with (
        pytest.raises(Forbidden, match="closed"),
        person_data(con, action="profile", case=g.case, why="x"),
    ):
        pass
    for name in ("DOCKET_USER", "DOCKET_PASSWORD"):
        governed._monkeypatch.delenv(name)  # type: ignore[union-attr]
    with pytest.raises(NotAuthenticated), person_data(con, action="profile", case=g.case, why="x"):
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


def test_approver_is_not_the_opener(governed, con) -> None:
    sup = Principal("sup", "supervisor")
    case = cases.open_case(con, sup, "t", "missing-person", "MP-1")
    with pytest.raises(Forbidden, match="another supervisor"):
        cases.approve(con, sup, case)
    cases.approve(con, Principal("sup2", "supervisor"), case)
    with pytest.raises(Forbidden, match="not awaiting approval"):
        cases.approve(con, Principal("sup2", "supervisor"), case)


def test_only_readers_can_be_members(governed, con) -> None:
    for user in ("adm", "aud"):
        with pytest.raises(AccessError, match="only analysts and supervisors"):
            cases.add_member(con, Principal("sup", "supervisor"), governed.case, user)


def test_open_prints_the_case_id_alone_on_its_last_line(governed, cli) -> None:
    r = cli("case", "open", "Missing hiker", "--basis", "missing-person", "--ref", "MP-7",
            env=governed.env("analyst"))  # fmt: skip
    assert r.code == 0 and r.lines[-1] == "C-0002"
    r = cli("case", "show", "C-0002", env=governed.env("analyst"))
    assert "pending" in r.stdout and "ana" in r.stdout
