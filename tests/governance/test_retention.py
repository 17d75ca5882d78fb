"""Purge removes what retention says must go, keeps what a legal hold keeps, and says so."""

from __future__ import annotations

import json
from typing import Any

import duckdb
import pytest

from docket.governance import audit, retention
from docket.governance.handles import Operation
from docket.store.entities import current_id, cursor_query
from tests.conftest import as_admin, open_store
from tests.governance import _world as w


@pytest.fixture
def world(governed) -> str:
    """hotel (expired), telecom (fresh), registry (kept until purged by hand).

    P1 = hotel:1 (suspect under a legal hold), P2 = hotel:2 only, P3 = hotel:3 + telecom:1,
    P4 = registry:1. Returns the held case id.
    """
    con = open_store()
    w.source(con, "hotel", "h1", w.days_ago(400), 365)
    w.source(con, "telecom", "t1", w.days_ago(10), 365)
    w.source(con, "registry", "r1", w.days_ago(2000), None)
    for m in ("hotel:1", "hotel:2", "hotel:3"):
        w.mention(con, m, "h1", w.days_ago(400), name_raw=m)
    w.mention(con, "telecom:1", "t1", w.days_ago(10))
    w.mention(con, "registry:1", "r1", w.days_ago(2000))
    w.entity(con, "P000000000001", ["hotel:1"])
    w.entity(con, "P000000000002", ["hotel:2"])
    w.entity(con, "P000000000003", ["hotel:3", "telecom:1"])
    w.entity(con, "P000000000004", ["registry:1"])
    w.thing(con, "Hotel:A", "hotel")
    w.thing(con, "Hotel:B", "hotel")
    w.thing(con, "Phone:+8613800000002", "hotel")
    w.thing(con, "Phone:+8613800000009", "telecom")
    w.event(con, "hotel:e1", "h1", ["hotel:1", "hotel:2"], place="Hotel:A")
    w.event(con, "hotel:e2", "h1", ["hotel:2"], place="Hotel:B")
    w.holding(con, "hotel:2", "Phone:+8613800000002")
    w.holding(con, "telecom:1", "Phone:+8613800000009")
    con.execute(
        "INSERT INTO match_evidence VALUES ('hotel:2', 'hotel:3', 'probabilistic', 'v1', 3.0, [])"
    )
    con.execute("INSERT INTO quarantine VALUES ('hotel', 'hotel.csv', 9, '{}', 'bad date', ?)",
                [w.days_ago(400)])  # fmt: skip
    con.close()
    with governed.session("analyst") as ana:
        ana.cases.link(governed.case, "P000000000001", "suspect")
    with governed.session("supervisor") as sup:
        sup.cases.hold(governed.case, "trial pending")
    return governed.case


def _purge(con: duckdb.DuckDBPyConnection, **kw: Any) -> retention.PurgeReport:
    with as_admin(con, action="purge") as op:
        return retention.purge(op, **kw)


def test_dry_run_counts_and_changes_nothing(world, con) -> None:
    before = w.counts(con)
    rep = _purge(con, dry_run=True)
    assert w.counts(con) == before
    assert rep.expired_files == ["hotel:h1"]
    assert rep.removed["mentions"] == 2  # hotel:2, hotel:3; hotel:1 is held
    assert rep.kept_by_hold == {"mentions": 1, "events": 1}
    assert rep.removed["events"] == 1 and rep.removed["things"] == 2
    assert rep.entities_unsupported == 1  # P2


