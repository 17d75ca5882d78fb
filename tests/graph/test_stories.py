"""The planted stories of a 20,000-person world, recovered through the CLI by an analyst on
an approved case (docs/synth.md, "Planted stories")."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest

from tests.graph.conftest import StoryWorld

Cli = Callable[..., Any]
pytestmark = pytest.mark.slow


def read(cli: Cli, world: StoryWorld, *args: str) -> dict[str, Any]:
    r = cli(*args, "--format", "json", env=world.governed.env("analyst"))
    assert r.code == 0, r.stderr
    return json.loads(r.stdout)


def test_the_ring_is_one_community_and_every_mule_pays_the_collector(cli, world) -> None:
    ring = world.stories["money_mule_ring"]
    collector = world.entity(ring["collector_uid"])
    members = {world.entity(u) for u in ring["person_uids"]}
    assert len(members) == 6
    found = read(cli, world, "graph", "communities", "--around", collector)
    holding = [
        c for c in found["communities"] if collector in {m["entity_id"] for m in c["members"]}
    ]
    assert members <= {m["entity_id"] for m in holding[0]["members"]}

    for subject in sorted(members):  # the same over the case's subjects
        r = cli("case", "link", world.governed.case, subject, "--as", "suspect",
                env=world.governed.env("analyst"))  # fmt: skip
        assert r.code == 0, r.stderr
    found = read(cli, world, "graph", "communities")
    groups = [{m["entity_id"] for m in c["members"]} for c in found["communities"]]
    assert any(members <= g for g in groups), groups

    for mule in sorted(members - {collector}):
        p = read(cli, world, "graph", "path", mule, collector, "--kind", "paid", "--k", "1")
        hops = p["paths"][0]["hops"]
        assert [h["kinds"] for h in hops] == [["paid"]]
        events = [x for e in hops[0]["edges"] for x in e["event_ids"]]
        assert len(events) >= 5 and all(x.startswith("bank_transfers:") for x in events)


def test_the_wanted_persons_trajectory_visits_the_storys_cities_in_order(cli, world) -> None:
    story = world.stories["wanted_person"]
    t = read(cli, world, "trajectory", world.entity(story["person_uids"][0]))
    visited: list[str] = []
    for p in t["points"]:
        region = (p["region_code"] or "")[:4]
        if p["place_kind"] == "Hotel" and (not visited or visited[-1] != region):
            visited.append(region)
    assert visited == [c[:4] for c in story["cities"][1:]]
    assert all(p["event_id"].count(":") == 1 for p in t["points"])
    geo = cli("trajectory", world.entity(story["person_uids"][0]), "--format", "geojson",
              env=world.governed.env("analyst"))  # fmt: skip
    doc = json.loads(geo.stdout)
    assert (
        doc["type"] == "FeatureCollection"
        and doc["features"][-1]["geometry"]["type"] == "LineString"
    )


def test_the_rings_holders_travelling_on_one_booking_colocate(cli, world) -> None:
    ring = world.stories["money_mule_ring"]
    members = [world.entity(u) for u in ring["person_uids"]]
    for who in members:
        found = read(cli, world, "colocate", who)
        companions = {c["entity_id"]: c for c in found["companions"]}
        for other in set(members) - {who}:
            kinds = {m["event_kind"] for m in companions[other]["meetings"]}
            assert {"Trip", "Stay"} <= kinds, (who, other, kinds)


def test_the_missing_persons_last_places_come_out(cli, world) -> None:
    story = world.stories["missing_person"]
    who = world.entity(story["person_uids"][0])
    points = read(cli, world, "trajectory", who)["points"]
    last = points[-1]
    seen = datetime.fromisoformat(story["last_seen_time"]) - timedelta(hours=8)  # local → UTC
    assert last["place_kind"] == "Camera"
    assert last["region_code"][:4] == story["last_seen_city"][:4]
    assert datetime.fromisoformat(last["at"]).replace(tzinfo=None) == seen
    hotel = [p for p in points if p["place_kind"] == "Hotel"][-1]
    assert hotel["region_code"][:4] == story["last_seen_city"][:4] and hotel["until"] is None

    found = read(cli, world, "colocate", who, "--since", hotel["at"][:10])
    places = {m["place_id"] for c in found["companions"] for m in c["meetings"]}
    assert hotel["place_id"] in places


def test_an_update_with_late_records_equals_a_rebuild(world) -> None:
    from docket.store import connect
    from tests.graph import _store as s

    con = connect(world.db)
    try:
        full = s.tables(con, rebuild=True)
        late = [e for (e,) in con.execute(
            "SELECT event_id FROM events WHERE hash(event_id) % 40 = 0 "
            "OR event_id IN (SELECT unnest(?::VARCHAR[]))",
            [[f"{r['source']}:{r['record_key']}" for r in
              world.stories["money_mule_ring"]["records"]]],
        ).fetchall()]  # fmt: skip
        holders = [m for (m,) in con.execute(
            "SELECT mention_id FROM holdings WHERE hash(mention_id) % 100 = 0"
        ).fetchall()]  # fmt: skip
        assert len(late) > 1000 and len(holders) > 100
        s.hold_back(con, late, holders)
        s.graph(con)
        assert s.tables(con, rebuild=False) != full
        s.restore(con)
        s.update(con, events=late, mentions=holders)
        assert s.tables(con, rebuild=False) == full
    finally:
        con.close()
