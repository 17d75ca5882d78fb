"""The session's groups of operations: `s.cases`, `s.watchlist`, `s.users`, `s.audit`,
`s.export`, `s.graph` (docket/session/graph.py). Each method is one authorised, audited
step, like the session's own."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING

from docket.errors import AccessError, InputError
from docket.governance import audit, auth, cases, inputs, report, scope, users, watchlist
from docket.governance import bulk as bulk_bases
from docket.governance.anchors import Anchor
from docket.governance.roles import ADMIN, AUDITOR, READERS, SUPERVISOR
from docket.session.graph import Graph as Graph  # the `graph` namespace, found here by name
from docket.session.results import CaseDetail, CaseMember, CaseSubject, Exported

if TYPE_CHECKING:
    from docket.session.session import Session

# Where an export goes: a file path, or a binary stream the caller owns.
Sink = str | os.PathLike[str] | IO[bytes]


class Cases:
    """Cases: the legal basis of every read of person data."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def open(self, title: str, basis: str, ref: str) -> str:
        """Open a case (pending until a supervisor other than you approves it); you are
        its first member. Returns the case id."""
        params = {"basis": basis[:60], "ref": ref[:200], "title": title[:200]}
        with self._s._operation("case.open", READERS, params=params) as op:
            case_id = cases.open_case(op, title, basis, ref)
            op.case = case_id
            op.objects.append(case_id)
        return case_id

    def approve(self, case_id: str) -> cases.Case:
        """Approve a pending case (a supervisor who did not open it)."""
        with self._s._operation(
            "case.approve", [SUPERVISOR], case=case_id, check_case=False, category="permission"
        ) as op:
            return cases.approve(op, case_id)

    def review(self, case_id: str) -> cases.Case:
        """Confirm an open case is still needed (supervisor); reads stop after its review date."""
        with self._s._operation("case.review", [SUPERVISOR], case=case_id, check_case=False) as op:
            return cases.review(op, case_id)

    def add_member(self, case_id: str, user: str) -> None:
        """Add an analyst or supervisor to a case (its members, or a supervisor)."""
        with self._s._operation(
            "case.add-member",
            READERS,
            case=case_id,
            check_case=False,
            objects=[user[:80]],
            category="permission",
        ) as op:
            cases.add_member(op, case_id, user)

    def close(self, case_id: str) -> None:
        """Close a case: no more reads for it; its legal hold is released."""
        with self._s._operation("case.close", READERS, case=case_id, check_case=False) as op:
            cases.close(op, case_id)

    def link(self, case_id: str, entity: str, category: str) -> str:
        """Link a person to an open case you are a member of, as suspect, witness, victim or
        other. Returns the entity's current id (after redirects)."""
        with self._s._operation(
            "case.link", READERS, case=case_id, objects=[entity[:80]], params={"as": category[:20]}
        ) as op:
            current = cases.link(op, case_id, entity, category)
            if current != entity:
                op.objects.append(current)
        return current

    def hold(self, case_id: str, reason: str | None = None, release: bool = False) -> None:
        """Place (or release) a legal hold (supervisor): purge keeps the case's subjects'
        data while it is open."""
        text = reason or f"legal hold for {case_id[:20]}"
        with self._s._operation(
            "case.release-hold" if release else "case.hold",
            [SUPERVISOR],
            case=case_id,
            check_case=False,
            why=text[:500],
        ) as op:
            cases.hold(op, case_id, text, release=release)

    def bulk_request(self, case_id: str, reason: str, cap: int = 100_000) -> str:
        """Ask to read beyond the case's scope (an export of everything, or of more than the
        scope's cap), with a reason; another supervisor approves. Returns the basis id."""
        with self._s._operation(
            "case.bulk-request", READERS, case=case_id, why=reason[:500], params={"cap": cap},
            category="permission",
        ) as op:  # fmt: skip
            basis = bulk_bases.request_bulk(op, case_id, reason, cap)
            op.objects.append(basis)
        return basis

    def bulk_approve(self, basis_id: str) -> scope.BulkBasis:
        """Approve a bulk basis (a supervisor other than the one who asked); it is usable
        for its case until it expires."""
        with self._s._operation(
            "case.bulk-approve", [SUPERVISOR], objects=[basis_id[:20]], category="permission"
        ) as op:
            basis = bulk_bases.approve_bulk(op, basis_id)
            op.case = basis.case_id
        return basis

    def webhook(self, case_id: str, url: str | None) -> None:
        """Post the case's alerts to `url` as they are raised (a supervisor of the case; None
        removes it)."""
        with self._s._operation(
            "case.webhook", [SUPERVISOR], case=case_id, params={"url": (url or "")[:300]}
        ) as op:
            cases.set_webhook(op, case_id, url)

    def list(self) -> list[cases.Case]:
        """Cases you can see (your own; supervisors and auditors: all)."""
        with self._s._operation("case.list", [*READERS, AUDITOR], category="case") as op:
            found = cases.visible(op.con, op.principal)
            op.result_count = len(found)
        return found

    def show(self, case_id: str) -> CaseDetail:
        """A case with its members and linked people."""
        with self._s._operation(
            "case.show", [*READERS, AUDITOR], case=case_id, check_case=False
        ) as op:
            case, members, subjects = cases.detail(op.con, op.principal, case_id)
            op.objects.extend(e for e, _ in subjects)
            bases = scope.bases(op.con, case.case_id)
        return CaseDetail(
            case,
            [CaseMember(u, r) for u, r in members],
            [CaseSubject(e, c) for e, c in subjects],
            bases,
        )


