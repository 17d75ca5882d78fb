"""Bulk ingest: each file through its mapping into the store, in one transaction.

Per file: stage (DuckDB reader), normalise (lookups of distinct values, one SELECT) and
group its things, all in temporary tables; then, in one transaction, quarantine the rows
that fail, insert canonical rows and record the source row, so a crash leaves nothing of
the file visible (committed files are durable in the WAL; the checkpoint into the store
file happens once, at close). A file already loaded (same source, same SHA-256) is
skipped; a new version of a source's file replaces the earlier rows with the same record
keys. `ingest_files` (what `docket ingest` runs) reads and normalises the next file on a
second connection while one is written, and writes files in the order given.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import CancelledError, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from docket.errors import DocketError, IngestError
from docket.governance.handles import Operation, operation_path
from docket.normalize.sql import lookup_query
from docket.sources.compile import NORM, Lookup, compile_plan, normalizer_types
from docket.sources.compile import Plan as CompiledPlan
from docket.sources.mapping import SourceMapping, shipped_mappings
from docket.sources.readers import REJ, drop_temps, lit, stage

Step = Callable[[str], None]


@dataclass
class FileResult:
    """What became of one file."""

    source: str
    file: str
    sha256: str
    status: str  # "loaded" | "skipped"
    rows_read: int = 0
    rows_stored: int = 0
    rows_quarantined: int = 0
    inserted: dict[str, int] = field(default_factory=dict)  # table → rows
    seconds: float = 0.0
    normalising: float = 0.0  # of `seconds`, in the normalisers (lookups)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def install_normalizers(con: duckdb.DuckDBPyConnection) -> None:
    """Register the norm_* SQL functions on `con` unless they are there already."""
    have = con.execute(
        "SELECT count(*) FROM duckdb_functions() WHERE function_name = 'norm_name'"
    ).fetchall()[0][0]
    if have:
        return
    from docket.normalize import sql as norm_sql

    norm_sql.install(con)


def find_files(paths: Iterable[Path | str]) -> list[Path]:
    """Files given, and files under folders given (recursively, hidden ones skipped)."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out += sorted(
                f
                for f in p.rglob("*")
                if f.is_file() and not any(part.startswith(".") for part in f.relative_to(p).parts)
            )
        elif p.is_file():
            out.append(p)
        else:
            raise IngestError(f"{p}: no such file or folder")
    return out


def match(path: Path, mappings: Sequence[SourceMapping]) -> SourceMapping | None:
    """The first mapping whose file patterns recognise `path` (given mappings come first)."""
    return next((m for m in mappings if m.matches(path)), None)


def mappings_for(given: Sequence[Path | str] = ()) -> list[SourceMapping]:
    """Given mapping files (validated, first) followed by the shipped ones."""
    from docket.sources.mapping import load_mapping

    return [load_mapping(p) for p in given] + shipped_mappings()


def _drop_temps(con: duckdb.DuckDBPyConnection) -> None:
    """Drop every staging table and view (all temporary ones named _docket_*)."""
    drop_temps(con)


# Settings for bulk loading, on the whole database instance:
# - checkpoint_threshold: DuckDB checkpoints when a commit leaves the WAL above it; per file
#   that rewrote the store's growing tables again and again. Ingest defers it to closing the
#   store (or an explicit CHECKPOINT): once per `docket ingest`, not once per file.
# - block_allocator_memory: buffers up to this size are kept for reuse instead of going back
#   to the operating system after each statement (less kernel time; docs/benchmarks.md,
#   "Ingest notes"). Nothing is reserved up front.
_BULK_SETTINGS = {"checkpoint_threshold": "64GiB", "block_allocator_memory": "2GiB"}


def bulk_settings(con: duckdb.DuckDBPyConnection) -> None:
    """Tune the database instance of `con` for bulk loading (see _BULK_SETTINGS)."""
    for name, value in _BULK_SETTINGS.items():
        con.execute(f"SET {name} = '{value}'")


