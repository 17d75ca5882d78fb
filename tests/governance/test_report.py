"""The subject report: what is held about a person, and who consulted it, why, for which case."""

from __future__ import annotations

from docket.governance.gate import person_data
from tests.conftest import open_store
from tests.governance import _world as w

OLD, NEW = "P0000000000a1", "P0000000000a2"


def _setup(governed) -> None:
    con = open_store()
    w.source(con, "hotel", "h1", w.days_ago(30), 180)
    w.source(con, "telecom", "t1", w.days_ago(5), None)
    w.mention(con, "hotel:1", "h1", w.days_ago(30))
    w.mention(con, "hotel:2", "h1", w.days_ago(30))
    w.mention(con, "telecom:1", "t1", w.days_ago(5))
    w.thing(con, "Phone:+8613800000001", "telecom")
    w.holding(con, "telecom:1", "Phone:+8613800000001")
    w.event(con, "hotel:e1", "h1", ["hotel:1"])
    w.entity(con, NEW, ["hotel:1", "telecom:1"])
    w.entity(con, "P0000000000zz", ["hotel:2"])
    w.redirect(con, OLD, NEW)  # OLD was merged into NEW
    con.close()


def test_subject_report_lists_holdings_and_every_consultation(governed, cli, monkeypatch) -> None:
    _setup(governed)
    con = open_store()
    ana, sup = governed.token("analyst", con), governed.token("supervisor", con)
    with person_data(con, token=ana, action="explain", case=governed.case,
                     why="identify the caller", objects=[OLD]) as pd:  # fmt: skip
        pd.result_count = 1
    with person_data(con, token=sup, action="profile", case=governed.case,
                     why="check the analyst's link",
                     objects=[NEW]) as pd:  # fmt: skip
        pd.result_count = 1
    with person_data(con, token=sup, action="export.entities", case=governed.case,
                     why="bulk") as pd:  # fmt: skip
        pd.result_count = 2
    with person_data(con, token=sup, action="profile", case=governed.case, why="someone else",
                     objects=["P0000000000zz"]) as pd:  # fmt: skip
        pd.result_count = 1
    con.close()
    with governed.session("auditor") as aud:
        rep = aud.audit.subject(OLD)
    assert rep.current == NEW and rep.ids == [OLD, NEW]
    by_source = {s.source: (s.mentions, s.holdings, s.event_parties, s.retention_days)
                 for s in rep.sources}  # fmt: skip
    assert by_source == {"hotel": (1, 0, 1, 180), "telecom": (1, 1, 0, None)}
    seen = [(r.user, r.action, r.justification) for r in rep.consultations]
    assert seen == [
        ("ana", "explain", "identify the caller"),
        ("sup", "profile", "check the analyst's link"),
        ("sup", "export.entities", "bulk"),
    ]

    r = cli("report", "subject", OLD, env=governed.env("auditor"))
    assert r.code == 0, r.stderr
    assert f"(now {NEW})" in r.stdout and "identify the caller" in r.stdout
    assert "hotel\t1\t0\t1" in r.stdout
    for role in ("admin", "analyst", "supervisor"):
        r = cli("report", "subject", OLD, env=governed.env(role))
        assert r.code == 3


def test_report_on_a_removed_entity_still_lists_consultations(governed, cli) -> None:
    con = open_store()
    w.source(con, "hotel", "h1", w.days_ago(1), None)
    w.mention(con, "hotel:1", "h1", w.days_ago(1))
    w.entity(con, "P0000000000b2", ["hotel:1"])
    w.redirect(con, "P0000000000b1", None)
    con.close()
    con = open_store()
    with person_data(con, token=governed.token("analyst", con), action="profile",
                     case=governed.case, why="x",
                     objects=["P0000000000b1"]):  # fmt: skip
        pass
    con.close()
    r = cli("report", "subject", "P0000000000b1", env=governed.env("auditor"))
    assert r.code == 0, r.stderr
    assert "no longer in the store" in r.stdout and "profile" in r.stdout