class Watchlist:
    """Watchlist entries: warrants that real-time alerts match, until they expire."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def add(
        self,
        *,
        case: str,
        warrant: str,
        authority: str,
        entity: str | None = None,
        criteria: Mapping[str, str] | None = None,
        expires: date | None = None,
        jurisdiction: str | None = None,
    ) -> str:
        """Add an entry to a case for an entity, or for identifiers of a person not yet in
        the data (criteria such as {"phone": …} or {"name": …, "birth_date": …}). It
        matches once another supervisor approves it; with a `jurisdiction` (region-code
        prefix), travel arriving inside it raises arrival alerts. Returns the entry id."""
        with self._s._operation(
            "watchlist.add",
            READERS,
            case=case,
            objects=[entity[:80]] if entity else [],
            params={"warrant": warrant[:200]},
        ) as op:
            checked = {
                inputs.check_field("criterion", k, watchlist.CRITERIA_FIELDS): v
                for k, v in (criteria or {}).items()
            }
            entry = watchlist.add(
                op,
                case=case,
                entity=entity,
                criteria=checked,
                warrant=warrant,
                authority=authority,
                expires=expires,
                jurisdiction=jurisdiction,
            )
            op.objects.append(entry)
        return entry

    def _supervise(self, verb: str, entry_id: str, expires: date | None = None) -> watchlist.Entry:
        with self._s._operation(f"watchlist.{verb}", [SUPERVISOR], objects=[entry_id[:20]]) as op:
            eid = inputs.entry_id(entry_id, "ID")
            if verb == "approve":
                entry = watchlist.approve(op, eid)
            else:
                entry = watchlist.renew(op, eid, expires)
            op.case = entry.case_id
            if entry.entity_id:
                op.objects.append(entry.entity_id)
        return entry

    def approve(self, entry_id: str) -> watchlist.Entry:
        """Approve an entry (a supervisor other than its author)."""
        return self._supervise("approve", entry_id)

    def renew(self, entry_id: str, expires: date | None = None) -> watchlist.Entry:
        """Extend an entry by up to 90 days from today (a supervisor other than its author)."""
        return self._supervise("renew", entry_id, expires)

    def list(self, *, case: str, why: str, active: bool = False) -> list[watchlist.Entry]:
        """The entries of a case (person data: needs the case and the justification)."""
        with self._s._read("watchlist.list", case=case, why=why, params={"active": active}) as pd:
            return watchlist.case_entries(pd, active_only=active)


class Users:
    """User accounts (admins; auditors may list them)."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def add(self, name: str, role: str, password: str, sources: Sequence[str] = ()) -> bool:
        """Add a user with a role (analyst, supervisor, auditor, admin, or feed: a machine
        account delivering the named `sources`). Returns True when the grant awaits a second
        admin (an admin or supervisor, once there are two admins)."""
        with self._s._operation(
            "user.add", [ADMIN], objects=[name[:80]], params={"role": role[:40]},
            category="permission",
        ) as op:  # fmt: skip
            pending = users.add(op, name, role, password, sources)
            op.params["pending"] = pending
        return pending

    def approve(self, name: str) -> None:
        """Confirm a pending admin or supervisor grant (an admin other than its author)."""
        with self._s._operation(
            "user.approve", [ADMIN], objects=[name[:80]], category="permission"
        ) as op:
            users.approve(op, name)

    def _set_disabled(self, name: str, disabled: bool) -> None:
        action = "user.disable" if disabled else "user.enable"
        with self._s._operation(action, [ADMIN], objects=[name[:80]]) as op:
            users.set_disabled(op, name, disabled)

    def disable(self, name: str) -> None:
        """Disable an account: its logins and tokens stop working."""
        self._set_disabled(name, True)

    def enable(self, name: str) -> None:
        """Re-enable an account and clear a lockout."""
        self._set_disabled(name, False)

    def list(self) -> list[users.User]:
        """Every account with its role and status."""
        with self._s._operation("user.list", [ADMIN, AUDITOR]) as op:
            found = users.listing(op.con)
            op.result_count = len(found)
        return found