def _one(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    return int(con.execute(sql).fetchall()[0][0])


@dataclass
class _Prepared:
    """A file read and normalised into the temporary tables of one connection."""

    m: SourceMapping
    path: Path
    plan: CompiledPlan
    result: FileResult


def _loaded(con: duckdb.DuckDBPyConnection, m: SourceMapping, sha: str) -> bool:
    """True when this file (same source, same SHA-256) is loaded already."""
    sql = "SELECT count(*) FROM sources WHERE source = ? AND sha256 = ?"
    return int(con.execute(sql, [m.name, sha]).fetchall()[0][0]) > 0


def _prepare(
    con: duckdb.DuckDBPyConnection, path: Path, m: SourceMapping, say: Step
) -> _Prepared | FileResult:
    """Stage and normalise `path` into temporary tables (no persistent write); a FileResult
    instead when the same file is loaded already."""
    sha = sha256_file(path)
    if _loaded(con, m, sha):
        return FileResult(m.name, str(path), sha, "skipped")
    install_normalizers(con)
    bulk_settings(con)
    types = normalizer_types(con)
    result = FileResult(m.name, str(path), sha, "loaded")
    # Staging lives in temporary tables only (no persistent write yet). It runs in
    # autocommit mode: inside a transaction DuckDB's rowids do not follow file order.
    with tempfile.TemporaryDirectory(prefix="docket-ingest-") as tmp:
        say("reading")
        staged = stage(con, path, m, Path(tmp))
    plan = compile_plan(
        m, types, source=m.name, file=str(path), sha256=sha, transcoded=staged.transcoded
    )
    say("normalising")
    for norm_step in plan.norm:
        if isinstance(norm_step, Lookup):
            t0 = time.perf_counter()
            lookup_query(con, norm_step.kind, norm_step.query, norm_step.table)
            result.normalising += time.perf_counter() - t0
        else:
            con.execute(norm_step)
    n_rej = _one(con, f"SELECT count(*) FROM {REJ}")
    rows, bad, duplicates = con.execute(plan.counts).fetchall()[0]
    if duplicates:
        con.execute(plan.dedupe)
        bad = _one(con, f"SELECT count(*) FROM {NORM} WHERE __reason IS NOT NULL")
    for sql in plan.staged:
        con.execute(sql)
    result.rows_read = n_rej + int(rows)
    result.rows_quarantined = n_rej + int(bad)
    result.rows_stored = result.rows_read - result.rows_quarantined
    say("ready to write")
    return _Prepared(m, path, plan, result)


def _store(con: duckdb.DuckDBPyConnection, prep: _Prepared, say: Step) -> FileResult:
    """Write a prepared file in one transaction, unless the same file was loaded meanwhile."""
    r = prep.result
    if _loaded(con, prep.m, r.sha256):
        return FileResult(r.source, r.file, r.sha256, "skipped")
    had_rows = _one(con, f"SELECT count(*) FROM sources WHERE source = {lit(prep.m.name)}") > 0
    _write(con, prep.m, prep.path, r.sha256, prep.plan, r, had_rows, say)
    return r


@operation_path("ingest.file")
def ingest_file(
    op: Operation, path: Path, m: SourceMapping, *, step: Step | None = None
) -> FileResult:
    """Ingest one file with mapping `m` in one transaction, inside the admin's operation."""
    con = op.con
    started = time.perf_counter()
    say: Step = step or (lambda _s: None)
    _drop_temps(con)
    try:
        prep = _prepare(con, Path(path), m, say)
        result = prep if isinstance(prep, FileResult) else _store(con, prep, say)
    finally:
        _drop_temps(con)
    result.seconds = time.perf_counter() - started
    return result


Failure = tuple[Path, DocketError]


# Nice value of the thread that reads and normalises ahead: the writes are the critical path.
_READER_NICE = 5


def _lower_priority() -> None:
    """Let this thread yield the CPU to others (Linux: a thread's own nice value)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), _READER_NICE)


@operation_path("ingest")
def ingest_files(
    op: Operation,
    files: Sequence[tuple[Path, SourceMapping]],
    *,
    step: Callable[[Path, str], None] | None = None,
    done: Callable[[Path, FileResult | DocketError], None] | None = None,
) -> tuple[list[FileResult], list[Failure]]:
    """Ingest `files` in order, each in its own transaction, two at a time: while one file
    is written, the next is read and normalised on a second connection (its temporary
    tables are its own), by a thread that yields the CPU to the writes. Files are written
    strictly in the given order, so the store ends the same as with `ingest_file` one file
    after another. A file that fails with a DocketError is reported in the failures and the
    others go on; any other exception stops the run before the next file is written.
    """
    con = op.con
    say = step or (lambda _p, _s: None)
    install_normalizers(con)  # the functions are the instance's: installed once, before the cursors
    room = threading.Semaphore(2)  # files read and not yet written (or being written)
    stop = threading.Event()

    def prepare(
        path: Path, m: SourceMapping
    ) -> tuple[duckdb.DuckDBPyConnection, _Prepared | FileResult, float]:
        room.acquire()
        if stop.is_set():
            raise CancelledError
        started = time.perf_counter()
        cur = con.cursor()
        try:
            return cur, _prepare(cur, path, m, lambda s: say(path, s)), started
        except BaseException:
            _drop_temps(cur)
            cur.close()
            raise

    results: list[FileResult] = []
    failed: list[Failure] = []
    pool = ThreadPoolExecutor(1, thread_name_prefix="docket-read", initializer=_lower_priority)
    futures = [pool.submit(prepare, Path(p), m) for p, m in files]
    taken = 0  # futures whose connection the loop below has taken (and closes)
    try:
        for (path, _m), future in zip(files, futures, strict=True):
            taken += 1
            outcome: FileResult | DocketError
            file_say: Step = functools.partial(say, Path(path))
            try:
                cur, prep, started = future.result()
                try:
                    outcome = prep if isinstance(prep, FileResult) else _store(cur, prep, file_say)
                finally:
                    _drop_temps(cur)
                    cur.close()
            except DocketError as exc:
                outcome = exc
            finally:
                room.release()
            if isinstance(outcome, DocketError):
                failed.append((Path(path), outcome))
            else:
                outcome.seconds = time.perf_counter() - started  # read to committed
                results.append(outcome)
            if done:
                done(Path(path), outcome)
    except BaseException:
        stop.set()
        room.release()  # a reader waiting for room sees `stop`
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        for future in futures[taken:]:  # read and never written: let their connections go
            if future.done() and not future.cancelled() and future.exception() is None:
                cur, _prep, _started = future.result()
                with contextlib.suppress(duckdb.Error):
                    _drop_temps(cur)
                    cur.close()
    return results, failed


def _write(
    con: duckdb.DuckDBPyConnection,
    m: SourceMapping,
    path: Path,
    sha: str,
    plan: CompiledPlan,
    result: FileResult,
    had_rows: bool,
    say: Step,
) -> None:
    """Every persistent write of one file, in one transaction."""
    con.execute("BEGIN TRANSACTION")
    try:
        say("quarantine")
        con.execute(plan.quarantine)
        if had_rows:
            for sql in plan.replace:
                con.execute(sql)
        for what, sql in plan.inserts:
            if not what:  # staging and updates: not counted
                con.execute(sql)
                continue
            say(what)
            n = con.execute(sql).fetchall()
            result.inserted[what] = result.inserted.get(what, 0) + (int(n[0][0]) if n else 0)
        con.execute(
            "INSERT INTO sources VALUES (?, ?, ?, ?, ?, ?, ?, now(), ?, ?)",
            [
                m.name,
                str(path),
                sha,
                m.file,
                result.rows_read,
                result.rows_stored,
                result.rows_quarantined,
                m.retention_days,
                m.legal_basis,
            ],
        )
        say("committing")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


@dataclass
class Plan:
    """Which mapping each file goes through, and the files no mapping recognises."""

    matched: list[tuple[Path, SourceMapping]]
    unknown: list[Path]


def plan_files(paths: Iterable[Path | str], mappings: Sequence[SourceMapping]) -> Plan:
    """Match files to mappings. Raises IngestError when no file is recognised."""
    files = find_files(paths)
    matched, unknown = [], []
    for f in files:
        m = match(f, mappings)
        if m is None:
            unknown.append(f)
        else:
            matched.append((f, m))
    if not matched:
        names = ", ".join(str(f) for f in unknown[:5]) or "(no files)"
        raise IngestError(
            f"no mapping recognises any of: {names}",
            hint="pass --mapping FILE with a mapping whose `files` patterns match",
        )
    return Plan(matched, unknown)