def test_purge_removes_expired_data_and_keeps_the_hold(world, con) -> None:
    seen: list[set[str]] = []

    def resolver(op: Operation) -> None:
        # The resolver still sees the old entity links, so it can leave redirects for them.
        rows = op.con.execute("SELECT mention_id FROM entity_mentions").fetchall()
        seen.append({r[0] for r in rows})

    rep = _purge(con, reresolve=resolver)
    assert rep.reresolved and seen == [{"hotel:1", "hotel:2", "hotel:3", "telecom:1", "registry:1"}]
    mentions = {r[0] for r in con.execute("SELECT mention_id FROM mentions").fetchall()}
    assert mentions == {"hotel:1", "telecom:1", "registry:1"}
    assert [r[0] for r in con.execute("SELECT event_id FROM events").fetchall()] == ["hotel:e1"]
    # The kept event keeps its held party only; the purged guest's participation is gone.
    assert con.execute("SELECT mention_id FROM event_parties").fetchall() == [("hotel:1",)]
    things = {r[0] for r in con.execute("SELECT thing_id FROM things").fetchall()}
    assert things == {"Hotel:A", "Phone:+8613800000009"}
    assert con.execute("SELECT count(*) FROM holdings").fetchall() == [(1,)]
    assert con.execute("SELECT count(*) FROM quarantine").fetchall() == [(0,)]
    assert con.execute("SELECT count(*) FROM match_evidence").fetchall() == [(0,)]


def test_purge_re_resolves_and_leaves_redirects(world, governed, cli) -> None:
    r = cli("purge", env=governed.env("admin"))  # the real docket.resolve pipeline runs
    assert r.code == 0 and "re-resolved" in r.stdout, r.stderr
    con = open_store()
    try:
        linked = {m for (m,) in con.execute("SELECT mention_id FROM entity_mentions").fetchall()}
        assert linked == {"hotel:1", "telecom:1", "registry:1"}
        gone = con.execute(
            "SELECT new_id, reason FROM entity_redirects WHERE old_id = 'P000000000002'"
        ).fetchall()
        assert gone == [(None, "removed")]
        # The suspect linked to the held case is still found under its new id.
        now = current_id(cursor_query(con), "P000000000001")
        assert now is not None
        assert con.execute(
            "SELECT mention_id FROM entity_mentions WHERE entity_id = ?", [now]
        ).fetchall() == [("hotel:1",)]
    finally:
        con.close()


def test_without_a_resolver_unsupported_entities_are_removed(world, con) -> None:
    rep = _purge(con)
    assert not rep.reresolved
    ids = {r[0] for r in con.execute("SELECT entity_id FROM entities").fetchall()}
    assert ids == {"P000000000001", "P000000000003", "P000000000004"}


def test_a_closed_case_keeps_nothing(world, governed, con) -> None:
    with governed.session("supervisor") as sup:
        sup.cases.close(governed.case)
    rep = _purge(con)
    assert rep.kept_by_hold == {"mentions": 0, "events": 0}
    assert con.execute("SELECT count(*) FROM mentions WHERE source = 'hotel'").fetchall() == [(0,)]


def test_purge_is_admin_only_and_audited_with_counts(world, governed, cli) -> None:
    for role in ("analyst", "supervisor", "auditor"):
        r = cli("purge", env=governed.env(role))
        assert r.code == 3 and "admin" in r.stderr
    r = cli("purge", "--dry-run", env=governed.env("admin"))
    assert r.code == 0, r.stderr
    assert "mentions\t2\t1" in r.stdout
    r = cli("purge", env=governed.env("admin"))
    assert r.code == 0, r.stderr
    con = open_store()
    rows = audit.show(con, action="purge", limit=10)
    assert con.execute("SELECT count(*) FROM mentions").fetchall() == [(3,)]
    con.close()
    assert [(x.action, x.outcome) for x in rows][-2:] == [("purge.dry-run", "ok"), ("purge", "ok")]
    last = rows[-1]
    assert last.user == "adm" and last.category == "erasure"
    params = json.loads(last.params)
    assert params["removed"]["mentions"] == 2 and params["kept_by_hold"]["mentions"] == 1
    assert json.loads(last.objects) == ["hotel:h1"]
    assert last.result_count == sum(params["removed"].values())
    # Nothing is left to purge the second time.
    r = cli("purge", "--dry-run", env=governed.env("admin"))
    assert "mentions\t0\t1" in r.stdout