class Audit:
    """The audit trail: verification for anyone logged in; reading it for auditors."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def verify(self) -> audit.Verdict:
        """Recompute the hash chain; name the first edited, deleted, inserted or moved row.
        The check itself is recorded, with its outcome (any role)."""
        s = self._s
        try:
            who = auth.principal_for_token(s._con, s.token, client=s.client)
        except AccessError as exc:
            audit.record(
                s._con, action="audit.verify", outcome="refused", detail=str(exc)[:500],
                client=s.client,
            )  # fmt: skip
            raise
        return audit.verify_and_record(
            s._con, principal=who, client=s.client, anchored=s._docket.read_anchors()
        )

    def anchor(self) -> Anchor | None:
        """Append the trail's signed head to the store's anchor sink, outside the database
        (admins and auditors); None when it is anchored there already."""
        with self._s._operation("audit.anchor", [ADMIN, AUDITOR], category="oversight") as op:
            found = self._s._docket.anchor(force=True)
            op.params["anchored"] = found.seq if found else None
        return found

    def show(
        self,
        *,
        user: str | None = None,
        case: str | None = None,
        action: str | None = None,
        since: datetime | None = None,
        limit: int = 100,
    ) -> list[audit.AuditRow]:
        """The newest `limit` rows matching every filter, oldest first (auditors)."""
        params = {
            "user": user, "case": case, "action": action,
            "since": since.isoformat() if since else None, "limit": limit,
        }  # fmt: skip
        with self._s._operation("audit.show", [AUDITOR], params=params) as op:
            u = inputs.user_name(user, "--user") if user else None
            c = inputs.case_id(case, "--case") if case else None
            a = inputs.text("--action", action, limit=64) if action else None
            n = inputs.positive("--limit", limit, maximum=100_000)
            rows = audit.show(op.con, user=u, case=c, action=a, since=since, limit=n)
            op.result_count = len(rows)
        return rows

    def grants(self) -> list[users.User]:
        """Every role grant: who has which role, granted and approved by whom (auditors)."""
        with self._s._operation("report.grants", [AUDITOR]) as op:
            found = users.grants(op.con)
            op.result_count = len(found)
        return found

    def subject(self, entity: str) -> report.SubjectReport:
        """What Docket holds about a person and every consultation of it (auditors)."""
        with self._s._operation("report.subject", [AUDITOR], objects=[entity[:80]]) as op:
            eid = inputs.entity_id(entity, "ENTITY")
            rep = report.subject(op, eid)
            op.result_count = len(rep.consultations)
        return rep


@contextmanager
def _sink(out: Sink) -> Iterator[IO[bytes]]:
    """The binary stream to write to: a given stream as is, a path opened (0600) for it."""
    if not isinstance(out, str | os.PathLike):
        yield out
        return
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        yield f


class Export:
    """Disclosures of person data to a file or stream: each needs the case and the
    justification, and lands in the audit trail with its row count."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def mentions(
        self, *, case: str, why: str, out: Sink, fmt: str = "csv", bulk: str | None = None
    ) -> Exported:
        """The mentions of the people in the case's scope (csv, parquet or ftm:
        FollowTheMoney JSON lines); with an approved `bulk` basis, every mention up to its
        cap."""
        from docket.sources.export import FORMATS, export_mentions

        if fmt not in FORMATS:
            raise InputError("--format", f"{fmt!r} is not one of {', '.join(FORMATS)}")
        params = {"format": fmt, "out": _shown(out)}
        with self._s._read("export.mentions", case=case, why=why, params=params, bulk=bulk) as pd:
            with _sink(out) as sink:
                pd.result_count = export_mentions(pd, fmt, sink)
            return Exported(pd.result_count, "mentions")

    def entities(
        self, *, case: str, why: str, out: Sink, fmt: str = "csv", bulk: str | None = None
    ) -> Exported:
        """The people in the case's scope: best name, identifiers, mention count (csv or
        parquet); with an approved `bulk` basis, every entity up to its cap."""
        from docket.resolve.export import FORMATS, export_entities

        if fmt not in FORMATS:
            raise InputError("--format", f"{fmt!r} is not one of {', '.join(FORMATS)}")
        params = {"format": fmt, "out": _shown(out)}
        with self._s._read("export.entities", case=case, why=why, params=params, bulk=bulk) as pd:
            with _sink(out) as sink:
                pd.result_count = export_entities(pd, fmt, sink)
            return Exported(pd.result_count, "entities")

    def quarantine(
        self, *, case: str, why: str, out: Sink, bulk: str, source: str | None = None
    ) -> Exported:
        """Rejected rows as delivered, with their reasons (csv): beyond any case's scope, so
        under an approved `bulk` basis, up to its cap."""
        from docket.sources.export import export_quarantine

        src = inputs.optional_text("source", source, limit=200)
        params = {"source": src, "out": _shown(out)}
        objects = [src] if src else []
        with self._s._read(
            "export.quarantine", case=case, why=why, objects=objects, params=params, bulk=bulk
        ) as pd:
            with _sink(out) as sink:
                pd.result_count = export_quarantine(pd, sink, src)
            return Exported(pd.result_count, "rows")


def _shown(out: Sink) -> str | None:
    """What the audit row says of an export's destination: the file, or None for a stream."""
    return str(out) if isinstance(out, str | os.PathLike) else None
