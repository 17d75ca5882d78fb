"""Anchors: the audit trail's head, signed and kept outside the database.

The hash chain shows edits of single rows, but whoever can write the database can also
cut the trail short, or rewrite it and recompute every later hash. An anchor is a line
`{"seq", "hash", "at", "store", "sig"}` appended to a sink outside the database: a file
(by default `$DOCKET_HOME/audit-anchors.jsonl`; better on another machine or account), the
system log, or a webhook. `sig` is an HMAC-SHA256 with a key file the database never holds
(`$DOCKET_HOME/keys/audit-anchor.key`, 0600).

`verify` then checks every anchor a file sink holds against the trail: an anchored row
that is missing (the trail is shorter), or whose hash differs (rewritten), breaks it, and
so does an empty trail on a store that has users. A new anchor is written only when the
trail still matches the previous ones, so an anchor can never bless a cut trail.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import syslog
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from docket.errors import InputError, StoreError
from docket.store.files import make_private

KEY_NAME = "audit-anchor"
DEFAULT_FILE = "audit-anchors.jsonl"


@dataclass(frozen=True)
class Anchor:
    seq: int
    hash: str
    at: str
    store: str
    sig: str

    def body(self) -> str:
        return json.dumps(
            {"seq": self.seq, "hash": self.hash, "at": self.at, "store": self.store},
            sort_keys=True,
            separators=(",", ":"),
        )


def _sign(key: bytes, anchor: Anchor) -> str:
    return hmac.new(key, anchor.body().encode(), hashlib.sha256).hexdigest()


def file_of(sink: str) -> Path | None:
    """The file a sink names (`file:PATH` or a plain path), or None for syslog / a webhook."""
    if sink == "syslog" or sink.startswith(("http://", "https://")):
        return None
    return Path(sink.removeprefix("file:"))


def read(path: Path, key: bytes) -> list[Anchor]:
    """Every anchor of a file sink, oldest first; a line whose signature fails is forged."""
    if not path.exists():
        return []
    out = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            anchor = Anchor(int(data["seq"]), str(data["hash"]), str(data["at"]),
                            str(data["store"]), str(data["sig"]))  # fmt: skip
        except (ValueError, KeyError, TypeError):
            raise StoreError(f"{path}: line {number} is not an anchor") from None
        if not hmac.compare_digest(anchor.sig, _sign(key, anchor)):
            raise StoreError(
                f"{path}: anchor on line {number} (row {anchor.seq}) does not carry a valid "
                "signature: the anchors were edited",
                hint="restore the anchors from their copy elsewhere",
            )
        out.append(anchor)
    return out


def check(con: duckdb.DuckDBPyConnection, anchors: list[Anchor]) -> tuple[int, str] | None:
    """(row, problem) of the first anchored row the trail no longer holds as anchored."""
    if not anchors:
        return None
    cur = con.cursor()
    try:
        stored = dict(
            cur.execute(
                "SELECT seq, hash FROM audit_log WHERE seq IN (SELECT unnest(?::BIGINT[]))",
                [[a.seq for a in anchors]],
            ).fetchall()
        )
        last = cur.execute("SELECT max(seq) FROM audit_log").fetchall()[0][0]
    finally:
        cur.close()
    for a in sorted(anchors, key=lambda x: x.seq):
        if a.seq not in stored:
            held = "the trail is empty" if last is None else f"it ends at row {last}"
            return a.seq, (
                f"row {a.seq}, anchored at {a.at}, is missing: the trail was cut short ({held})"
            )
        if stored[a.seq] != a.hash:
            return a.seq, f"row {a.seq} differs from its anchor of {a.at}: the trail was rewritten"
    return None


def head(con: duckdb.DuckDBPyConnection) -> tuple[int, str] | None:
    cur = con.cursor()
    try:
        found = cur.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchall()
    finally:
        cur.close()
    return (int(found[0][0]), str(found[0][1])) if found else None


def append(
    con: duckdb.DuckDBPyConnection, key: bytes, sink: str, *, store: str, force: bool = False
) -> Anchor | None:
    """Sign the trail's head and append it to `sink`; None when the head is already anchored
    there (unless `force`). Refuses when the trail no longer matches a file sink's anchors."""
    top = head(con)
    if top is None:
        return None
    path = file_of(sink)
    if path is not None:
        known = read(path, key)
        broken = check(con, known)
        if broken is not None:
            raise StoreError(
                f"not anchoring: {broken[1]}", hint="run `docket audit verify` and investigate"
            )
        if known and known[-1].seq == top[0] and not force:
            return None
    unsigned = Anchor(top[0], top[1], datetime.now(UTC).isoformat(), store, "")
    anchor = Anchor(unsigned.seq, unsigned.hash, unsigned.at, unsigned.store, _sign(key, unsigned))
    line = json.dumps({**json.loads(anchor.body()), "sig": anchor.sig}, sort_keys=True)
    _write(sink, path, line)
    return anchor


def _write(sink: str, path: Path | None, line: str) -> None:
    if path is not None:
        make_private()
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        with os.fdopen(fd, "a", encoding="utf-8") as f:
            f.write(line + "\n")
            f.flush()
            os.fsync(f.fileno())
        return
    if sink == "syslog":
        syslog.openlog("docket", 0, syslog.LOG_AUTH)
        syslog.syslog(syslog.LOG_NOTICE, f"audit-anchor {line}")
        return
    import httpx

    try:
        httpx.post(sink, content=line, headers={"Content-Type": "application/json"}, timeout=10)
    except httpx.HTTPError as exc:
        raise InputError("anchor sink", f"cannot post the anchor to {sink}: {exc}") from None
