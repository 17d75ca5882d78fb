"""The graph commands through the gate: refused and audited without a case or a reason,
audited with every entity id shown when granted; their JSON names entities and events."""

from __future__ import annotations

import json

import pytest

from docket.governance import audit
from tests.conftest import open_store
from tests.graph import _store as s


@pytest.fixture
def small(governed, con):
    s.build(con)
    s.graph(con)
    con.execute("CHECKPOINT")
    governed.link_everyone()
    return governed


def _last(n: int = 1):
    """The last n audit rows of graph reads (a command's login and logout come around them)."""
    c = open_store()
    try:
        return [r for r in audit.show(c, limit=50) if r.action.startswith("graph.")][-n:]
    finally:
        c.close()


@pytest.mark.parametrize("missing", ["DOCKET_CASE", "DOCKET_WHY"])
def test_a_graph_read_without_case_or_reason_is_refused_and_audited(small, cli, missing) -> None:
    env = {**small.env("analyst"), missing: ""}
    r = cli("graph", "neighbours", s.ALICE, env=env)
    assert r.code == 3, r.stdout + r.stderr
    row = _last()[0]
    assert (row.action, row.outcome) == ("graph.neighbours", "refused")


def test_a_granted_read_is_audited_with_the_entities_it_showed(small, cli) -> None:
    r = cli("graph", "neighbours", s.OLD, "--hops", "2", "--format", "json",
            env=small.env("analyst"))  # fmt: skip
    assert r.code == 0, r.stderr
    shown = json.loads(r.stdout)
    assert shown["start"] == s.ALICE  # the redirect was followed
    people = {n["id"] for n in shown["nodes"] if n["kind"] == "Person"}
    assert people == {s.ALICE, s.BOB, s.CAROL}
    row = _last()[0]
    assert (row.action, row.outcome, row.case) == ("graph.neighbours", "ok", small.case)
    assert people <= set(json.loads(row.objects))
    assert row.result_count == len(shown["nodes"])
    called = [e for e in shown["edges"] if e["kind"] == "called" and e["source"] == s.ALICE]
    assert called == [{**called[0], "target": s.BOB, "shared": True, "event_ids": ["cdr:1"]}]


def test_colocate_and_trajectory_name_events_by_source_and_record_key(small, cli) -> None:
    r = cli("colocate", s.ALICE, "--format", "json", env=small.env("analyst"))
    assert r.code == 0, r.stderr
    found = {c["entity_id"]: c for c in json.loads(r.stdout)["companions"]}
    assert set(found) == {s.BOB, s.DAVE}  # bob: the train and the hotel; dave: the train
    assert {m["event_kind"] for m in found[s.BOB]["meetings"]} == {"Trip", "Stay", "Call"}
    assert [m["other_event_id"] for m in found[s.DAVE]["meetings"]] == ["rail:d1"]
    row = _last()[0]
    assert {s.ALICE, s.BOB, s.DAVE} <= set(json.loads(row.objects))

    r = cli("trajectory", s.ALICE, "--since", "2026-01-03", "--format", "json",
            env=small.env("analyst"))  # fmt: skip
    points = json.loads(r.stdout)["points"]
    assert [p["event_id"] for p in points] == ["rail:a1", "rail:a1", "hotel:a1"]
    assert {p["source"] for p in points} == {"rail", "hotel"}


def test_paths_name_the_kind_and_events_of_each_hop(small, cli) -> None:
    r = cli("graph", "path", s.CAROL, s.BOB, "--format", "json", env=small.env("analyst"))
    assert r.code == 0, r.stderr
    found = json.loads(r.stdout)["paths"]
    assert found[0]["nodes"] == [s.CAROL, s.BOB]
    assert found[0]["hops"][0]["kinds"] == ["called"]
    assert found[1]["nodes"] == [s.CAROL, s.ALICE, s.BOB]
    r = cli("graph", "path", s.CAROL, s.BOB, "--kind", "nonsense", env=small.env("analyst"))
    assert r.code == 2 and "unknown edge kind" in r.stderr
