"""`docket user|login|logout|whoami|audit|purge|report` (cases and watchlist: cli_cases.py)."""

from __future__ import annotations

import json
import os
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from docket import cli_session, settings
from docket.errors import Forbidden, InputError
from docket.governance import inputs, users
from docket.governance.roles import ADMIN, ROLES

_out = Console(highlight=False, soft_wrap=True)

user_app = typer.Typer(help="Manage user accounts (admin; the first user needs no login).")
audit_app = typer.Typer(help="Verify and read the audit trail.")
report_app = typer.Typer(help="Reports for auditors.")


def table(headers: list[str], rows: list[list[object]]) -> None:
    """Print rows as a table on a terminal, else as tab-separated lines; text shown literally."""
    if not _out.is_terminal:
        lines: list[list[object]] = [list(headers), *rows]
        for line in lines:
            typer.echo("\t".join("" if v is None else " ".join(str(v).split()) for v in line))
        return
    t = Table(*headers, show_lines=False)
    for r in rows:
        t.add_row(*[Text("" if v is None else str(v)) for v in r])
    _out.print(t)


def _password(var: str | None) -> str:
    if var is None:
        return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))
    name = inputs.text("--password-env", var, limit=100)
    value = os.environ.get(name)
    if value is None:
        raise InputError("--password-env", f"environment variable {name} is not set")
    return value


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help="User name (lower-case letters, digits, . _ -).")],
    role: Annotated[str, typer.Option("--role", help=f"One of: {', '.join(ROLES)}.")],
    password_env: Annotated[
        str | None, typer.Option("--password-env", help="Read the password from this variable.")
    ] = None,
) -> None:
    """Add a user. On an empty local store the first user (an admin) needs no login."""
    if settings.env("URL") is None:
        with cli_session.backend() as b:
            if not b.has_users():
                if inputs.one_of("--role", role, ROLES) != ADMIN:
                    raise Forbidden(
                        "the first user of a store must be an admin: "
                        "`docket user add NAME --role admin`"
                    )
                b.bootstrap(name, _password(password_env))
                typer.echo(f"user {name} added with role {role}")
                return
    with cli_session.session() as s:
        s.users.add(name, role, _password(password_env))
    typer.echo(f"user {name} added with role {role}")


@user_app.command("disable")
def user_disable(name: Annotated[str, typer.Argument(help="User to disable.")]) -> None:
    """Disable an account (its logins and tokens stop working)."""
    with cli_session.session() as s:
        s.users.disable(name)
    typer.echo(f"user {name} disabled")


@user_app.command("enable")
def user_enable(name: Annotated[str, typer.Argument(help="User to enable.")]) -> None:
    """Re-enable an account and clear a lockout."""
    with cli_session.session() as s:
        s.users.enable(name)
    typer.echo(f"user {name} enabled")


def _status(u: users.User) -> str:
    if u.disabled:
        return "disabled"
    return f"locked until {u.locked_until:%H:%M} UTC" if u.locked_until else "active"


@user_app.command("list")
def user_list() -> None:
    """List accounts (admins and auditors)."""
    with cli_session.session() as s:
        found = s.users.list()
    table(
        ["user", "role", "status", "created", "by"],
        [
            [
                u.name, u.role,
                _status(u),
                f"{u.created_at:%Y-%m-%d}", u.created_by or "-",
            ]
            for u in found
        ],
    )  # fmt: skip


def login(
    user: Annotated[str | None, typer.Option("--user", help="User name (default: prompt).")] = None,
) -> None:
    """Log in; caches a short-lived token (mode 0600) for the commands that follow."""
    name = user or settings.env("USER") or str(typer.prompt("User"))
    password = str(typer.prompt("Password", hide_input=True))
    who, role, expires = cli_session.login(name, password)
    until = f" until {expires:%Y-%m-%d %H:%M} UTC" if expires else ""
    typer.echo(f"logged in as {who} ({role}){until}")


def logout() -> None:
    """End the cached login and forget its token."""
    user = cli_session.logout()
    typer.echo(f"logged out {user}" if user else "not logged in")


def whoami() -> None:
    """Show who Docket takes you for."""
    with cli_session.session() as s:
        who = s.whoami()
    typer.echo(f"{who.user} ({who.role})")


@audit_app.command("verify")
def audit_verify() -> None:
    """Recompute the hash chain; name the first edited, deleted, inserted or moved row.

    On a local store it needs no login (it shows row numbers, never their content)."""
    if settings.env("URL") is None:
        with cli_session.backend() as d:
            verdict = d.verify_audit()
    else:
        with cli_session.session() as s:
            verdict = s.audit.verify()
    if verdict.ok:
        typer.echo(f"audit trail intact: {verdict.rows} rows verified")
        return
    typer.echo(f"audit trail BROKEN at row {verdict.bad_seq}: {verdict.problem}")
    raise typer.Exit(1)


