"""The audit trail verifies when untouched and names the row someone edited by hand."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path

import duckdb
import pytest

from docket.governance import audit
from docket.governance.gate import person_data
from tests.conftest import open_store

SRC = Path(__file__).resolve().parents[2] / "src"


@pytest.fixture
def trail(governed, cli) -> int:
    """A trail of a dozen rows from real commands; returns its length."""
    for i in range(3):
        assert cli("watchlist", "list", env=governed.env("analyst", why=f"read {i}")).code == 0
    assert cli("case", "list", env=governed.env("auditor")).code == 0
    assert cli("whoami", env=governed.env("admin", case="x")).code == 0
    assert cli("watchlist", "list", env=governed.env("admin")).code == 3  # a refusal is a row too
    con = open_store()
    n = int(con.execute("SELECT count(*) FROM audit_log").fetchall()[0][0])
    con.close()
    assert n >= 5
    return n


def _tamper(sql: str, *args: object) -> None:
    con = open_store()
    con.execute(sql, list(args))
    con.close()


def _verify(cli) -> tuple[int, str]:
    r = cli("audit", "verify")
    assert "Traceback" not in r.stderr
    return r.code, r.stdout


def test_untouched_trail_verifies(trail, cli) -> None:
    code, out = _verify(cli)
    assert code == 0 and f"{trail} rows verified" in out
    # verify is itself recorded, and the trail still verifies afterwards.
    code, out = _verify(cli)
    assert code == 0 and f"{trail + 1} rows verified" in out


def test_edited_row_is_named(trail, cli) -> None:
    _tamper("UPDATE audit_log SET justification = 'nothing to see' WHERE seq = 3")
    code, out = _verify(cli)
    assert code == 1 and "row 3 " in out and "edited" in out


def test_edited_result_count_is_named(trail, cli) -> None:
    _tamper("UPDATE audit_log SET result_count = 99 WHERE seq = 4")
    code, out = _verify(cli)
    assert code == 1 and "BROKEN at row 4" in out


def test_deleted_row_is_named(trail, cli) -> None:
    _tamper("DELETE FROM audit_log WHERE seq = 2")
    code, out = _verify(cli)
    assert code == 1 and "row 2 is missing" in out


def test_deleted_last_row_is_named(trail, cli) -> None:
    _tamper("DELETE FROM audit_log WHERE seq = ?", trail)
    code, out = _verify(cli)
    assert code == 1 and f"row {trail} is missing" in out


def test_reordered_rows_are_named(trail, cli) -> None:
    # Swap the positions of rows 2 and 3 (seq numbers exchanged).
    _tamper("UPDATE audit_log SET seq = CASE seq WHEN 2 THEN 3 ELSE 2 END WHERE seq IN (2, 3)")
    code, out = _verify(cli)
    assert code == 1 and "BROKEN at row" in out
    assert re.search(r"row [23] ", out)


def test_rows_stored_in_another_order_are_named(trail, cli) -> None:
    # Rewrite the table with rows 3 and 4 stored the other way round, content untouched.
    con = open_store()
    con.execute("CREATE TEMP TABLE t AS SELECT * FROM audit_log")
    con.execute("DELETE FROM audit_log")
    con.execute(
        "INSERT INTO audit_log SELECT * FROM t "
        "ORDER BY CASE seq WHEN 3 THEN 4 WHEN 4 THEN 3 ELSE seq END"
    )
    con.close()
    code, out = _verify(cli)
    assert code == 1 and "row 4 is out of place" in out


def test_inserted_row_is_named(trail, cli) -> None:
    # A forged row in the middle: later rows are shifted to make room.
    _tamper("UPDATE audit_log SET seq = seq + 1 WHERE seq >= 3")
    _tamper(
        "INSERT INTO audit_log SELECT 3, logged_at, 'ana', 'analyst', case_id, 'forged', action, "
        "category, objects, params, 1, client, 'ok', NULL, prev_hash, hash FROM audit_log "
        "WHERE seq = 2"
    )
    code, out = _verify(cli)
    assert code == 1 and "BROKEN at row 3" in out


def test_row_appended_by_hand_is_named(trail, cli) -> None:
    _tamper(
        "INSERT INTO audit_log SELECT seq + 1, logged_at, user_name, role, case_id, "
        "justification, action, category, objects, params, result_count, client, outcome, "
        "detail, hash, hash FROM audit_log WHERE seq = ?",
        trail,
    )
    code, out = _verify(cli)
    assert code == 1 and f"row {trail + 1}" in out


def test_each_row_hash_covers_the_previous_hash(trail) -> None:
    con = open_store()
    rows = audit.show(con, limit=1000)
    con.close()
    assert rows[0].prev_hash == audit.GENESIS
    for before, after in itertools.pairwise(rows):
        assert after.prev_hash == before.hash
        assert after.hash == after.computed_hash()


def test_no_code_path_updates_or_deletes_audit_rows() -> None:
    pattern = re.compile(
        r"(UPDATE\s+audit_log|DELETE\s+FROM\s+audit_log|TRUNCATE|DROP\s+TABLE\s+audit_log)", re.I
    )
    offenders = [str(p) for p in SRC.rglob("*.py") if pattern.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


def test_a_read_is_recorded_with_everything_the_law_asks(governed, con) -> None:
    with person_data(
        con, token=governed.token("analyst", con), action="export.mentions",
        case=governed.case, why="locate the witness",
        objects=["P000000000001"], params={"source": "hotel"}, client="10.0.0.7",
    ) as pd:  # fmt: skip
        pd.result_count = 17
    row = audit.show(con, limit=1)[-1]
    assert (row.user, row.role, row.case, row.justification) == (
        "ana", "analyst", governed.case, "locate the witness",
    )  # fmt: skip
    assert (row.action, row.category, row.result_count, row.client, row.outcome) == (
        "export.mentions", "disclosure", 17, "10.0.0.7", "ok",
    )  # fmt: skip
    assert json.loads(row.objects) == ["P000000000001"]
    assert json.loads(row.params) == {"source": "hotel"}


def test_audit_show_filters_and_is_for_auditors_only(trail, governed, cli) -> None:
    r = cli("audit", "show", "--user", "ana", "--action", "watchlist", "--json",
            env=governed.env("auditor"))  # fmt: skip
    assert r.code == 0, r.stderr
    rows = [json.loads(line) for line in r.lines]
    assert len(rows) == 3 and {x["user"] for x in rows} == {"ana"}
    assert [x["why"] for x in rows] == ["read 0", "read 1", "read 2"]
    r = cli("audit", "show", "--case", governed.case, "--limit", "2", "--json",
            env=governed.env("auditor"))  # fmt: skip
    assert len(r.lines) == 2
    for who in ("analyst", "supervisor", "admin"):
        r = cli("audit", "show", env=governed.env(who))
        assert r.code == 3 and "auditor" in r.stderr


def test_trail_cannot_be_written_on_a_read_only_store(governed, store) -> None:
    token = governed.token("analyst")
    ro = duckdb.connect(str(store), read_only=True)
    try:
        with (
            pytest.raises(Exception, match="audit trail"),
            person_data(ro, token=token, action="t", case=governed.case, why="x"),
        ):
            pass
    finally:
        ro.close()
