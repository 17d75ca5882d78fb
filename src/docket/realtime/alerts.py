"""Watchlist alerts: a resolved record of a person under an active warrant.

Only active entries match (approved, unexpired, on an open case: governance.watchlist).
An entry naming an entity matches records whose person belongs to it (a vehicle seen by a
camera: its holder); an entry of criteria matches records whose person carries every
criterion (identity number, passport, phone, e-mail, name with birth date, region).

    check-in   a hotel stay
    booking    a ticket bought (rail or air), with destination and departure
    arrival    a trip whose destination lies in the entry's jurisdiction (region prefix)
    sighting   a camera read of a vehicle the person holds

An alert carries the record, the entity, the entry, its warrant and case, and the evidence
with its confidence. It is stored once per entry and record (`UNIQUE (entry_id,
event_id, kind)`), audited, then pushed to the case's members (bus.py) and its webhook.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import duckdb
import pyarrow as pa

from docket.governance import audit
from docket.governance.handles import Operation, PersonData, operation_path, read_path
from docket.governance.watchlist import Entry

KINDS = ("check-in", "booking", "arrival", "sighting")
_CRITERIA = ("id_number", "passport", "phone", "email", "name_key", "birth_date", "region_code")
_STRONG = ("id_number", "passport", "phone", "email")


@dataclass(frozen=True)
class Alert:
    alert_id: str
    kind: str
    entry_id: str
    case_id: str
    warrant_ref: str
    entity_id: str | None
    mention_id: str | None
    event_id: str
    source: str
    record_key: str
    place_id: str | None
    event_at: datetime | None
    evidence: dict[str, Any]
    confidence: float
    received_at: datetime
    created_at: datetime

    def message(self) -> dict[str, Any]:
        """The alert as pushed (SSE, webhook): plain JSON values."""
        return {
            "alert_id": self.alert_id, "kind": self.kind, "entry_id": self.entry_id,
            "case_id": self.case_id, "warrant_ref": self.warrant_ref,
            "entity_id": self.entity_id, "mention_id": self.mention_id,
            "event_id": self.event_id, "source": self.source, "record_key": self.record_key,
            "place_id": self.place_id,
            "event_at": self.event_at.isoformat() if self.event_at else None,
            "evidence": self.evidence, "confidence": self.confidence,
            "received_at": self.received_at.isoformat(),
            "created_at": self.created_at.isoformat(),
        }  # fmt: skip


def _entries_table(entries: Sequence[Entry]) -> pa.Table:
    cols: dict[str, list[Any]] = {
        k: [] for k in ("entry_id", "case_id", "warrant_ref", "entity_id", "jurisdiction",
                        *_CRITERIA)
    }  # fmt: skip
    for e in entries:
        cols["entry_id"].append(e.entry_id)
        cols["case_id"].append(e.case_id)
        cols["warrant_ref"].append(e.warrant_ref)
        cols["entity_id"].append(e.entity_id)
        cols["jurisdiction"].append(e.jurisdiction)
        for c in _CRITERIA:
            cols[c].append(e.criteria.get(c))
    return pa.table({k: pa.array(v, pa.string()) for k, v in cols.items()})


# A record's person: the party mention of a stay or trip, or a sighted vehicle's holder.
_HITS = """
WITH batch AS (SELECT unnest($s) AS source, unnest($h) AS sha),
ev AS (
    SELECT e.event_id, e.kind, e.start_at, e.source, e.record_key, e.file_sha256,
           e.properties, p.mention_id, e.place_id
    FROM events e JOIN batch b ON b.source = e.source AND b.sha = e.file_sha256
    JOIN event_parties p ON p.event_id = e.event_id AND p.mention_id IS NOT NULL
    WHERE e.kind IN ('Stay', 'Trip')
    UNION ALL
    SELECT e.event_id, e.kind, e.start_at, e.source, e.record_key, e.file_sha256,
           e.properties, h.mention_id, cam.thing_id
    FROM events e JOIN batch b ON b.source = e.source AND b.sha = e.file_sha256
    JOIN event_parties v ON v.event_id = e.event_id AND v.role = 'vehicle'
    JOIN holdings h ON h.thing_id = v.thing_id
    LEFT JOIN event_parties cam ON cam.event_id = e.event_id AND cam.role = 'camera'
    WHERE e.kind = 'Sighting'
),
dest AS (
    SELECT p.event_id, t.thing_id, t.region_code FROM event_parties p
    JOIN things t ON t.thing_id = p.thing_id
    WHERE p.role = 'destination' AND p.event_id IN (SELECT event_id FROM ev)
)
SELECT ev.*, em.entity_id, d.thing_id AS dest_id, d.region_code AS dest_region,
       m.id_number, m.passport, m.phone, m.email, m.name_key,
       CAST(m.birth_date AS VARCHAR) AS birth_date, m.region_code,
       x.rule AS link_rule, x.match_weight AS link_weight
FROM ev JOIN mentions m USING (mention_id)
LEFT JOIN entity_mentions em USING (mention_id)
LEFT JOIN dest d USING (event_id)
LEFT JOIN (SELECT mention_id_r AS mention_id, first(rule) AS rule, max(match_weight) AS match_weight
           FROM match_evidence GROUP BY 1) x USING (mention_id)
