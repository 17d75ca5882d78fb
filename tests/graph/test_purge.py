"""Purge leaves no graph row naming a purged event or holding."""

from __future__ import annotations

from typing import Any

from docket.governance.retention import PurgeReport, purge
from docket.graph import build_graph
from tests.conftest import as_admin
from tests.governance._world import days_ago, source
from tests.graph import _store as s


def _purge(con, **kw: Any) -> PurgeReport:
    with as_admin(con, action="purge") as op:
        return purge(op, **kw)


def _named(con, ids: list[str]) -> int:
    return int(
        con.execute(
            "SELECT (SELECT count(*) FROM graph_edges WHERE list_has_any(event_ids, ?)) + "
            "(SELECT count(*) FROM graph_whereabouts WHERE event_id IN (SELECT unnest(?))) + "
            "(SELECT count(*) FROM graph_spots WHERE event_id IN (SELECT unnest(?)))",
            [ids, ids, ids],
        ).fetchall()[0][0]
    )


def test_purging_a_source_removes_the_edges_and_places_it_gave(con) -> None:
    s.build(con)
    source(con, "hotel", s.SHA, days_ago(400), 365)  # expired
    source(con, "reg", s.SHA, days_ago(400), 365)  # expired: the holdings go too
    source(con, "rail", s.SHA, days_ago(1), 365)
    s.graph(con)
    gone = ["hotel:a1", "hotel:b1", "reg:a", "reg:b", "reg:c"]
    assert _named(con, gone) > 0
    report = _purge(con, reresolve=lambda op: None)  # no re-resolution: the generic rule alone
    assert report.removed["graph_edges"] > 0
    assert _named(con, gone) == 0
    kinds = {k for (k,) in con.execute("SELECT DISTINCT kind FROM graph_edges").fetchall()}
    assert "co-travelled" in kinds  # the rail tickets stay
    assert not kinds & {"co-stayed", "stayed at", "holds", "shares identifier"}


def test_the_graph_rebuilt_after_purge_loses_edges_through_purged_holdings(con) -> None:
    s.build(con)
    source(con, "reg", s.SHA, days_ago(400), 365)  # the subscriber and account records
    s.graph(con)
    _purge(con, reresolve=build_graph)  # as the session's purge ends
    kinds = {k for (k,) in con.execute("SELECT DISTINCT kind FROM graph_edges").fetchall()}
    assert not kinds & {"holds", "shares identifier"}
    assert {"co-travelled", "co-stayed"} <= kinds
    # with no holder on record, a call joins the two numbers, not the people
    assert con.execute(
        "SELECT DISTINCT node_kind, other_kind FROM graph_edges WHERE kind IN ('called', 'paid') "
        "ORDER BY ALL"
    ).fetchall() == [("BankAccount", "BankAccount"), ("Phone", "Phone")]
