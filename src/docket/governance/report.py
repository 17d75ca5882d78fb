"""The subject report: what Docket holds about one person, and every consultation of it.

For auditors (and, on request, the data subject's lawyer): per source, how many
mentions, holdings and event parties the entity has, when they were loaded and
how long they are kept; the cases it is linked to; and every audit row naming
the entity or one of its former ids — who, when, for which case, why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from docket.governance import audit
from docket.governance.handles import Operation, operation_path
from docket.store.entities import all_ids, current_id, cursor_query


@dataclass(frozen=True)
class SourceHolding:
    source: str
    mentions: int
    holdings: int
    event_parties: int
    first_loaded: datetime | None
    last_loaded: datetime | None
    retention_days: int | None


@dataclass
class SubjectReport:
    entity: str  # as asked
    current: str | None  # after redirects; None when the entity no longer exists
    ids: list[str]  # current and former ids
    sources: list[SourceHolding] = field(default_factory=list)
    cases: list[tuple[str, str, str]] = field(default_factory=list)  # (case, category, status)
    consultations: list[audit.AuditRow] = field(default_factory=list)


@operation_path("report.subject")
def subject(op: Operation, entity: str) -> SubjectReport:
    """Build the report, inside the auditor's operation."""
    con = op.con
    query = cursor_query(con)
    current = current_id(query, entity)
    ids = sorted(set(all_ids(query, current or entity)) | {entity})
    report = SubjectReport(entity, current, ids)
    cur = con.cursor()
    try:
        if current is not None:
            cur.execute(
                "CREATE OR REPLACE TEMP TABLE _subject AS SELECT m.mention_id, m.source, "
                "m.loaded_at FROM entity_mentions em JOIN mentions m USING (mention_id) "
                "WHERE em.entity_id = ?",
                [current],
            )
            base = cur.execute(
                "SELECT source, count(*), min(loaded_at), max(loaded_at) FROM _subject "
                "GROUP BY source ORDER BY source"
            ).fetchall()
            held = dict(
                cur.execute(
                    "SELECT s.source, count(*) FROM holdings h JOIN _subject s USING (mention_id) "
                    "GROUP BY s.source"
                ).fetchall()
            )
            parties = dict(
                cur.execute(
                    "SELECT s.source, count(*) FROM event_parties p "
                    "JOIN _subject s USING (mention_id) GROUP BY s.source"
                ).fetchall()
            )
            keep = dict(
                cur.execute(
                    "SELECT source, max(retention_days) FROM sources GROUP BY source"
                ).fetchall()
            )
            report.sources = [
                SourceHolding(src, n, held.get(src, 0), parties.get(src, 0), lo, hi, keep.get(src))
                for src, n, lo, hi in base
            ]
        report.cases = [
            (str(a), str(b), str(c))
            for a, b, c in cur.execute(
                "SELECT s.case_id, s.category, c.status FROM case_subjects s "
                "JOIN cases c ON c.case_id = s.case_id "
                "WHERE s.entity_id IN (SELECT unnest(?::VARCHAR[])) ORDER BY s.case_id",
                [ids],
            ).fetchall()
        ]
    finally:
        cur.close()
    first = min((s.first_loaded for s in report.sources if s.first_loaded), default=None)
    report.consultations = audit.consultations_of(con, ids, bulk_since=first)
    return report
