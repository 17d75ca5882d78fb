"""Real time as a case team meets it: a wanted person checks in, the team hears it at once."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import httpx
import pytest

from docket.session import Docket
from tests.conftest import PASSWORD
from tests.realtime.conftest import Service, StoryWorld


def _ndjson(*records: dict[str, Any]) -> bytes:
    return b"".join(json.dumps(r, ensure_ascii=False).encode() + b"\n" for r in records)


class Listener(threading.Thread):
    """An SSE client collecting (arrival time, alert) pairs."""

    def __init__(self, url: str, token: str) -> None:
        super().__init__(daemon=True)
        self.url, self.token = url, token
        self.ready = threading.Event()
        self.alerts: list[tuple[float, dict[str, Any]]] = []
        self.stop = threading.Event()

    def run(self) -> None:
        headers = {"Authorization": f"Bearer {self.token}"}
        try:
            with httpx.stream("GET", f"{self.url}/api/v1/alerts/stream", headers=headers,
                              timeout=httpx.Timeout(None, connect=5)) as r:  # fmt: skip
                event = None
                for line in r.iter_lines():
                    if line.startswith(":"):
                        self.ready.set()
                    elif line.startswith("event:"):
                        event = line.split(":", 1)[1].strip()
                    elif line.startswith("data:") and event == "alert":
                        self.alerts.append((time.monotonic(), json.loads(line[5:])))
                    if self.stop.is_set():
                        return
        except httpx.HTTPError:  # the service went away: the test decides what that means
            return


def test_a_check_in_under_a_varied_spelling_reaches_the_case_within_a_second(
    story: StoryWorld, service: Service
) -> None:
    ana, other = (
        Listener(service.url, service.token("ana")),
        Listener(service.url, service.token("other")),
    )
    for listener in (ana, other):
        listener.start()
        assert listener.ready.wait(10)
    record = {**story.checkin, "checkin_id": "RT-CHECKIN-1"}
    feed = service.token("hotelfeed")
    r = httpx.post(
        f"{service.url}/api/v1/events", params={"source": "hotel_checkins"},
        content=_ndjson(record), headers={"Authorization": f"Bearer {feed}"}, timeout=30,
    )  # fmt: skip
    acked = time.monotonic()
    assert r.status_code == 200, r.text
    assert r.json()["stored"] == 1 and r.json()["records"] == [
        {"line": 1, "outcome": "stored", "reason": None}
    ]
    deadline = acked + 5
    while not ana.alerts and time.monotonic() < deadline:
        time.sleep(0.01)
    assert ana.alerts, "no alert reached the case member"
    at, alert = ana.alerts[0]
    assert at - acked <= 1.0, f"the alert took {at - acked:.2f} s"
    assert (alert["kind"], alert["entity_id"], alert["source"], alert["record_key"]) == (
        "check-in", story.entity, "hotel_checkins", "RT-CHECKIN-1",
    )  # fmt: skip
    assert alert["case_id"] == story.case and alert["evidence"]["matched"] == "entity"
    time.sleep(1.0)
    assert other.alerts == []  # a member of another case hears nothing
    for listener in (ana, other):
        listener.stop.set()


def _deliver_and_process(story: StoryWorld, source: str, *records: dict[str, Any]) -> list[Any]:
    with Docket(story.home) as d:
        with d.session(user="hotelfeed", password=PASSWORD) as feed:
            feed.deliver(source, _ndjson(*records))
        with d.session(user="adm", password=PASSWORD) as adm:
            return list(adm.process_intake().alerts)


def test_a_trip_into_the_jurisdiction_raises_an_arrival_only_for_active_entries(
    story: StoryWorld,
) -> None:
    with Docket(story.home) as d:
        with d.session(user="ana", password=PASSWORD) as ana:
            same = {"case": story.case, "entity": story.entity, "authority": "court",
                    "jurisdiction": story.jurisdiction}  # fmt: skip
            pending = ana.watchlist.add(warrant="W-UNAPPROVED", **same)
            expired = ana.watchlist.add(warrant="W-EXPIRED", **same)
        with d.session(user="sup", password=PASSWORD) as sup:
            sup.watchlist.approve(expired)
        con = d._cursor()
        con.execute("UPDATE watchlist SET expires_at = now() - INTERVAL 1 DAY WHERE entry_id = ?",
                    [expired])  # fmt: skip
        con.close()
    trip = {**story.trip, "ticket_no": "RT-TRIP-1"}
    alerts = _deliver_and_process(story, "rail_tickets", trip)
    got = sorted((a.kind, a.entry_id) for a in alerts)
    assert got == [("arrival", "W-0001"), ("booking", "W-0001")]
    assert pending not in {a.entry_id for a in alerts}
    arrival = next(a for a in alerts if a.kind == "arrival")
    assert arrival.entity_id == story.entity and arrival.record_key == "RT-TRIP-1"
    # the same trip delivered again raises nothing more
    assert _deliver_and_process(story, "rail_tickets", trip) == []


def test_a_feed_delivers_its_sources_and_reads_nothing(story: StoryWorld, service: Service) -> None:
    feed = {"Authorization": f"Bearer {service.token('hotelfeed')}"}
    r = httpx.get(f"{service.url}/api/v1/export/entities", params={"case": story.case, "why": "x"},
                  headers=feed)  # fmt: skip
    assert r.status_code == 403 and "error" in r.json() and "entity_id" not in r.text
    for path in ("/cases", "/alerts", "/watchlist", "/audit"):
        r = httpx.get(f"{service.url}/api/v1{path}", params={"case": story.case, "why": "x"},
                      headers=feed)  # fmt: skip
        assert r.status_code in (403, 422), (path, r.status_code)
    r = httpx.post(f"{service.url}/api/v1/events", params={"source": "bank_transfers"},
                   content=b'{"txn_id": "x"}\n', headers=feed)  # fmt: skip
    assert r.status_code == 403 and "not bound" in r.json()["error"]["message"]


def test_a_bad_record_is_quarantined_and_its_neighbours_stored(story: StoryWorld) -> None:
    good = {**story.checkin, "checkin_id": "RT-OK-1"}
    bad_date = {**story.checkin, "checkin_id": "RT-BAD-1", "checkin_time": "yesterday-ish"}
    body = _ndjson(good) + b"{not json\n" + _ndjson(bad_date)
    with Docket(story.home) as d, d.session(user="hotelfeed", password=PASSWORD) as feed:
        done = feed.deliver("hotel_checkins", body)
    outcomes = [(r.line, r.outcome) for r in done.records]
    assert outcomes == [(1, "stored"), (2, "quarantined"), (3, "quarantined")]
    assert done.stored == 1 and all(r.reason for r in done.records if r.outcome != "stored")


@pytest.mark.slow
def test_killed_and_restarted_every_acknowledged_record_is_there_exactly_once(
    story: StoryWorld,
) -> None:
    from tests.realtime.conftest import serve

    base = story.checkin
    batches = [
        [{**base, "checkin_id": f"CRASH-{b:03d}-{i:02d}", "guest_name": f"客人{b}{i}",
          "id_no": None, "phone": None} for i in range(20)]
        for b in range(60)
    ]  # fmt: skip
    svc = serve(story.home)
    feed_token = svc.token("hotelfeed")
    acked: list[str] = []
    killed = threading.Event()

    def killer() -> None:
        while len(acked) < 15 * 20:
            time.sleep(0.01)
        svc.kill()
        killed.set()

    threading.Thread(target=killer, daemon=True).start()
    current = svc
    for batch in batches:
        body = _ndjson(*batch)
        while True:  # a client retries until the batch is acknowledged
            try:
                r = httpx.post(f"{current.url}/api/v1/events", params={"source": "hotel_checkins"},
                               content=body, headers={"Authorization": f"Bearer {feed_token}"},
                               timeout=30)  # fmt: skip
                if r.status_code == 200:
                    acked.extend(str(x["checkin_id"]) for x in batch)
                    break
            except httpx.TransportError:
                pass
            if killed.is_set() and current is svc and svc.proc.poll() is not None:
                current = serve(story.home, port=svc.port)  # restart on the same address
            time.sleep(0.05)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # the restarted service resumes processing
        time.sleep(0.5)
        if current.proc.poll() is None:
            break
    time.sleep(2)
    current.stop()
    assert killed.is_set()
    with Docket(story.home) as d:
        con = d._cursor()
        counts = dict(con.execute(
            "SELECT record_key, count(*) FROM events WHERE starts_with(record_key, 'CRASH-') "
            "GROUP BY 1"
        ).fetchall())  # fmt: skip
        left = con.execute(
            "SELECT count(*) FROM sources s WHERE starts_with(s.file, 'intake:') AND NOT EXISTS "
            "(SELECT 1 FROM realtime_done d WHERE d.source = s.source AND d.sha256 = s.sha256)"
        ).fetchall()[0][0]
        con.close()
    assert len(acked) == 60 * 20
    assert set(counts) == set(acked) and set(counts.values()) == {1}
    assert left == 0  # every committed batch was processed, across the crash
