"""The insider's table (issue 12), tried again: each way through now gives the safe outcome.

Scope, four eyes on grants, reviews and judgements, audit before disclosure, an anchored
trail, and a purge that leaves no bytes behind.
"""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from docket.errors import Forbidden
from docket.governance import audit
from tests.conftest import Governed, open_store
from tests.governance import _world as w
from tests.resolve import world as people

A, B, C = "P0000000000a1", "P0000000000b2", "P0000000000c3"


@pytest.fixture
def three(governed: Governed) -> Governed:
    """Three resolved people: A (hotel:1, hotel:2), B (hotel:3), C (hotel:4)."""
    con = open_store()
    w.source(con, "hotel", "h1", w.days_ago(1), None)
    for m, name in (("hotel:1", "Zhang Wei"), ("hotel:2", "Zhang Wei"), ("hotel:3", "Wang Fang"),
                    ("hotel:4", "Li Na")):  # fmt: skip
        w.mention(con, m, "h1", w.days_ago(1), name_raw=name)
    w.entity(con, A, ["hotel:1", "hotel:2"])
    w.entity(con, B, ["hotel:3"])
    w.entity(con, C, ["hotel:4"])
    con.close()
    return governed


def _csv(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_an_analysts_export_stays_within_the_case_scope(three: Governed, cli) -> None:
    g = three
    r = cli("export", "mentions", env=g.env("analyst"))
    assert r.code == 0 and _csv(r.stdout) == []  # nothing linked yet: nothing to see
    g.link(A)
    r = cli("export", "mentions", env=g.env("analyst"))
    assert sorted(x["mention_id"] for x in _csv(r.stdout)) == ["hotel:1", "hotel:2"]
    r = cli("export", "entities", env=g.env("analyst"))
    assert [x["entity_id"] for x in _csv(r.stdout)] == [A]
    r = cli("explain", "hotel:1", "hotel:3", env=g.env("analyst"))
    assert r.code == 3 and "not a person in the scope" in r.stderr
    con = open_store()
    refused = audit.show(con, action="explain", limit=1)[-1]
    con.close()
    assert refused.outcome == "refused" and refused.user == "ana"


def test_reading_beyond_the_scope_needs_a_bulk_basis_another_supervisor_approves(
    three: Governed, cli
) -> None:
    g = three
    r = cli("case", "bulk-request", g.case, "--reason", "dedupe audit", "--cap", "2",
            env=g.env("analyst"))  # fmt: skip
    assert r.code == 0, r.stderr
    basis = r.lines[-1]
    r = cli("export", "entities", "--bulk", basis, env=g.env("analyst"))
    assert r.code == 3 and "awaits approval" in r.stderr
    assert cli("case", "bulk-approve", basis, env=g.env("analyst")).code == 3  # not a supervisor
    assert cli("case", "bulk-approve", basis, env=g.env("supervisor")).code == 0
    r = cli("export", "entities", "--bulk", basis, env=g.env("analyst"))
    assert r.code == 0 and len(_csv(r.stdout)) == 2  # capped at 2 of 3
    r = cli("export", "entities", "--bulk", basis, env=g.env("outsider"))
    assert r.code == 3  # a basis opens the store to the case's members only
    with g.session("supervisor") as sup:
        other = sup.cases.bulk_request(g.case, "mine", 10)
        with pytest.raises(Forbidden, match="another supervisor"):
            sup.cases.bulk_approve(other)


def test_supervisors_cannot_add_themselves_or_review_their_own_case(
    governed: Governed, cli
) -> None:
    r = cli("case", "add-member", governed.case, "sup2", env=governed.env("supervisor2"))
    assert r.code == 3 and "yourself" in r.stderr
    assert cli("export", "entities", env=governed.env("supervisor2")).code == 3
    with governed.session("supervisor") as sup:
        case = sup.cases.open("mine", "fraud", "F-1")
        with pytest.raises(Forbidden, match="another supervisor"):
            sup.cases.review(case)


def test_judge_needs_a_case_a_reason_and_people_in_scope_and_answers_alike(
    three: Governed, cli
) -> None:
    g = three
    g.link(A, B)
    no_case = {**g.env("analyst"), "DOCKET_CASE": ""}
    assert "--case" in cli("judge", "hotel:1", "hotel:3", "different", env=no_case).stderr
    no_why = {**g.env("analyst"), "DOCKET_WHY": ""}
    assert "--why" in cli("judge", "hotel:1", "hotel:3", "different", env=no_why).stderr
    con = open_store()
    assert [r.outcome for r in audit.show(con, action="judge", limit=2)] == ["refused"] * 2
    con.close()
    answers = set()
    for a, b in (("hotel:1", "hotel:4"), ("hotel:1", "nope:9"), ("hotel:1", "hotel:1")):
        r = cli("judge", a, b, "same", env=g.env("analyst"))
        assert r.code == 3
        answers.add(r.stderr.replace(b, "REF"))
    assert len(answers) == 1  # out of scope, unknown and identical: one answer
    r = cli("judge", "hotel:1", "hotel:3", "different", env=g.env("analyst"))
    assert r.code == 0 and r.lines[-1].startswith("J-")
    assert "hotel" not in r.stdout  # only the judgement id, no mention ids


def test_joining_two_valid_id_numbers_waits_for_a_supervisor(governed: Governed, cli) -> None:
    """Two people with different valid ID numbers: a `same` verdict is pending until a
    supervisor other than its author confirms it; only then does resolve merge them."""
    con = open_store()
    ids = [people.valid_id("110101", "19850312", seq) for seq in ("041", "053")]
    people.insert(con, [
        people.person_row("registry:1", "zhang wei", id_number=ids[0]),
        people.person_row("registry:2", "zhang wei", id_number=ids[1]),
    ])  # fmt: skip
    con.close()
    assert cli("resolve", "--quiet", env=governed.env("admin")).code == 0
    governed.link_everyone()
    r = cli("judge", "registry:1", "registry:2", "same", env=governed.env("analyst"))
    assert r.code == 0 and "awaiting a supervisor" in r.stdout
    judgement = r.lines[-1]

    def entities() -> int:
        c = open_store()
        n = c.execute("SELECT count(DISTINCT entity_id) FROM entity_mentions").fetchall()[0][0]
        c.close()
        return int(n)

    assert cli("resolve", "--quiet", env=governed.env("admin")).code == 0
    assert entities() == 2  # pending: not honoured
    assert cli("judge-confirm", judgement, env=governed.env("analyst")).code == 3
    assert cli("judge-confirm", judgement, env=governed.env("supervisor")).code == 0
    assert cli("resolve", "--quiet", env=governed.env("admin")).code == 0
    assert entities() == 1


def _spawn(governed: Governed, *args: str, who: str = "analyst") -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCKET_")}
    env.update(governed.env(who), DOCKET_HOME=str(governed.home))
    env["DOCKET_DB"] = str(governed.home / "docket.duckdb")
    return subprocess.Popen(
        [sys.executable, "-m", "docket.cli", *args],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
    )  # fmt: skip


def test_an_export_killed_midway_leaves_a_started_row(governed: Governed, cli) -> None:
    con = open_store()
    w.source(con, "hotel", "h1", w.days_ago(1), None)
    con.execute(
        "INSERT INTO mentions (mention_id, source, record_key, file_sha256, name_raw, loaded_at) "
        "SELECT 'hotel:' || i, 'hotel', i::VARCHAR, 'h1', 'guest ' || i, now() "
        "FROM range(50000) t(i)"
    )
    con.close()
    basis = governed.bulk()
    proc = _spawn(governed, "export", "mentions", "--bulk", basis)
    assert proc.stdout is not None
    assert proc.stdout.read(4096)  # rows are flowing (the pipe fills; the export waits)
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    r = cli("audit", "show", "--action", "export", "--json", env=governed.env("auditor"))
    rows = [json.loads(line) for line in r.lines]
    assert [(x["outcome"], x["incomplete"]) for x in rows] == [("started", True)]
    r = cli("audit", "show", "--action", "export", env=governed.env("auditor"))
    assert "counted as a full disclosure" in r.stdout


def test_an_ingest_killed_after_some_files_leaves_a_started_row(
    governed: Governed, cli, tmp_path: Path
) -> None:
    from datetime import date

    from docket.synth import generate

    generate(tmp_path / "world", 3000, 5, date(2026, 1, 1), 30)
    proc = _spawn(governed, "ingest", str(tmp_path / "world" / "sources"), who="admin")
    wal = governed.home / "docket.duckdb.wal"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if wal.exists() and wal.stat().st_size > 1_000_000:  # some files are committed
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    con = open_store()
    stored = con.execute("SELECT count(*) FROM sources").fetchall()[0][0]
    rows = [r for r in audit.show(con, action="ingest", limit=10)]
    con.close()
    assert stored >= 1
    assert [(r.outcome, r.incomplete, r.category) for r in rows] == [
        ("started", True, "collection")
    ]


def _tamper(*statements: str) -> None:
    con = open_store()
    for sql in statements:
        con.execute(sql)
    con.close()


@pytest.fixture
def anchored(governed: Governed, cli) -> int:
    """A trail of some rows, anchored outside the database (every command's close anchors)."""
    for i in range(3):
        assert cli("watchlist", "list", env=governed.env("analyst", why=f"read {i}")).code == 0
    r = cli("audit", "verify")
    assert r.code == 0 and "against its anchor" in r.stdout, r.stdout
    con = open_store()
    n = int(con.execute("SELECT max(seq) FROM audit_log").fetchall()[0][0])
    con.close()
    return n


def test_a_trail_cut_short_and_its_head_fixed_fails_verify(anchored: int, cli) -> None:
    _tamper(
        f"DELETE FROM audit_log WHERE seq > {anchored - 3}",
        "DELETE FROM audit_head",
        f"INSERT INTO audit_head SELECT seq, hash FROM audit_log WHERE seq = {anchored - 3}",
    )
    r = cli("audit", "verify")
    assert r.code == 1 and "cut short" in r.stdout, r.stdout


def test_a_rewritten_trail_with_recomputed_hashes_fails_verify(anchored: int, cli) -> None:
    con = open_store()
    rows = audit._rows(con)
    con.close()
    # rewrite row 3's justification and recompute every later hash and the head
    from dataclasses import replace

    prev = rows[1].hash
    statements = []
    for r in rows[2:]:
        changed = (
            replace(r, justification="nothing to see", prev_hash=prev)
            if r.seq == 3
            else (replace(r, prev_hash=prev))
        )
        digest = changed.computed_hash()
        statements.append(
            f"UPDATE audit_log SET justification = {changed.justification!r}, prev_hash = "
            f"'{prev}', hash = '{digest}' WHERE seq = {r.seq}".replace("'None'", "NULL")
            if changed.justification is not None
            else f"UPDATE audit_log SET prev_hash = '{prev}', hash = '{digest}' WHERE seq = {r.seq}"
        )
        prev = digest
    _tamper(*statements, "DELETE FROM audit_head",
            f"INSERT INTO audit_head VALUES ({rows[-1].seq}, '{prev}')")  # fmt: skip
    con = open_store()
    assert audit.verify(con).ok  # the database alone cannot tell …
    con.close()
    r = cli("audit", "verify")  # … the anchor can
    assert r.code == 1 and "rewritten" in r.stdout, r.stdout


def test_an_emptied_trail_fails_verify(anchored: int, cli, governed: Governed) -> None:
    _tamper("DELETE FROM audit_log", "DELETE FROM audit_head")
    (governed.home / "audit-anchors.jsonl").unlink()  # even without the anchors
    r = cli("audit", "verify")
    assert r.code == 1 and "emptied" in r.stdout, r.stdout


def test_a_forged_anchor_is_named(anchored: int, cli, governed: Governed) -> None:
    path = governed.home / "audit-anchors.jsonl"
    lines = path.read_text().splitlines()
    forged = json.loads(lines[-1])
    forged["seq"] -= 1
    path.write_text("\n".join([*lines, json.dumps(forged)]) + "\n")
    r = cli("audit", "verify")
    assert r.code == 2 and "does not carry a valid signature" in r.stderr


MARKER = "ZQXMARKERWANGFANG1984"


def test_purge_leaves_no_bytes_and_nothing_naming_the_purged(governed: Governed, cli) -> None:
    con = open_store()
    w.source(con, "hotel", "h1", w.days_ago(400), 365)
    w.source(con, "registry", "r1", w.days_ago(10), None)
    w.mention(con, "hotel:1", "h1", w.days_ago(400), name_raw=MARKER, phone="+8613912345678")
    w.mention(con, "registry:1", "r1", w.days_ago(10), name_raw="Wang Fang")
    w.entity(con, A, ["hotel:1"])
    w.entity(con, B, ["registry:1"])
    con.execute("CHECKPOINT")
    con.close()
    governed.link(A, B)
    with governed.session("analyst") as ana:
        ana.watchlist.add(case=governed.case, entity=A, warrant="W-1", authority="court")
        ana.watchlist.add(case=governed.case, criteria={"phone": "13912345678"}, warrant="W-2",
                          authority="court")  # fmt: skip
        ana.watchlist.add(case=governed.case, criteria={"phone": "13700000000"}, warrant="W-3",
                          authority="court")  # fmt: skip
    con = open_store()
    from docket.resolve.judgements import record

    record(con, "J-1", "hotel:1", "registry:1", "different", A, B, governed.case, "x", "ana")
    con.close()
    db = governed.home / "docket.duckdb"
    assert MARKER.encode() in db.read_bytes() + (
        db.with_name(db.name + ".wal").read_bytes()
        if db.with_name(db.name + ".wal").exists()
        else b""
    )
    r = cli("purge", env=governed.env("admin"))
    assert r.code == 0, r.stderr
    assert "store file rewritten" in r.stdout
    removed = dict(line.split("\t")[:2] for line in r.lines if "\t" in line)
    assert removed["judgements"] == "1" and removed["case_subjects"] == "1"
    assert removed["watchlist"] == "2"  # the entry for A, and the one naming A's phone
    assert MARKER.encode() not in db.read_bytes()
    assert not db.with_name(db.name + ".wal").exists()
    con = open_store()
    left = con.execute("SELECT warrant_ref FROM watchlist").fetchall()
    con.close()
    assert left == [("W-3",)]
