"""`Session`: every operation of Docket, for one authenticated principal.

Each method is one authorised, audited step through the gate (docket/governance/gate.py):
writes and administration as an `operation`, reads of person data as `person_data` with
the case and the justification. Nothing here falls back on the environment: the session's
token, given when it was opened, is checked again on every call, so a revoked or expired
login stops working at once. Groups of operations hang off the session as namespaces:
`cases`, `watchlist`, `users`, `audit`, `export`, `graph` (docket/session/namespaces.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import duckdb

from docket.errors import DocketError
from docket.governance import audit, auth, cases, gate, inputs, retention
from docket.governance.handles import Operation, PersonData
from docket.governance.roles import ADMIN, FEED, READERS, SUPERVISOR, Principal
from docket.realtime.alerts import Alert
from docket.realtime.bus import Subscription
from docket.realtime.intake import Delivery
from docket.realtime.processor import Processed
from docket.resolve.explain import Explanation
from docket.resolve.judgements import Judgement
from docket.resolve.pipeline import ResolveSummary
from docket.session import namespaces
from docket.session.results import (
    FailedFile,
    Identity,
    IngestReport,
    QuarantineSummary,
    SourceFile,
)
from docket.sources.ingest import FileResult

if TYPE_CHECKING:
    from docket.session.docket import Docket


class Session:
    """One principal's session on a store. Open it with `Docket.session(...)`."""

    def __init__(
        self,
        docket: Docket,
        con: duckdb.DuckDBPyConnection,
        token: str,
        who: Principal,
        client: str | None,
        *,
        expires_at: datetime | None,
    ) -> None:
        self._docket = docket
        self._con = con
        self.token = token
        self.user = who.user
        self.role = who.role
        self.client = client
        self.expires_at = expires_at
        self.cases = namespaces.Cases(self)
        self.watchlist = namespaces.Watchlist(self)
        self.users = namespaces.Users(self)
        self.audit = namespaces.Audit(self)
        self.export = namespaces.Export(self)
        self.graph = namespaces.Graph(self)

    # -- the gate, for this session ---------------------------------------------------

    @contextmanager
    def _operation(
        self,
        action: str,
        roles: Sequence[str],
        *,
        case: str | None = None,
        why: str | None = None,
        objects: Sequence[str] = (),
        params: Mapping[str, Any] | None = None,
        category: str | None = None,
        check_case: bool = True,
        why_required: bool = False,
    ) -> Iterator[Operation]:
        with gate.operation(
            self._con,
            token=self.token,
            client=self.client,
            action=action,
            roles=roles,
            case=case,
            why=why,
            objects=objects,
            params=params,
            category=category,
            check_case=check_case,
            why_required=why_required,
        ) as op:
            yield op

    @contextmanager
    def _read(
        self,
        action: str,
        *,
        case: str | None,
        why: str | None,
        objects: Sequence[str] = (),
        params: Mapping[str, Any] | None = None,
        bulk: str | None = None,
    ) -> Iterator[PersonData]:
        with gate.person_data(
            self._con,
            token=self.token,
            client=self.client,
            action=action,
            case=case,
            why=why,
            objects=objects,
            params=params,
            bulk=bulk,
        ) as pd:
            yield pd

    # -- who -------------------------------------------------------------------------

    def whoami(self) -> Identity:
        """Who this session belongs to (checks that its login is still valid)."""
        who = auth.principal_for_token(self._con, self.token, client=self.client)
        return Identity(who.user, who.role)

    def logout(self) -> None:
        """End this session: its token stops working everywhere (audited)."""
        auth.revoke(self._con, self.token, client=self.client)

    # -- sources ---------------------------------------------------------------------

    def ingest(
        self,
        paths: Sequence[str | Path],
        mappings: Sequence[str | Path] = (),
        *,
        on_step: Callable[[Path, str], None] | None = None,
        on_done: Callable[[Path, FileResult | DocketError], None] | None = None,
    ) -> IngestReport:
        """Load source files (or folders of them) through their mappings (admin; audited as
        a collection). `mappings` are your own mapping files, tried before the shipped ones.
        A file that fails is reported and the others go on."""
        from docket.sources.ingest import ingest_files, mappings_for, plan_files

        params = {"paths": [str(p) for p in paths], "mappings": [str(m) for m in mappings]}
        with self._operation("ingest", [ADMIN], params=params) as op:
            plan = plan_files(paths, mappings_for(mappings))
            op.objects.extend(sorted({m.name for _, m in plan.matched}))
            results, failures = ingest_files(op, plan.matched, step=on_step, done=on_done)
            op.result_count = sum(r.rows_stored for r in results)
            op.params["failed"] = [str(p) for p, _ in failures]
        return IngestReport(
            results,
            [FailedFile(str(p), str(exc)) for p, exc in failures],
            [str(f) for f in plan.unknown],
        )

    def sources(self) -> list[SourceFile]:
        """Loaded source files with counts, freshness and retention (admin; audited)."""
        from docket.sources.listing import source_files

        with self._operation("sources.list", [ADMIN]) as op:
            return source_files(op)

    def quarantine(self, source: str | None = None, limit: int = 50) -> QuarantineSummary:
        """Where and why rows were rejected, never their values (admin; audited). The raw
        rows are person data: `export.quarantine` gives them to a case member."""
        from docket.sources.listing import quarantine_summary

        params = {"source": source, "limit": limit}
        objects = [source[:200]] if source else []
        with self._operation("quarantine.show", [ADMIN], objects=objects, params=params) as op:
            return quarantine_summary(op, source, limit)

    # -- real time -------------------------------------------------------------------

    def deliver(self, source: str, records: bytes) -> Delivery:
        """Deliver a batch of `source`'s records as they arrive: NDJSON, one object per line
        keyed by the source's column names (a feed bound to the source, or an admin). Returns
        only once the batch is committed, with each record's outcome; a bad record is
        quarantined with its reason and never fails its neighbours."""
        from docket.realtime.intake import deliver

        with self._operation(
            "intake", [FEED, ADMIN], params={"source": source[:80]}, category="collection"
        ) as op:
            done = deliver(op, source, records, workdir=self._docket.home / "intake")
        self._docket._delivered()
        return done

    def process_intake(self) -> Processed:
        """Process the committed intake batches now (the service does this by itself):
        attach their people to entities, raise watchlist alerts (admin)."""
        from docket.realtime.processor import post_webhooks, process_pending

        with self._operation("realtime.process", [ADMIN], category="combination") as op:
            done = process_pending(op)
        self._docket.bus.publish(done.alerts)
        post_webhooks(self._con, done.alerts)
        return done

    def alerts(self, *, case: str, why: str, limit: int = 100) -> list[Alert]:
        """The case's newest watchlist alerts (person data: the case and a justification)."""
        from docket.realtime.alerts import case_alerts

        with self._read("alerts.list", case=case, why=why, params={"limit": limit}) as pd:
            return case_alerts(pd, limit=inputs.positive("--limit", limit, maximum=10_000))

    def subscribe_alerts(self) -> Subscription:
        """Alerts as they are raised, for the cases this user may read (each one checked
        again as it comes; each one handed over is audited as a disclosure by `take`)."""
        docket, who = self._docket, self.whoami()
        audit.record(
            self._con, action="alerts.subscribe", outcome="ok", user=who.user,
            client=self.client, category="consultation",
        )  # fmt: skip

        def may_read(case_id: str) -> bool:
            con = docket._cursor()
            try:
                cases.require_readable(con, case_id, Principal(who.user, who.role))
                return True
            except DocketError:
                return False
            finally:
                con.close()

        return docket.bus.subscribe(who.user, may_read)

    def take(self, sub: Subscription, timeout: float = 1.0) -> Alert | None:
        """The next alert of a subscription (None after `timeout` seconds), audited as
        handed to this user. The login is checked first: a revoked one gets nothing more."""
        con = self._docket._cursor()
        try:
            auth.principal_for_token(con, self.token, client=self.client)
        finally:
            con.close()
        alert = sub.get(timeout)
        if alert is not None:
            con = self._docket._cursor()
            try:
                audit.record(
                    con, action="alert.push", outcome="ok", user=self.user, case=alert.case_id,
                    objects=[o for o in (alert.entity_id, alert.alert_id) if o],
                    client=self.client, category="disclosure", result_count=1,
                )  # fmt: skip
            finally:
                con.close()
        return alert

    # -- resolution ------------------------------------------------------------------

    def resolve(self, retrain: bool = False, *, progress: bool = False) -> ResolveSummary:
        """Resolve every person mention into entities, then rebuild the relationship graph
        on them (admin; audited as a combination; `graph.summary()` tells what the graph
        holds). `retrain` trains a new model instead of reusing the stored one."""
        from docket.graph import build_graph
        from docket.resolve.pipeline import resolve

        with self._operation("resolve", [ADMIN], params={"retrain": retrain}) as op:
            summary = resolve(op, id_key=self._docket.id_key, retrain=retrain, progress=progress)
            graph = build_graph(op)
            summary.stage_seconds["graph"] = graph.seconds
            op.result_count = summary.entities
            op.params.update(
                mentions=summary.mentions,
                comparisons=summary.comparisons,
                model_version=summary.model_version,
                estimated_blocking_recall=summary.estimated_blocking_recall,
                edges=graph.edges,
            )
        return summary

    def judge(self, a: str, b: str, verdict: str, *, case: str, why: str) -> Judgement:
        """Record that A and B (mention or entity ids of people in the case's scope) are the
        `same` person or `different` people, for a case, with a justification; honoured by
        the next resolve. A `same` joining two valid ID numbers waits for a supervisor."""
        from docket.resolve.judgements import judge

        with self._operation(
            "judge",
            READERS,
            case=case,
            why=why,
            why_required=True,
            params={"verdict": verdict[:20]},
        ) as op:
            j = judge(op, a, b, verdict, why=why)
            op.params["status"] = j.status
            op.result_count = 1
        return j

    def confirm_judgement(self, judgement_id: str) -> None:
        """Confirm a pending `same` judgement (a supervisor other than its author, member of
        its case): it joins two people with different valid ID numbers."""
        from docket.resolve.judgements import confirm

        with self._operation(
            "judge.confirm", [SUPERVISOR], objects=[judgement_id[:40]], category="alteration"
        ) as op:
            op.case = confirm(op, judgement_id)

    def explain(self, a: str, b: str, *, case: str, why: str) -> Explanation:
        """Why A and B are, or are not, the same person: field by field, with weights
        (person data: needs the case and the justification)."""
        from docket.resolve.explain import explain

        with self._read("explain", case=case, why=why, objects=[a[:80], b[:80]]) as pd:
            ex = explain(pd, a, b)
            pd.result_count = 2
        return ex

    # -- retention -------------------------------------------------------------------

    def purge(self, dry_run: bool = False) -> retention.PurgeReport:
        """Remove data past its source's retention period, except what a legal hold keeps
        (admin; audited as an erasure). `dry_run` only counts."""
        from docket.resolve.pipeline import resolve

        def reresolve(op: Operation) -> object:
            return resolve(op, id_key=self._docket.id_key, progress=False)

        with self._operation("purge.dry-run" if dry_run else "purge", [ADMIN]) as op:
            rep = retention.purge(op, dry_run=dry_run, reresolve=reresolve)
            if rep.total_removed and not dry_run:
                from docket.graph import build_graph

                build_graph(op)  # entities and records are gone: the edges follow
            op.objects.extend(rep.expired_files)
            op.params.update(
                removed=rep.removed,
                kept_by_hold=rep.kept_by_hold,
                entities_unsupported=rep.entities_unsupported,
                reresolved=rep.reresolved,
            )
            op.result_count = rep.total_removed
        if rep.total_removed and not dry_run:
            self._compact(rep)
        return rep

    def _compact(self, rep: retention.PurgeReport) -> None:
        """Rewrite the store file after a purge (its connection is replaced meanwhile), and
        audit it as part of the erasure, also when it fails."""
        failure: DocketError | None = None
        self._con.close()
        try:
            rep.file_bytes = self._docket.compact()
            rep.compacted = True
        except DocketError as exc:
            failure = exc
        finally:
            self._con = self._docket._cursor()
        with self._operation("purge.compact", [ADMIN], category="erasure") as op:
            if failure is not None:
                raise failure
            assert rep.file_bytes is not None
            op.params.update(bytes_before=rep.file_bytes[0], bytes_after=rep.file_bytes[1])

    # -- lifetime --------------------------------------------------------------------

    def close(self) -> None:
        """Let go of the session's connection (the login stays valid until it expires or
        `logout`)."""
        self._con.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
