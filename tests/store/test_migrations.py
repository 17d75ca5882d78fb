"""A store written by release 0.1.0 opens, is upgraded in place, and keeps everything."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import duckdb
import pytest

from docket.errors import StoreError
from docket.session import Docket
from docket.store import connect, migrations

FIXTURE = Path(__file__).parent / "fixtures" / "store-0.1.0.duckdb.gz"
# Made by `docket` at commit 62aedbe (release 0.1.0): a 400-person world ingested and
# resolved, users adm/ana/sup/aud/sup2, case C-0001 with a linked suspect, an approved
# watchlist entry, a judgement, 18 audit rows. Every password is FIXTURE_PASSWORD.
FIXTURE_PASSWORD = "fixture-pass-0.1.0"
LINKED = "P6879441f20f1"


@pytest.fixture
def old_store(tmp_path: Path) -> Path:
    home = tmp_path / "old"
    home.mkdir(mode=0o700)
    with gzip.open(FIXTURE) as src, (home / "docket.duckdb").open("wb") as dst:
        shutil.copyfileobj(src, dst)
    (home / "docket.duckdb").chmod(0o600)
    return home


def _schema(path: Path) -> dict[str, list[tuple[str, str]]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        rows = con.execute(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'main' ORDER BY table_name, ordinal_position"
        ).fetchall()
    finally:
        con.close()
    out: dict[str, list[tuple[str, str]]] = {}
    for table, column, kind in rows:
        out.setdefault(table, []).append((column, kind))
    return out


def _counts(path: Path) -> dict[str, int]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        tables = ["mentions", "entities", "entity_mentions", "judgements", "watchlist",
                  "case_subjects", "users", "cases", "events", "holdings"]  # fmt: skip
        return {t: int(con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]) for t in tables}
    finally:
        con.close()


def test_an_old_store_upgrades_on_open_and_keeps_its_data(old_store: Path, tmp_path: Path) -> None:
    db = old_store / "docket.duckdb"
    before = _counts(db)
    assert migrations.version_of(duckdb.connect(":memory:")) == 0
    with Docket(old_store) as d:
        verdict = d.verify_audit()
        assert verdict.ok, verdict.problem
        with d.session(user="aud", password=FIXTURE_PASSWORD) as aud:
            upgrades = aud.audit.show(action="store.upgrade")
            subject = aud.audit.subject(LINKED)
        with d.session(user="ana", password=FIXTURE_PASSWORD) as ana:
            entries = ana.watchlist.list(case="C-0001", why="after the upgrade", active=True)
    assert _counts(db) == before
    assert [(u.outcome, u.params) for u in upgrades] == [
        ("ok", f'{{"from_version":1,"to_version":{migrations.CURRENT}}}')
    ]
    assert subject.current == LINKED and [c[0] for c in subject.cases] == ["C-0001"]
    assert [e.entity_id for e in entries] == [LINKED]
    # the upgraded store has exactly the shape of a new one
    with Docket(tmp_path / "new"):
        pass
    assert _schema(db) == _schema(tmp_path / "new" / "docket.duckdb")
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT max(version) FROM schema_version").fetchall() == [
        (migrations.CURRENT,)
    ]
    con.close()


def test_an_upgrade_happens_once(old_store: Path) -> None:
    for _ in range(2):
        Docket(old_store).close()
    con = connect(old_store / "docket.duckdb")
    rows = con.execute("SELECT count(*) FROM audit_log WHERE action = 'store.upgrade'").fetchall()
    con.close()
    assert rows == [(1,)]


def test_a_store_from_a_newer_release_is_refused(old_store: Path) -> None:
    Docket(old_store).close()
    con = duckdb.connect(str(old_store / "docket.duckdb"))
    con.execute("INSERT INTO schema_version VALUES (999, now(), 'from the future')")
    con.close()
    with pytest.raises(StoreError, match="schema version 999"):
        Docket(old_store)


def test_an_old_store_cannot_be_read_without_upgrading(old_store: Path) -> None:
    with pytest.raises(StoreError, match="open it writable once"):
        connect(old_store / "docket.duckdb", read_only=True)
