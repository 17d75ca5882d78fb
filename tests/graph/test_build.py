"""The edges, whereabouts and spots the model's declarations give on a small store."""

from __future__ import annotations

import duckdb
import pytest

from docket.errors import ModelError
from docket.schema import load_model
from docket.schema.loader import MODEL_DIR
from tests.graph import _store as s


def edges(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str, str], tuple]:
    """(source, target, kind) → (count, weight, shared, event_ids), each edge once."""
    rows = con.execute(
        "SELECT node, other, kind, count, weight, shared, event_ids FROM graph_edges "
        "WHERE direction = 'out' OR (direction = 'both' AND node < other)"
    ).fetchall()
    return {(a, b, k): (n, w, sh, ids) for a, b, k, n, w, sh, ids in rows}


@pytest.fixture
def built(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    s.build(con)
    s.graph(con)
    return con


def test_calls_join_every_holder_of_each_phone_and_mark_the_shared_line(built) -> None:
    e = edges(built)
    # alice and carol hold +861 (a household line): each gets the call, at half weight
    assert e[(s.ALICE, s.BOB, "called")] == (1, 0.5, True, ["cdr:1"])
    assert e[(s.CAROL, s.BOB, "called")] == (1, 0.5, True, ["cdr:1"])
    assert e[(s.BOB, s.ALICE, "called")] == (1, 0.5, True, ["cdr:2"])
    assert e[(s.ALICE, s.BOB, "paid")] == (1, 1.0, False, ["bank:1"])
    assert e[(s.ALICE, s.CAROL, "shares identifier")][3] == ["reg:a", "reg:c"]
    assert e[(s.ALICE, "Phone:+861", "holds")][:3] == (1, 1.0, True)
    assert e[(s.BOB, "BankAccount:Y", "holds")][:3] == (1, 1.0, False)


def test_co_travel_needs_the_booking_or_adjacent_seats_and_co_stay_weighs_the_room(built) -> None:
    e = edges(built)
    assert e[(s.ALICE, s.BOB, "co-travelled")] == (1, 1.0, False, ["rail:a1", "rail:b1"])
    assert not [k for k in e if s.DAVE in k[:2] and k[2] == "co-travelled"]  # another car
    # the same room: 0.5 × 4
    assert e[(s.ALICE, s.BOB, "co-stayed")] == (1, 2.0, False, ["hotel:a1", "hotel:b1"])
    assert e[(s.ALICE, "Station:S2", "travelled to")][0] == 1
    assert e[(s.ALICE, "Hotel:H1", "stayed at")][0] == 1


def test_no_edge_names_a_redirected_id_and_every_edge_is_listed_at_both_ends(built) -> None:
    assert built.execute(
        "SELECT count(*) FROM graph_edges WHERE node IN (SELECT old_id FROM entity_redirects) "
        "OR other IN (SELECT old_id FROM entity_redirects)"
    ).fetchall() == [(0,)]
    out = built.execute(
        "SELECT count(*) FROM graph_edges a JOIN graph_edges b ON a.node = b.other AND "
        "a.other = b.node AND a.kind = b.kind AND a.event_ids = b.event_ids"
    ).fetchall()[0][0]
    assert out == built.execute("SELECT count(*) FROM graph_edges").fetchall()[0][0]


def test_whereabouts_place_people_through_their_phones_and_tickets(built) -> None:
    rows = built.execute(
        "SELECT place_id, role, via, latitude IS NOT NULL FROM graph_whereabouts "
        "WHERE entity_id = ? ORDER BY start_at, role",
        [s.ALICE],
    ).fetchall()
    assert rows == [
        ("CellTower:T1", "tower", "Phone:+861", True),
        ("Station:S2", "destination", None, True),  # a region's centre: Changsha
        ("Station:S1", "origin", None, True),
        ("Hotel:H1", "place", None, True),
    ]
    # bob called from +862: the tower places bob, not alice, at 08:12
    assert built.execute(
        "SELECT count(*) FROM graph_whereabouts WHERE event_id = 'cdr:2' AND entity_id = ?",
        [s.ALICE],
    ).fetchall() == [(0,)]


def test_an_update_gives_the_tables_a_rebuild_gives(con) -> None:
    s.build(con)
    full = s.tables(con, rebuild=True)
    late_events = ["rail:b1", "hotel:b1", "cdr:2", "bank:1"]
    late_holdings = ["reg:c"]  # carol's share of the household line arrives late
    s.hold_back(con, late_events, late_holdings)
    s.graph(con)
    s.restore(con)
    s.update(con, events=late_events, mentions=late_holdings)
    assert s.tables(con, rebuild=False) == full


def test_a_between_edge_without_a_together_rule_is_a_model_error(tmp_path) -> None:
    import shutil

    from docket.graph.rules import all_facts

    for f in MODEL_DIR.iterdir():
        shutil.copy(f, tmp_path / f.name)
    events = (tmp_path / "events.yaml").read_text(encoding="utf-8")
    (tmp_path / "events.yaml").write_text(
        events.replace(
            "  together: {party: guest, same: [place], overlap: [startDate, endDate]}\n", ""
        ),
        encoding="utf-8",
    )
    with pytest.raises(ModelError, match="needs `together`"):
        all_facts(load_model(tmp_path), scoped=False)
    (tmp_path / "events.yaml").write_text(
        events.replace("when_any: [same bookingRef, adjacent seat]", "when_any: [near seat]"),
        encoding="utf-8",
    )
    with pytest.raises(ModelError, match=r"Trip\.edges\[1\]\.when_any\[0\]"):
        load_model(tmp_path)
