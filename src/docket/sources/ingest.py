"""Bulk ingest: each file through its mapping into the store, in one transaction.

Per file: stage (DuckDB reader), normalise (lookups of distinct values, one SELECT), quarantine
the rows that fail, insert canonical rows, record the source row — all inside
one transaction, so a crash leaves nothing of the file visible (committed files are
durable in the WAL; the checkpoint into the store file happens once, at close). A file already
loaded (same source, same SHA-256) is skipped; a new version of a source's file
replaces the earlier rows with the same record keys.
"""

from __future__ import annotations

import hashlib
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from docket.errors import IngestError
from docket.normalize.sql import lookup_query
from docket.sources.compile import NORM, Lookup, compile_plan, normalizer_types
from docket.sources.compile import Plan as CompiledPlan
from docket.sources.mapping import SourceMapping, shipped_mappings
from docket.sources.readers import REJ, drop_temps, stage

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


# DuckDB checkpoints when a commit leaves the WAL above this; per file that rewrote the
# store's growing tables again and again. Ingest defers it to closing the store (or an
# explicit CHECKPOINT): once per `docket ingest`, not once per file.
_CHECKPOINT_THRESHOLD = "64GiB"


def defer_checkpoints(con: duckdb.DuckDBPyConnection) -> None:
    """Let the WAL grow until the store is closed instead of checkpointing per file."""
    con.execute(f"SET checkpoint_threshold = '{_CHECKPOINT_THRESHOLD}'")


def _one(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    return int(con.execute(sql).fetchall()[0][0])


def ingest_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    m: SourceMapping,
    *,
    step: Step | None = None,
) -> FileResult:
    """Ingest one file with mapping `m` in one transaction."""
    started = time.perf_counter()
    say: Step = step or (lambda _s: None)
    path = Path(path)
    sha = sha256_file(path)
    done = con.execute(
        "SELECT count(*) FROM sources WHERE source = ? AND sha256 = ?", [m.name, sha]
    ).fetchall()[0][0]
    if done:
        return FileResult(m.name, str(path), sha, "skipped")
    install_normalizers(con)
    defer_checkpoints(con)
    types = normalizer_types(con)
    result = FileResult(m.name, str(path), sha, "loaded")
    had_rows = _one(con, f"SELECT count(*) FROM sources WHERE source = '{_q(m.name)}'") > 0
    _drop_temps(con)
    try:
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
        result.rows_read = n_rej + int(rows)
        result.rows_quarantined = n_rej + int(bad)
        result.rows_stored = result.rows_read - result.rows_quarantined
        _write(con, m, path, sha, plan, result, had_rows, say)
    finally:
        _drop_temps(con)
    result.seconds = time.perf_counter() - started
    return result


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


def _q(s: str) -> str:
    return s.replace("'", "''")


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
