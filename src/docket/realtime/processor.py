"""Processing committed intake batches: resolve, match, alert — once each, in order.

The queue is the store itself: every `sources` row of an intake batch (`intake:…`) with no
`realtime_done` row is pending, oldest first. One micro-batch takes all pending batches,
attaches their new mentions to entities (attach.py), matches their records against the
active watchlist entries, stores the alerts and marks the batches done — in one
transaction, under the service's audited system operation. Only then are the alerts
published (bus.py) and posted to case webhooks. A crash anywhere leaves the batches
pending, and the next start processes them: "processing resumes where it stopped".

In the service a `Processor` thread runs micro-batches as deliveries wake it; a program
without the service calls `process_pending` itself.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import duckdb
import httpx

from docket.governance import audit, gate, watchlist
from docket.governance.handles import Operation, operation_path
from docket.realtime.alerts import Alert, audit_alerts, raise_alerts
from docket.realtime.attach import attach
from docket.realtime.intake import LABEL

log = logging.getLogger("docket.realtime")
MAX_BATCHES = 200  # intake batches per micro-batch


@dataclass
class Processed:
    batches: int = 0
    mentions: int = 0
    attached: int = 0
    alerts: list[Alert] = field(default_factory=list)
    seconds: float = 0.0


def pending(
    con: duckdb.DuckDBPyConnection, limit: int = MAX_BATCHES
) -> list[tuple[str, str, datetime]]:
    """(source, sha256, acknowledged at) of the committed intake batches not yet processed."""
    cur = con.cursor()
    try:
        rows = cur.execute(
            "SELECT s.source, s.sha256, s.loaded_at FROM sources s "
            "WHERE starts_with(s.file, ?) AND NOT EXISTS (SELECT 1 FROM realtime_done d "
            "WHERE d.source = s.source AND d.sha256 = s.sha256) ORDER BY s.loaded_at LIMIT ?",
            [LABEL, limit],
        ).fetchall()
    finally:
        cur.close()
    return [(str(a), str(b), c) for a, b, c in rows]


@operation_path("realtime.process")
def process_pending(op: Operation) -> Processed:
    """Process every pending intake batch, a micro-batch at a time, inside the operation
    (an admin's, or the service's system operation); returns what was done. The alerts
    returned are stored and audited; publishing them is the caller's."""
    out = Processed()
    t0 = time.perf_counter()
    con = op.con
    while batches := pending(con):
        pairs = [(s, h) for s, h, _ in batches]
        con.execute("BEGIN TRANSACTION")
        try:
            attached = attach(op, pairs)
            alerts = raise_alerts(op, batches, watchlist.active_entries(con))
            con.executemany(
                "INSERT INTO realtime_done VALUES (?, ?, now(), ?, ?)",
                [[s, h, attached.new_mentions, len(alerts)] for s, h in pairs],
            )
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        audit_alerts(con, alerts)
        op.objects.extend(a.alert_id for a in alerts)
        out.batches += len(batches)
        out.mentions += attached.new_mentions
        out.attached += attached.attached
        out.alerts.extend(alerts)
    op.result_count = len(out.alerts)
    op.params.update(batches=out.batches, mentions=out.mentions, attached=out.attached)
    out.seconds = time.perf_counter() - t0
    return out


def post_webhooks(con: duckdb.DuckDBPyConnection, alerts: list[Alert]) -> None:
    """Post each alert to its case's webhook, if one is set (audited, failures too)."""
    if not alerts:
        return
    cur = con.cursor()
    try:
        hooks = dict(cur.execute("SELECT case_id, url FROM case_webhooks").fetchall())
    finally:
        cur.close()
    for a in alerts:
        url = hooks.get(a.case_id)
        if url is None:
            continue
        try:
            r = httpx.post(url, content=json.dumps(a.message()), timeout=5,
                           headers={"Content-Type": "application/json"})  # fmt: skip
            outcome, detail = ("ok", None) if r.is_success else ("failed", f"HTTP {r.status_code}")
        except httpx.HTTPError as exc:
            outcome, detail = "failed", str(exc)[:300]
        audit.record(
            con, action="alert.webhook", outcome=outcome, user="docket", case=a.case_id,
            objects=[a.alert_id], params={"url": url}, detail=detail, category="disclosure",
        )  # fmt: skip


class Processor:
    """A background thread processing intake batches as they are committed."""

    def __init__(
        self,
        connect: Callable[[], duckdb.DuckDBPyConnection],
        publish: Callable[[list[Alert]], object],
        *,
        idle: float = 1.0,
    ) -> None:
        self._connect = connect
        self._publish = publish
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._idle = idle
        self._thread = threading.Thread(target=self._run, name="docket-realtime", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def wake(self) -> None:
        """A batch was committed: process it now."""
        self._wake.set()

    def stop(self, timeout: float = 30) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self._idle)
            self._wake.clear()
            try:
                con = self._connect()
                try:
                    if not pending(con, 1):
                        continue
                    with gate.system_operation(con, action="realtime.process") as op:
                        done = process_pending(op)
                    if done.alerts:
                        self._publish(done.alerts)
                        post_webhooks(con, done.alerts)
                finally:
                    con.close()
            except Exception:  # keep serving; the batch stays pending and is retried
                log.exception("processing intake batches failed; they stay pending")
                self._stop.wait(self._idle)
