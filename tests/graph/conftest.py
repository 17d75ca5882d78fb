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
    from docket.graph import build_graph
    from docket.resolve.pipeline import resolve
    from docket.sources.ingest import ingest_file, mappings_for, plan_files
    from docket.store import connect
    from docket.synth import generate

    out = tmp_path_factory.mktemp("graph-world")
    generate(out / "world", PEOPLE, SEED, date(2026, 1, 1), 90)
    db = out / "store.duckdb"
    con = connect(db)
    try:
        for path, mapping in plan_files([out / "world"], mappings_for()).matched:
            ingest_file(con, path, mapping)
        resolve(con, progress=False)
        build_graph(con)
        governed = make_governed(con)
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
    return StoryWorld(db, stories, dict(rows), governed)


@pytest.fixture
def world(
    story_world: StoryWorld, cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> StoryWorld:
    """The session's world, copied for this test; `cli` runs against the copy."""
    db = tmp_path / "world.duckdb"
    shutil.copy(story_world.db, db)
    monkeypatch.setenv("DOCKET_DB", str(db))
    return StoryWorld(db, story_world.stories, story_world.entity_of, story_world.governed)