@audit_app.command("show")
def audit_show(
    user: Annotated[str | None, typer.Option("--user", help="Only this user's rows.")] = None,
    case: Annotated[str | None, typer.Option("--case", help="Only rows for this case.")] = None,
    action: Annotated[
        str | None, typer.Option("--action", help="Only this action (or its sub-actions).")
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Only rows from this date/time (UTC).")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", help="At most this many (newest).")] = 100,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """Show the audit trail (auditors)."""
    moment = inputs.moment("--since", since) if since else None
    with cli_session.session() as s:
        rows = s.audit.show(user=user, case=case, action=action, since=moment, limit=limit)
    if as_json:
        for r in rows:
            typer.echo(json.dumps({
                "seq": r.seq, "at": r.at.isoformat(), "user": r.user, "role": r.role,
                "case": r.case, "why": r.justification, "action": r.action,
                "category": r.category, "objects": json.loads(r.objects),
                "params": json.loads(r.params), "result_count": r.result_count,
                "client": r.client, "outcome": r.outcome, "detail": r.detail,
            }, ensure_ascii=False))  # fmt: skip
        return
    table(
        ["seq", "at (UTC)", "user", "role", "action", "case", "why", "objects", "n", "outcome"],
        [
            [
                r.seq, f"{r.at:%Y-%m-%d %H:%M:%S}", r.user, r.role, r.action, r.case,
                r.justification, ", ".join(json.loads(r.objects))[:60], r.result_count,
                r.outcome + (f": {r.detail[:80]}" if r.detail else ""),
            ]
            for r in rows
        ],
    )  # fmt: skip


def purge(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only count what would go.")] = False,
) -> None:
    """Remove data past its source's retention period, except what a legal hold keeps (admin)."""
    with cli_session.session() as s:
        rep = s.purge(dry_run)
    verb = "would remove" if dry_run else "removed"
    typer.echo(f"expired source files: {len(rep.expired_files)}")
    table(
        ["table", verb, "kept by legal hold"],
        [[t, n, rep.kept_by_hold.get(t, "")] for t, n in rep.removed.items()],
    )
    typer.echo(f"entities no longer supported: {rep.entities_unsupported}")
    if rep.reresolved:
        typer.echo("re-resolved the remaining mentions")


@report_app.command("subject")
def report_subject(
    entity: Annotated[str, typer.Argument(help="Entity id (former ids are followed).")],
) -> None:
    """What Docket holds about a person and every consultation of it (auditors)."""
    with cli_session.session() as s:
        rep = s.audit.subject(entity)
    eid = rep.entity
    now = f" (now {rep.current})" if rep.current and rep.current != eid else ""
    gone = "" if rep.current else " — no longer in the store"
    typer.echo(f"subject {eid}{now}{gone}; ids: {', '.join(rep.ids)}")
    typer.echo("held, by source:")
    table(
        ["source", "mentions", "holdings", "event parties", "first loaded", "last loaded",
         "kept (days)"],
        [
            [s.source, s.mentions, s.holdings, s.event_parties, f"{s.first_loaded:%Y-%m-%d}",
             f"{s.last_loaded:%Y-%m-%d}", s.retention_days if s.retention_days else "until purged"]
            for s in rep.sources
        ],
    )  # fmt: skip
    typer.echo("linked to cases:")
    table(["case", "as", "case status"], [list(c) for c in rep.cases])
    typer.echo("consultations:")
    table(
        ["seq", "at (UTC)", "user", "role", "case", "why", "action", "outcome"],
        [
            [r.seq, f"{r.at:%Y-%m-%d %H:%M:%S}", r.user, r.role, r.case, r.justification,
             r.action, r.outcome]
            for r in rep.consultations
        ],
    )  # fmt: skip


def register(app: typer.Typer) -> None:
    """Add this package's commands to the `docket` app."""
    from docket.governance import cli_cases

    app.add_typer(user_app, name="user")
    app.command("login")(login)
    app.command("logout")(logout)
    app.command("whoami")(whoami)
    app.add_typer(cli_cases.case_app, name="case")
    app.add_typer(cli_cases.watchlist_app, name="watchlist")
    app.add_typer(audit_app, name="audit")
    app.command("purge")(purge)
    app.add_typer(report_app, name="report")