"""

_CRITERIA_MATCH = " AND ".join(f"(w.{c} IS NULL OR w.{c} = h.{c})" for c in _CRITERIA)
_MATCH = f"""
WITH h AS ({_HITS}),
m AS (
    SELECT h.*, w.entry_id, w.case_id, w.warrant_ref, w.jurisdiction,
           w.entity_id IS NOT NULL AS by_entity
    FROM h JOIN watch w
      ON (w.entity_id IS NOT NULL AND w.entity_id = h.entity_id)
      OR (w.entity_id IS NULL AND {_CRITERIA_MATCH})
),
k AS (
    SELECT *, CASE kind WHEN 'Stay' THEN 'check-in' WHEN 'Sighting' THEN 'sighting'
                        ELSE 'booking' END AS alert_kind FROM m
    UNION ALL
    SELECT *, 'arrival' FROM m
    WHERE kind = 'Trip' AND jurisdiction IS NOT NULL AND starts_with(dest_region, jurisdiction)
)
SELECT * FROM k ORDER BY start_at, event_id, entry_id
"""


def _confidence(row: dict[str, Any], criteria: dict[str, str]) -> tuple[float, dict[str, Any]]:
    if row["by_entity"]:
        rule, weight = row.get("link_rule"), row.get("link_weight")
        if weight is not None:  # a model link: its probability
            p = 1.0 / (1.0 + 2.0 ** (-float(weight)))
            return round(p, 4), {"matched": "entity", "link": rule, "match_weight": weight}
        return 1.0, {"matched": "entity", "link": rule or "resolved"}
    fields = sorted(criteria)
    strong = any(f in _STRONG for f in fields)
    return (1.0 if strong else 0.9), {"matched": "criteria", "fields": fields}


@operation_path("realtime.alerts")
def raise_alerts(
    op: Operation,
    batches: list[tuple[str, str, datetime]],
    entries: Sequence[Entry],
) -> list[Alert]:
    """Match the batches' records against the active `entries`; store each new alert (one
    per entry, record and kind) in the caller's transaction. `batches`: (source, sha256,
    acknowledged at)."""
    if not entries or not batches:
        return []
    con = op.con
    con.register("watch", _entries_table(entries))
    try:
        result = con.execute(_MATCH, {"s": [b[0] for b in batches], "h": [b[1] for b in batches]})
        names = [d[0] for d in result.description or []]
        rows = [dict(zip(names, r, strict=True)) for r in result.fetchall()]
    finally:
        con.unregister("watch")
    seen = {  # raised before: an event delivered again alerts no more
        (str(a), str(b), str(c))
        for a, b, c in con.execute(
            "SELECT entry_id, event_id, kind FROM alerts "
            "WHERE event_id IN (SELECT unnest(?::VARCHAR[]))",
            [sorted({str(r["event_id"]) for r in rows})],
        ).fetchall()
    }
    acked = {(b[0], b[1]): b[2] for b in batches}
    by_entry = {e.entry_id: e for e in entries}
    out: list[Alert] = []
    for r in rows:
        key = (r["entry_id"], r["event_id"], r["alert_kind"])
        if key in seen:
            continue
        seen.add(key)
        confidence, evidence = _confidence(r, by_entry[r["entry_id"]].criteria)
        place = r["dest_id"] if r["kind"] == "Trip" else r["place_id"]
        out.append(
            Alert(
                alert_id="A-" + secrets.token_hex(8),
                kind=r["alert_kind"],
                entry_id=r["entry_id"],
                case_id=r["case_id"],
                warrant_ref=r["warrant_ref"],
                entity_id=r["entity_id"],
                mention_id=r["mention_id"],
                event_id=r["event_id"],
                source=r["source"],
                record_key=r["record_key"],
                place_id=place,
                event_at=r["start_at"],
                evidence={**evidence, "record": r["event_id"], "service": _service(r)},
                confidence=confidence,
                received_at=acked[(r["source"], r["file_sha256"])],
                created_at=datetime.now(UTC),
            )
        )
    _store(con, out)
    return out


def _service(row: dict[str, Any]) -> str | None:
    props = row.get("properties")
    if not props:
        return None
    value = json.loads(props).get("service") if isinstance(props, str) else None
    return str(value) if value else None


def _store(con: duckdb.DuckDBPyConnection, alerts: list[Alert]) -> None:
    """Insert the alerts (one per entry, record and kind), in the caller's transaction."""
    for a in alerts:
        con.execute(
            "INSERT INTO alerts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [a.alert_id, a.kind, a.entry_id, a.case_id, a.warrant_ref, a.entity_id,
             a.mention_id, a.event_id, a.source, a.record_key, a.place_id, a.event_at,
             json.dumps(a.evidence), a.confidence, a.received_at, a.created_at],
        )  # fmt: skip


def audit_alerts(con: duckdb.DuckDBPyConnection, alerts: list[Alert]) -> None:
    """One audit row per stored alert, under its case (before it is pushed to anyone)."""
    for a in alerts:
        audit.record(
            con, action="alert.raise", outcome="ok", user="docket", case=a.case_id,
            objects=[o for o in (a.entity_id, a.alert_id, a.event_id) if o],
            params={"kind": a.kind, "entry": a.entry_id, "confidence": a.confidence},
            category="watchlist",
        )  # fmt: skip


_SELECT = (
    "SELECT alert_id, kind, entry_id, case_id, warrant_ref, entity_id, mention_id, event_id, "
    "source, record_key, place_id, event_at, evidence, confidence, received_at, created_at "
    "FROM alerts"
)


def _alert(row: tuple[Any, ...]) -> Alert:
    values = list(row)
    values[12] = json.loads(values[12]) if isinstance(values[12], str) else values[12]
    return Alert(*values)


@read_path("alerts.list")
def case_alerts(pd: PersonData, *, limit: int = 100) -> list[Alert]:
    """The newest alerts of the handle's case, oldest first."""
    rows = pd.sql(f"{_SELECT} WHERE case_id = ? ORDER BY created_at DESC LIMIT ?", [pd.case, limit])
    found = [_alert(r) for r in rows.fetchall()][::-1]
    pd.objects.extend(a.entity_id for a in found if a.entity_id)
    pd.result_count = len(found)
    return found
