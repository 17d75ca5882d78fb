"""The planted stories are in truth/stories.json and agree with the source files."""

from __future__ import annotations

from datetime import datetime, timedelta

import pyarrow.parquet as pq

from docket.synth import SynthSummary
from tests.synth.conftest import KEY, mentions, people, read_source, stories


def _rows(world: SynthSummary, story: dict) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for rec in story["records"]:
        out.setdefault(rec["source"], []).append(rec["record_key"])
    rows: dict[str, list[dict]] = {}
    for source, keys in out.items():
        wanted = set(keys)
        rows[source] = [r for r in read_source(world.out, source) if r[KEY[source]] in wanted]
        assert len(rows[source]) == len(wanted), f"{source}: a story record key is not in the file"
    return rows


def test_all_three_stories_are_planted(world: SynthSummary) -> None:
    s = stories(world.out)
    assert set(s) == {"wanted_person", "money_mule_ring", "missing_person"}
    uids = set(people(world.out)["person_uid"].to_pylist())
    for story in s.values():
        assert story["person_uids"] and set(story["person_uids"]) <= uids
        assert story["records"]


def test_wanted_person_travels_under_varied_spellings_with_a_relatives_phone(
    world: SynthSummary,
) -> None:
    story = stories(world.out)["wanted_person"]
    assert story["warrant_reference"].startswith("FICTIONAL-")
    uid = story["person_uids"][0]
    truth = next(p for p in people(world.out).to_pylist() if p["person_uid"] == uid)
    assert story["relative_phone"] not in truth["phones"]
    rows = _rows(world, story)
    hotels = rows["hotel_checkins"]
    assert len(hotels) >= 2
    spellings = {h["guest_name"] for h in hotels}
    assert truth["name"] not in spellings and len(spellings) == len(hotels)
    assert all(
        h["phone"].replace(" ", "").replace("+86", "").replace("86-", "") == story["relative_phone"]
        for h in hotels
    )
    who = {(m["source"], m["record_key"]): m["person_uid"] for m in mentions(world.out)}
    assert all(who["hotel_checkins", h["checkin_id"]] == uid for h in hotels)
    assert any(h["id_no"] != truth["id_number"] for h in hotels), "one ID with transposed digits"
    trips = rows.get("rail_tickets", []) + rows.get("air_manifests", [])
    assert len(trips) >= 2


def test_mule_accounts_receive_and_forward_within_hours_and_travel_together(
    world: SynthSummary,
) -> None:
    story = stories(world.out)["money_mule_ring"]
    tr = pq.read_table(world.out / "sources" / "bank_transfers.parquet").to_pylist()
    keys = {r["record_key"] for r in story["records"] if r["source"] == "bank_transfers"}
    ring = [t for t in tr if t["txn_id"] in keys]
    assert ring
    for mule in story["mule_accounts"]:
        ins = sorted(t["txn_time"] for t in ring if t["credit_account"] == mule)
        outs = sorted(t["txn_time"] for t in ring if t["debit_account"] == mule)
        assert ins and len(ins) == len(outs)
        for a, b in zip(ins, outs, strict=True):
            assert timedelta(0) < b - a <= timedelta(hours=8)
        assert all(
            t["credit_account"] == story["collector_account"]
            for t in ring
            if t["debit_account"] == mule
        )
    rows = _rows(world, story)
    legs = rows.get("air_manifests") or rows["rail_tickets"]
    booking = "PNR" if "air_manifests" in rows else "booking_ref"
    first_leg = [r for r in legs if r[booking] == legs[0][booking]]
    assert len(first_leg) == len(story["person_uids"]), "one booking for the whole ring"
    hotels = {h["hotel_id"] for h in rows["hotel_checkins"]}
    assert len(hotels) == 1


def test_missing_person_is_last_seen_by_a_camera_after_a_hotel_check_in(
    world: SynthSummary,
) -> None:
    story = stories(world.out)["missing_person"]
    uid = story["person_uids"][0]
    last = datetime.fromisoformat(story["last_seen_time"])
    rows = _rows(world, story)
    (hotel,) = rows["hotel_checkins"]
    assert hotel["checkout_time"] is None and hotel["hotel_city_code"] == story["last_seen_city"]
    checkin = datetime.strptime(hotel["checkin_time"], "%Y/%m/%d %H:%M")
    seen = [datetime.strptime(s["pass_time"], "%Y-%m-%d %H:%M:%S") for s in rows["plate_sightings"]]
    assert max(seen) == last > checkin
    assert all(s["plate"] == story["plate"] for s in rows["plate_sightings"])
    # Nothing about them after the last sighting: no hotel, trip, sighting, call or transfer.
    truth = next(p for p in people(world.out).to_pylist() if p["person_uid"] == uid)
    fmt = "%Y-%m-%d %H:%M:%S"
    later = [
        s
        for s in read_source(world.out, "plate_sightings")
        if s["plate"] == story["plate"] and datetime.strptime(s["pass_time"], fmt) > last
    ]
    assert not later
    cdr = pq.read_table(world.out / "sources" / "telecom_cdr.parquet").to_pylist()
    phones = set(truth["phones"])
    assert not [
        c for c in cdr
        if (c["calling"] in phones or c["called"][-11:] in phones)
        and datetime.strptime(c["start_time"], "%Y%m%d%H%M%S") > last
    ]  # fmt: skip
    tr = pq.read_table(world.out / "sources" / "bank_transfers.parquet").to_pylist()
    accounts = set(truth["accounts"])
    assert not [
        t
        for t in tr
        if {t["debit_account"], t["credit_account"]} & accounts and t["txn_time"] > last
    ]
