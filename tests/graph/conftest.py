"""One resolved 20,000-person world per test session, with its graph, users and a case.

Each test gets its own copy of the store (reads append audit rows), with DOCKET_DB
pointing at it, so that `cli(...)` runs against the world.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Governed, make_governed

PEOPLE, SEED = 20_000, 7


@dataclass(frozen=True)
class StoryWorld:
    db: Path
    stories: dict[str, dict[str, Any]]  # kind → story of truth/stories.json
    entity_of: dict[str, str]  # person uid → the entity holding most of their mentions
    governed: Governed

    def entity(self, uid: str) -> str:
        return self.entity_of[uid]


@pytest.fixture(scope="session")
def story_world(tmp_path_factory: pytest.TempPathFactory) -> StoryWorld:
    from docket.session import Docket
    from docket.store import connect
    from docket.synth import generate

    out = tmp_path_factory.mktemp("graph-world")
    generate(out / "world", PEOPLE, SEED, date(2026, 1, 1), 90)
    home = out / "home"
    Docket(home).close()
    governed = make_governed(home)
    with Docket(home) as d, d.session(user="adm", password=governed.password) as adm:
        adm.ingest([out / "world"])
        adm.resolve()  # ends by building the graph
        summary = adm.graph.summary()
    assert summary is not None and summary.edges["paid"] > 1000
    db = home / "docket.duckdb"
    con = connect(db)
    try:
        truth = str(out / "world" / "truth" / "mentions.csv")
        rows = con.execute(
            "SELECT t.person_uid, mode(em.entity_id) FROM read_csv(?, all_varchar = true) t "
            "JOIN entity_mentions em ON em.mention_id = t.source || ':' || t.record_key "
            "GROUP BY t.person_uid",
            [truth],
        ).fetchall()
        con.execute("CHECKPOINT")
    finally:
        con.close()
    doc = json.loads((out / "world" / "truth" / "stories.json").read_text(encoding="utf-8"))
    stories = {s["kind"]: s for s in doc["stories"]}
    entity_of = dict(rows)
    # the people of every story are the case's subjects: its reads start from them
    uids = {u for s in stories.values() for k, v in s.items() if k.endswith("uids") for u in v}
    uids |= {str(s[k]) for s in stories.values() for k in s if k.endswith("_uid")}
    governed.link(*sorted({entity_of[u] for u in uids if u in entity_of}))
    return StoryWorld(db, stories, entity_of, governed)


@pytest.fixture
def world(
    story_world: StoryWorld, cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> StoryWorld:
    """The session's world, copied for this test; `cli` runs against the copy."""
    home = tmp_path / "world-home"
    shutil.copytree(story_world.db.parent, home)
    db = home / "docket.duckdb"
    monkeypatch.setenv("DOCKET_HOME", str(home))
    monkeypatch.setenv("DOCKET_DB", str(db))
    governed = Governed(home, story_world.governed.case, story_world.governed.users)
    return StoryWorld(db, story_world.stories, story_world.entity_of, governed)
