"""What session methods return, where no domain module already has the type.

Plain dataclasses of plain values, so that the service sends them as JSON and its
clients (the CLI with DOCKET_URL) read them back into the same types.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from docket.governance.cases import Case
from docket.sources.ingest import FileResult


@dataclass(frozen=True)
class Identity:
    """Who a session belongs to."""

    user: str
    role: str


@dataclass(frozen=True)
class FailedFile:
    path: str
    message: str


@dataclass
class IngestReport:
    """What `ingest` did with each file; files no mapping recognises were not read."""

    results: list[FileResult] = field(default_factory=list)
    failed: list[FailedFile] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)

    @property
    def rows_stored(self) -> int:
        return sum(r.rows_stored for r in self.results)


@dataclass(frozen=True)
class SourceFile:
    """One loaded source file, with its counts, freshness and retention."""

    source: str
    file: str
    sha256: str
    rows_read: int
    rows_stored: int
    rows_quarantined: int
    loaded_at: datetime
    retention_days: int | None
    expires_at: datetime | None
    legal_basis: str | None


@dataclass(frozen=True)
class ReasonCount:
    source: str
    reason: str
    rows: int


@dataclass(frozen=True)
class RejectedRow:
    """Where a row was rejected and why: never its values."""

    source: str
    file: str
    row_number: int
    problem: str


@dataclass(frozen=True)
class QuarantineSummary:
    total: int
    by_reason: list[ReasonCount]
    rows: list[RejectedRow]


@dataclass(frozen=True)
class CaseMember:
    user: str
    role: str


@dataclass(frozen=True)
class CaseSubject:
    entity_id: str
    category: str


@dataclass(frozen=True)
class CaseDetail:
    case: Case
    members: list[CaseMember]
    subjects: list[CaseSubject]


@dataclass(frozen=True)
class Exported:
    """An export written to its destination: how many rows or records."""

    count: int
    what: str  # mentions | entities | rows


@dataclass(frozen=True)
class ReviewDate:
    case_id: str
    review_date: date
