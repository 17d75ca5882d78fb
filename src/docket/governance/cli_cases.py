"""`docket case …` and `docket watchlist …`."""

from __future__ import annotations

from typing import Annotated

import typer

from docket import cli_session
from docket.errors import InputError
from docket.governance import cases, inputs
from docket.governance.cli import table
from docket.governance.options import CaseOption, WhyOption

case_app = typer.Typer(help="Cases: the legal basis of every read of person data.")
watchlist_app = typer.Typer(
    help="Watchlist entries: warrants that real-time alerts match, until they expire."
)

IdArg = Annotated[str, typer.Argument(help="Case ID (C-0001).")]


@case_app.command("open")
def case_open(
    title: Annotated[str, typer.Argument(help="Short title of the case.")],
    basis: Annotated[
        str, typer.Option("--basis", help=f"Legal basis: {', '.join(cases.BASIS_CATEGORIES)}.")
    ],
    ref: Annotated[str, typer.Option("--ref", help="Warrant, order or statute reference.")],
) -> None:
    """Open a case (pending until a supervisor other than you approves it); prints its id last."""
    with cli_session.session() as s:
        case_id = s.cases.open(title, basis, ref)
        user = s.user
    typer.echo(f"opened case {case_id}: awaiting approval by a supervisor other than {user}")
    typer.echo(case_id)


@case_app.command("approve")
def case_approve(case_id: IdArg) -> None:
    """Approve a pending case (a supervisor who did not open it)."""
    with cli_session.session() as s:
        case = s.cases.approve(case_id)
    typer.echo(f"case {case.case_id} approved; review by {case.review_date}")


@case_app.command("review")
def case_review(case_id: IdArg) -> None:
    """Confirm an open case is still needed (supervisor); reads stop after its review date."""
    with cli_session.session() as s:
        case = s.cases.review(case_id)
    typer.echo(f"case {case.case_id} reviewed; next review by {case.review_date}")


@case_app.command("add-member")
def case_add_member(
    case_id: IdArg, user: Annotated[str, typer.Argument(help="Analyst or supervisor to add.")]
) -> None:
    """Add an analyst or supervisor to a case (members or a supervisor)."""
    with cli_session.session() as s:
        s.cases.add_member(case_id, user)
    typer.echo(f"{user} is a member of {case_id}")


@case_app.command("close")
def case_close(case_id: IdArg) -> None:
    """Close a case: no more reads for it; its legal hold is released."""
    with cli_session.session() as s:
        s.cases.close(case_id)
    typer.echo(f"case {case_id} closed")


@case_app.command("link")
def case_link(
    case_id: IdArg,
    entity: Annotated[str, typer.Argument(help="Entity id of the person.")],
    as_: Annotated[
        str,
        typer.Option("--as", help=f"Data-subject category: {', '.join(cases.SUBJECT_CATEGORIES)}."),
    ],
) -> None:
    """Link a person to an open case you are a member of, as suspect, witness, victim or other."""
    with cli_session.session() as s:
        current = s.cases.link(case_id, entity, as_)
    typer.echo(f"{current} linked to {case_id} as {as_}")


@case_app.command("hold")
def case_hold(
    case_id: IdArg,
    reason: Annotated[
        str | None, typer.Option("--reason", help="Why the data must be kept.")
    ] = None,
    release: Annotated[bool, typer.Option("--release", help="Release the hold instead.")] = False,
) -> None:
    """Place a legal hold (supervisor): purge keeps the case's subjects' data while it is open."""
    with cli_session.session() as s:
        s.cases.hold(case_id, reason, release)
    typer.echo(f"legal hold on {case_id} {'released' if release else 'placed'}")


@case_app.command("list")
def case_list() -> None:
    """Cases you can see (your own; supervisors and auditors: all)."""
    with cli_session.session() as s:
        found = s.cases.list()
    table(
        ["case", "status", "title", "basis", "reference", "opened by", "approved by", "review",
         "hold"],
        [
            [c.case_id, c.status, c.title, c.basis_category, c.basis_ref, c.opened_by,
             c.approved_by or "-", c.review_date, "yes" if c.held else ""]
            for c in found
        ],
    )  # fmt: skip


