"""Accountability costs: the gate per read, audit appends, and verifying the hash chain.

Baselines in the same run: the same query on a raw cursor (no gate), a plain INSERT
of the same audit rows (no chain), and reading the trail without re-hashing it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyarrow as pa

from bench._docs import machine, write_section

SECTION = "## Governance"


def _median_ms(fn: object, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def _chain(n: int) -> pa.Table:
    """n valid audit rows, hashed as docket.governance.audit does."""
    from docket.governance.audit import GENESIS, AuditRow

    cols: dict[str, list[object]] = {k: [] for k in (
        "seq", "logged_at", "user_name", "role", "case_id", "justification", "action",
        "category", "objects", "params", "result_count", "client", "outcome", "detail",
        "prev_hash", "hash",
    )}  # fmt: skip
    prev, t0 = GENESIS, datetime(2026, 1, 1, tzinfo=UTC)
    for i in range(1, n + 1):
        row = AuditRow(i, t0 + timedelta(seconds=i), "ana", "analyst", "C-0001", f"reason {i}",
                       "export.mentions", "disclosure", f'["P{i:012x}"]', '{"format":"csv"}', i,
                       "local:bench", "ok", None, prev, "")  # fmt: skip
        digest = row.computed_hash()
        for k, v in zip(cols, [*list(row.__dict__.values())[:-1], digest], strict=True):
            cols[k].append(v)
        prev = digest
    return pa.table(cols)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--mentions", type=int, default=100_000)
    parser.add_argument("--trail", type=int, default=100_000, help="audit rows to verify")
    parser.add_argument("--appends", type=int, default=1_000)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="bench-governance-"))
    from docket.governance import audit, auth
    from docket.governance.gate import person_data
    from docket.session import Docket
    from docket.store import connect

    load_before = os.getloadavg()[0]
    with Docket(tmp) as d:
        d.bootstrap("adm", "bench-password")
        with d.session(user="adm", password="bench-password") as adm:
            for name, role in (("ana", "analyst"), ("sup", "supervisor")):
                adm.users.add(name, role, "bench-password")
        with d.session(user="ana", password="bench-password") as ana:
            case = ana.cases.open("bench", "fraud", "R")
        with d.session(user="sup", password="bench-password") as sup:
            sup.cases.approve(case)
    con = connect(tmp / "docket.duckdb")
    con.execute(
        "INSERT INTO mentions (mention_id, source, record_key, file_sha256, phone, loaded_at) "
        "SELECT 'b:' || i, 'b', i::VARCHAR, 'x', '+86138' || lpad(i::VARCHAR, 8, '0'), now() "
        "FROM range(?) t(i)",
        [args.mentions],
    )
    query, params = "SELECT count(*) FROM mentions WHERE phone = ?", ["+8613800004242"]

    def raw() -> None:
        cur = con.cursor()
        cur.execute(query, params).fetchall()
        cur.close()

    def gated(token: str) -> None:
        with person_data(con, token=token, action="bench", case=case, why="bench") as pd:
            pd.result_count = len(pd.sql(query, params).fetchall())

    def login_and_read() -> None:
        gated(auth.open_session(con, "ana", "bench-password")[1])

    raw_ms = _median_ms(raw, args.repeats)
    token = auth.open_session(con, "ana", "bench-password")[1]  # what `docket login` caches
    token_ms = _median_ms(lambda: gated(token), args.repeats)
    env_ms = _median_ms(login_and_read, args.repeats)

    n = args.appends
    t0 = time.perf_counter()
    for i in range(n):
        audit.record(con, action="bench.append", outcome="ok", user="ana", why=f"r{i}")
    append_s = time.perf_counter() - t0
    con.execute("CREATE TABLE plain AS SELECT * FROM audit_log LIMIT 0")
    t0 = time.perf_counter()
    for i in range(n):
        con.execute(
            "INSERT INTO plain (seq, logged_at, action, category, objects, params, client, "
            "outcome, prev_hash, hash) VALUES (?, now(), 'bench', 'x', '[]', '{}', 'l', 'ok', "
            "'', '')",
            [i],
        )
    plain_s = time.perf_counter() - t0
    con.close()

    trail = tmp / "trail.duckdb"
    import duckdb

    tcon = duckdb.connect(str(trail))
    from docket.store import ddl_statements

    for ddl in ddl_statements():
        tcon.execute(ddl)
    chain = _chain(args.trail)
    tcon.register("chain", chain)
    tcon.execute("INSERT INTO audit_log SELECT * FROM chain")
    tcon.execute("INSERT INTO audit_head SELECT seq, hash FROM chain ORDER BY seq DESC LIMIT 1")
    verify_s = _median_ms(lambda: audit.verify(tcon), 3) / 1000
    assert audit.verify(tcon).ok
    read_s = _median_ms(lambda: audit._rows(tcon), 3) / 1000
    tcon.close()

    rows = [
        ("one read of person data, token login", f"{token_ms:.2f} ms", f"raw query {raw_ms:.2f} ms",
         f"{token_ms / raw_ms:.1f}x"),
        ("one read after a password login (argon2id verify)", f"{env_ms:.1f} ms",
         f"raw query {raw_ms:.2f} ms", f"{env_ms / raw_ms:.0f}x"),
        (f"audit append ({n:,} rows, one transaction each)", f"{n / append_s:,.0f} rows/s",
         f"plain INSERT {n / plain_s:,.0f} rows/s", f"{plain_s / append_s:.2f}x"),
        (f"audit verify ({args.trail:,} rows)", f"{args.trail / verify_s:,.0f} rows/s "
         f"({verify_s:.2f} s)", f"read only {args.trail / read_s:,.0f} rows/s",
         f"{verify_s / read_s:.1f}x"),
    ]  # fmt: skip
    table = "\n".join(
        ["| measure | Docket | baseline (same run) | ratio |", "|---|---|---|---|"]
        + [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]
    )
    text = (
        f"{SECTION}\n\n"
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC · {machine()} · load average "
        f"{load_before:.1f} before, {os.getloadavg()[0]:.1f} after (shared machine) · "
        f"`.venv/bin/python -m bench.run governance`\n\n"
        f"A point query on {args.mentions:,} mentions through `person_data` (check the "
        "session token, role, case and membership, audit with result count) against the same "
        "query on a raw cursor; medians of "
        f"{args.repeats}. Password authentication is argon2id at its default cost on purpose "
        "(a script with DOCKET_USER/DOCKET_PASSWORD pays it once per command; tokens avoid "
        "it). Appends commit "
        "one hash-chained row each; verify recomputes every row's SHA-256 in storage and seq "
        "order.\n\n"
        f"{table}\n"
    )
    print(text)
    if not args.no_write:
        write_section(SECTION, text)


if __name__ == "__main__":
    main()
