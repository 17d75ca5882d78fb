"""A resolved synthetic world with the wanted person on an approved watchlist entry, built
once per session through the library and copied for each test; and a live service.

Users: admin `adm`, analyst `ana` and supervisor `sup` (case C-0001, the wanted person's
case), supervisor `sup2` (approves), analyst `other` (only case C-0002), feed `hotelfeed`
(hotel_checkins, rail_tickets). Entry W-0001 names the wanted person's entity, with the
jurisdiction of the story's last city.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import httpx
import pytest

from docket.normalize import normalize_resident_id
from docket.session import Docket
from tests.conftest import PASSWORD

PEOPLE = 2000


@dataclass
class StoryWorld:
    home: Path
    world: Path
    entity: str  # the wanted person's entity
    case: str  # C-0001: the wanted person's case
    other_case: str  # C-0002: another case, of `other`
    checkin: dict[str, object]  # a story hotel record of the wanted person with a valid ID
    trip: dict[str, object]  # a story rail record of the wanted person
    jurisdiction: str


def _story(world: Path) -> dict[str, object]:
    stories = json.loads((world / "truth" / "stories.json").read_text(encoding="utf-8"))
    return next(s for s in stories["stories"] if s["kind"] == "wanted_person")


def _records(path: Path, keys: set[str], key: str) -> list[dict[str, object]]:
    if path.suffix == ".jsonl":
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    else:
        with path.open(encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
    return [r for r in rows if str(r[key]) in keys]


@pytest.fixture(scope="session")
def story_template(tmp_path_factory: pytest.TempPathFactory) -> StoryWorld:
    from docket.synth import generate

    root = tmp_path_factory.mktemp("realtime")
    world = root / "world"
    generate(world, PEOPLE, 7, date(2026, 1, 1), 90)
    story = _story(world)
    keys = {str(r["record_key"]) for r in story["records"]}  # type: ignore[index]
    hotels = _records(world / "sources" / "hotel_checkins.jsonl", keys, "checkin_id")
    checkin = next(r for r in hotels if normalize_resident_id(str(r["id_no"])).value)
    trip = _records(world / "sources" / "rail_tickets.csv", keys, "ticket_no")[0]
    uid = story["person_uids"][0]  # type: ignore[index]
    with (world / "truth" / "mentions.csv").open(encoding="utf-8") as f:
        mine = {
            f"{r['source']}:{r['record_key']}" for r in csv.DictReader(f) if r["person_uid"] == uid
        }
    home = root / "home"
    with Docket(home) as d:
        d.bootstrap("adm", PASSWORD)
        with d.session(user="adm", password=PASSWORD) as adm:
            for name, role in (("ana", "analyst"), ("sup", "supervisor"), ("sup2", "supervisor"),
                               ("other", "analyst")):  # fmt: skip
                adm.users.add(name, role, PASSWORD)
            adm.users.add("hotelfeed", "feed", PASSWORD, ["hotel_checkins", "rail_tickets"])
            adm.ingest([str(world / "sources")])
            adm.resolve()
            counts: dict[str, int] = {}
            con = d._cursor()
            for (e,) in con.execute(
                "SELECT entity_id FROM entity_mentions WHERE mention_id IN (SELECT unnest(?))",
                [sorted(mine)],
            ).fetchall():
                counts[e] = counts.get(e, 0) + 1
            con.close()
            entity = max(counts, key=lambda e: counts[e])
        with d.session(user="ana", password=PASSWORD) as ana:
            case = ana.cases.open(
                "Wanted person", "criminal-investigation", str(story["warrant_reference"])
            )
        with d.session(user="other", password=PASSWORD) as other:
            other_case = other.cases.open("Another case", "fraud", "F-2")
        with d.session(user="sup", password=PASSWORD) as sup:
            sup.cases.approve(case)
            sup.cases.approve(other_case)
        with d.session(user="ana", password=PASSWORD) as ana:
            ana.cases.add_member(case, "sup")
            ana.cases.link(case, entity, "suspect")
            jurisdiction = str(trip["to_city_code"])[:4]
            ana.watchlist.add(
                case=case, entity=entity, warrant=str(story["warrant_reference"]),
                authority="Fictional court", jurisdiction=jurisdiction,
            )  # fmt: skip
        with d.session(user="sup", password=PASSWORD) as sup:
            sup.watchlist.approve("W-0001")
    return StoryWorld(home, world, entity, case, other_case, checkin, trip, jurisdiction)


@pytest.fixture
def story(
    story_template: StoryWorld, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> StoryWorld:
    """A private copy of the story store for one test (DOCKET_HOME points at it)."""
    home = tmp_path / "home"
    shutil.copytree(story_template.home, home)
    monkeypatch.setenv("DOCKET_HOME", str(home))
    monkeypatch.setenv("DOCKET_DB", str(home / "docket.duckdb"))
    for name in ("DOCKET_USER", "DOCKET_PASSWORD", "DOCKET_URL", "DOCKET_CASE", "DOCKET_WHY"):
        monkeypatch.delenv(name, raising=False)
    s = story_template
    return StoryWorld(home, s.world, s.entity, s.case, s.other_case, s.checkin, s.trip,
                      s.jurisdiction)  # fmt: skip


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Service:
    url: str
    home: Path
    proc: subprocess.Popen[bytes]
    port: int

    def token(self, user: str) -> str:
        r = httpx.post(f"{self.url}/api/v1/token", json={"user": user, "password": PASSWORD})
        assert r.status_code == 200, r.text
        return str(r.json()["token"])

    def kill(self) -> None:
        """SIGKILL: no shutdown, no checkpoint."""
        self.proc.kill()
        self.proc.communicate()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


def serve(home: Path, port: int | None = None) -> Service:
    """`docket serve` on 127.0.0.1 for the store at `home`, ready to answer."""
    port = port or free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCKET_")}
    env.update(DOCKET_HOME=str(home), DOCKET_DB=str(home / "docket.duckdb"))
    proc = subprocess.Popen(
        [sys.executable, "-m", "docket.cli", "serve", "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            _, err = proc.communicate()
            raise AssertionError(f"docket serve exited: {err.decode()}")
        try:
            httpx.get(f"{url}/api/v1/openapi.json", timeout=1)
            return Service(url, home, proc, port)
        except httpx.TransportError:
            time.sleep(0.2)
    proc.kill()
    proc.communicate()
    raise AssertionError("docket serve did not start within 90 s")


@pytest.fixture
def service(story: StoryWorld) -> Iterator[Service]:
    svc = serve(story.home)
    try:
        yield svc
    finally:
        svc.stop()
