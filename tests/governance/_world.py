"""A handful of canonical rows written by hand, for governance tests (no ingest needed)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import duckdb

NOW = datetime.now(UTC)


def days_ago(n: int) -> datetime:
    return NOW - timedelta(days=n)


def source(
    con: duckdb.DuckDBPyConnection, name: str, sha: str, loaded: datetime, keep: int | None
) -> None:
    con.execute(
        "INSERT INTO sources VALUES (?, ?, ?, 'm.yaml', 1, 1, 0, ?, ?, 'test')",
        [name, f"{name}.csv", sha, loaded, keep],
    )


def mention(
    con: duckdb.DuckDBPyConnection, mention_id: str, sha: str, loaded: datetime, **cols: object
) -> None:
    src, key = mention_id.split(":", 1)
    names = ["mention_id", "source", "record_key", "file_sha256", "loaded_at", *cols]
    values = [mention_id, src, key, sha, loaded, *cols.values()]
    marks = ", ".join("?" * len(names))
    con.execute(f"INSERT INTO mentions ({', '.join(names)}) VALUES ({marks})", values)


def entity(con: duckdb.DuckDBPyConnection, entity_id: str, mentions: Sequence[str]) -> None:
    con.execute(
        "INSERT INTO entities VALUES (?, 'mention', ?, ?, ?)",
        [entity_id, mentions[0], len(mentions), NOW],
    )
    for m in mentions:
        con.execute("INSERT INTO entity_mentions VALUES (?, ?)", [m, entity_id])


def redirect(con: duckdb.DuckDBPyConnection, old: str, new: str | None) -> None:
    con.execute("INSERT INTO entity_redirects VALUES (?, ?, ?, 'merged')", [old, new, NOW])


def event(
    con: duckdb.DuckDBPyConnection, event_id: str, sha: str, parties: Sequence[str],
    place: str | None = None,
) -> None:  # fmt: skip
    src, key = event_id.split(":", 1)
    con.execute(
        "INSERT INTO events VALUES (?, 'Stay', ?, NULL, ?, NULL, ?, ?, ?)",
        [event_id, NOW, place, src, key, sha],
    )
    for p in parties:
        con.execute("INSERT INTO event_parties VALUES (?, 'guest', ?, NULL, ?)", [event_id, p, src])


def thing(con: duckdb.DuckDBPyConnection, thing_id: str, src: str) -> None:
    kind, key = thing_id.split(":", 1)
    con.execute(
        "INSERT INTO things (thing_id, kind, key, source, record_key) VALUES (?, ?, ?, ?, ?)",
        [thing_id, kind, key, src, key],
    )


def holding(con: duckdb.DuckDBPyConnection, mention_id: str, thing_id: str) -> None:
    src, key = mention_id.split(":", 1)
    con.execute(
        "INSERT INTO holdings VALUES (?, ?, 'Holding', ?, ?)", [mention_id, thing_id, src, key]
    )


def counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    tables = ("mentions", "events", "event_parties", "holdings", "things", "quarantine",
              "entity_mentions", "entities", "match_evidence")  # fmt: skip
    return {t: int(con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]) for t in tables}
