"""What the admin sees of loaded sources: files with counts and retention, and where and
why rows were rejected — row numbers and problems, never the values (those are person
data: `export quarantine` gives them to a case member)."""

from __future__ import annotations

from pathlib import Path

from docket.governance import inputs
from docket.governance.handles import Operation, operation_path
from docket.session.results import QuarantineSummary, ReasonCount, RejectedRow, SourceFile


@operation_path("sources.list")
def source_files(op: Operation) -> list[SourceFile]:
    """Every loaded source file, by source and load time."""
    rows = op.con.execute(
        "SELECT source, file, sha256, rows_read, rows_stored, rows_quarantined, "
        "loaded_at, retention_days, loaded_at + to_days(retention_days), legal_basis "
        "FROM sources ORDER BY source, loaded_at"
    ).fetchall()
    op.result_count = len(rows)
    return [SourceFile(*r) for r in rows]


@operation_path("quarantine.show")
def quarantine_summary(op: Operation, source: str | None, limit: int) -> QuarantineSummary:
    """Rejected rows by reason, and the first `limit` of them (source, file, row, problem)."""
    src = inputs.optional_text("source", source, limit=200)
    n = inputs.positive("--limit", limit, maximum=100_000)
    where, args = ("WHERE source = ?", [src]) if src else ("", [])
    cur = op.con
    total = cur.execute(f"SELECT count(*) FROM quarantine {where}", args).fetchall()[0][0]
    by_reason = cur.execute(
        "SELECT source, trim(regexp_extract(reason, '^[^:(]*')) AS why, count(*) "
        f"FROM quarantine {where} GROUP BY ALL ORDER BY 3 DESC, 1, 2",
        args,
    ).fetchall()
    rows = cur.execute(
        "SELECT source, file, row_number, trim(regexp_extract(reason, '^[^:]*')) "
        f"FROM quarantine {where} ORDER BY source, file, row_number LIMIT {int(n)}",
        args,
    ).fetchall()
    op.result_count = len(rows)
    return QuarantineSummary(
        int(total),
        [ReasonCount(*r) for r in by_reason],
        [RejectedRow(s, Path(f).name, int(k), p) for s, f, k, p in rows],
    )