@case_app.command("show")
def case_show(case_id: IdArg) -> None:
    """A case with its members and linked people."""
    with cli_session.session() as s:
        detail = s.cases.show(case_id)
    case = detail.case
    typer.echo(f"{case.case_id}  {case.title}  [{case.status}]")
    typer.echo(f"basis: {case.basis_category} ({case.basis_ref})")
    typer.echo(f"opened by {case.opened_by} on {case.opened_at:%Y-%m-%d}; "
               f"approved by {case.approved_by or '-'}; review by {case.review_date}"
               + ("; under legal hold" if case.held else ""))  # fmt: skip
    table(["member", "role"], [[m.user, m.role] for m in detail.members])
    table(["entity", "as"], [[x.entity_id, x.category] for x in detail.subjects])


@watchlist_app.command("add")
def watchlist_add(
    warrant: Annotated[str, typer.Option("--warrant", help="Warrant reference.")],
    authority: Annotated[str, typer.Option("--authority", help="Issuing authority.")],
    case: CaseOption = None,
    entity: Annotated[str | None, typer.Option("--entity", help="Entity id.")] = None,
    id_number: Annotated[str | None, typer.Option("--id-number", help="Resident ID.")] = None,
    phone: Annotated[str | None, typer.Option("--phone", help="Phone number.")] = None,
    name: Annotated[str | None, typer.Option("--name", help="Name (with --birth-date).")] = None,
    passport: Annotated[str | None, typer.Option("--passport", help="Passport number.")] = None,
    email: Annotated[str | None, typer.Option("--email", help="E-mail address.")] = None,
    birth_date: Annotated[str | None, typer.Option("--birth-date", help="YYYY-MM-DD.")] = None,
    field: Annotated[
        list[str] | None, typer.Option("--field", help="Other criterion FIELD=VALUE (repeatable).")
    ] = None,
    expires: Annotated[
        str | None, typer.Option("--expires", help="YYYY-MM-DD; default and at most 90 days.")
    ] = None,
) -> None:
    """Add a watchlist entry to a case (active once another supervisor approves it)."""
    given: dict[str, str | None] = {
        "id_number": id_number, "phone": phone, "name": name, "passport": passport,
        "email": email, "birth_date": birth_date,
    }  # fmt: skip
    criteria = {k: v for k, v in given.items() if v is not None}
    for item in field or []:
        key, sep, value = item.partition("=")
        if not sep:
            raise InputError("--field", f"{item[:40]!r} is not FIELD=VALUE")
        criteria[key.strip()] = value
    until = inputs.day("--expires", expires) if expires else None
    with cli_session.session() as s:
        entry = s.watchlist.add(
            case=case or "", warrant=warrant, authority=authority, entity=entity,
            criteria=criteria, expires=until,
        )  # fmt: skip
    typer.echo(
        f"watchlist entry {entry} added to {case}: a supervisor other than you must approve it"
    )
    typer.echo(entry)


@watchlist_app.command("approve")
def watchlist_approve(entry_id: Annotated[str, typer.Argument(help="Entry ID (W-0001).")]) -> None:
    """Approve an entry (a supervisor other than its author)."""
    with cli_session.session() as s:
        e = s.watchlist.approve(entry_id)
    typer.echo(f"{e.entry_id} approved; active until {e.expires_at:%Y-%m-%d %H:%M} UTC")


@watchlist_app.command("renew")
def watchlist_renew(
    entry_id: Annotated[str, typer.Argument(help="Entry ID (W-0001).")],
    expires: Annotated[
        str | None, typer.Option("--expires", help="YYYY-MM-DD; default and at most 90 days.")
    ] = None,
) -> None:
    """Extend an entry by up to 90 days from today (a supervisor other than its author)."""
    until = inputs.day("--expires", expires) if expires else None
    with cli_session.session() as s:
        e = s.watchlist.renew(entry_id, until)
    typer.echo(f"{e.entry_id} renewed until {e.expires_at:%Y-%m-%d %H:%M} UTC")


@watchlist_app.command("list")
def watchlist_list(
    case: CaseOption = None,
    why: WhyOption = None,
    active: Annotated[bool, typer.Option("--active", help="Only entries that match now.")] = False,
) -> None:
    """The entries of a case (person data: needs --case and --why)."""
    with cli_session.session() as s:
        found = s.watchlist.list(case=case or "", why=why or "", active=active)
    table(
        ["entry", "entity / criteria", "warrant", "authority", "by", "expires (UTC)",
         "approved by", "active"],
        [
            [e.entry_id, e.entity_id or ", ".join(f"{k}={v}" for k, v in e.criteria.items()),
             e.warrant_ref, e.authority, e.created_by, f"{e.expires_at:%Y-%m-%d %H:%M}",
             e.approved_by or "-", "yes" if e.active() else "no"]
            for e in found
        ],
    )  # fmt: skip
