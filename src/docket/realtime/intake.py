"""Real-time intake: a batch of records in a source's own shape, committed before it is
acknowledged.

A batch is NDJSON: one JSON object per line, keyed by the column names the source's
mapping reads (whatever its file format is). It goes through the same mapping,
normalisers and quarantine as bulk ingest — written to a private temporary file and
ingested in one transaction — so a bad record is quarantined with its reason and never
fails its neighbours. The batch is recorded in `sources` as file `intake:<hash>` in that
same transaction: that row is the durable queue entry the processor (processor.py) picks
up, so a crash after the commit loses nothing and a crash before it leaves nothing.
Delivering the same batch again changes nothing (same hash); a record delivered again in
another batch replaces the earlier one (same source and record key): exactly once.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from docket.errors import Forbidden, InputError
from docket.governance import users
from docket.governance.handles import Operation, operation_path
from docket.governance.roles import FEED
from docket.sources.ingest import ingest_file
from docket.sources.mapping import SourceMapping, shipped_mappings
from docket.sources.readers import RECORDS
from docket.store.files import make_private

MAX_RECORDS = 10_000
LABEL = "intake:"


@dataclass(frozen=True)
class RecordOutcome:
    line: int  # 1-based line of the batch
    outcome: str  # stored | quarantined
    reason: str | None = None


@dataclass
class Delivery:
    """What became of a batch: committed (or already delivered), record by record."""

    source: str
    batch: str  # 'intake:<sha256 prefix>'
    status: str  # stored | duplicate (the same batch was delivered before: nothing changed)
    received: int
    stored: int
    quarantined: int
    acknowledged_at: datetime
    records: list[RecordOutcome] = field(default_factory=list)


def intake_mapping(source: str) -> SourceMapping:
    """The mapping of a source, reading NDJSON records keyed by its column names."""
    for m in shipped_mappings():
        if m.name == source:
            return replace(m, format=RECORDS, encoding="utf-8")
    known = ", ".join(m.name for m in shipped_mappings())
    raise InputError("source", f"no mapping named {source!r}", hint=f"one of: {known}")


@operation_path("intake.deliver")
def deliver(op: Operation, source: str, body: bytes, *, workdir: Path) -> Delivery:
    """Commit one batch of `source`'s records (NDJSON `body`) and say what became of each.
    A feed delivers only the sources its account is bound to."""
    mapping = intake_mapping(source)
    if op.role == FEED and source not in users.feed_sources(op.con, op.user):
        raise Forbidden(f"feed {op.user} is not bound to the source {source}")
    lines = body.split(b"\n")
    received = sum(1 for line in lines if line.strip())
    if received == 0:
        raise InputError("body", "no records: send one JSON object per line (NDJSON)")
    if received > MAX_RECORDS:
        raise InputError(
            "body", f"{received:,} records; at most {MAX_RECORDS:,} per request", hint="split it"
        )
    sha = hashlib.sha256(body).hexdigest()
    label = f"{LABEL}{sha[:32]}"
    make_private()
    workdir.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = workdir / f"{source}-{sha[:32]}.jsonl"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(body)
        result = ingest_file(op, path, mapping, label=label)
    finally:
        path.unlink(missing_ok=True)
    rejected = dict(
        op.con.execute(
            "SELECT row_number, reason FROM quarantine WHERE source = ? AND file = ?",
            [source, label],
        ).fetchall()
    )
    records = [
        RecordOutcome(n, "quarantined", str(rejected[n]))
        if n in rejected
        else RecordOutcome(n, "stored")
        for n, line in enumerate(lines, 1)
        if line.strip()
    ]
    op.objects.append(label)
    op.result_count = received - len(rejected)
    op.params.update(source=source, received=received, quarantined=len(rejected))
    return Delivery(
        source=source,
        batch=label,
        status="duplicate" if result.status == "skipped" else "stored",
        received=received,
        stored=received - len(rejected),
        quarantined=len(rejected),
        acknowledged_at=datetime.now(UTC),
        records=records,
    )
