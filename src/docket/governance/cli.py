"""`docket user|login|logout|whoami|audit|purge|report` (cases and watchlist: cli_cases.py)."""

from __future__ import annotations

import json
import os
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from docket import settings
from docket.errors import AccessError, InputError
from docket.governance import audit, auth, inputs, report, retention, users
from docket.governance.gate import operation
from docket.governance.options import store
from docket.governance.roles import ADMIN, AUDITOR, ROLES

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
    """Add a user. On an empty store the first user (an admin) needs no login."""
    with store() as con:
        if users.count(con) == 0:
            users.bootstrap(con, name, role, _password(password_env))
        else:
            with operation(
                con, action="user.add", roles=[ADMIN], objects=[name[:80]],
                params={"role": role[:40]},
            ) as op:  # fmt: skip
                users.add(con, name, role, _password(password_env), by=op.user)
    typer.echo(f"user {name} added with role {role}")


def _set_disabled(name: str, disabled: bool) -> None:
    action = "user.disable" if disabled else "user.enable"
    with store() as con, operation(con, action=action, roles=[ADMIN], objects=[name[:80]]) as op:
        assert op.principal is not None
        users.set_disabled(con, name, disabled, actor=op.principal)
    typer.echo(f"user {name} {'disabled' if disabled else 'enabled'}")


@user_app.command("disable")
def user_disable(name: Annotated[str, typer.Argument(help="User to disable.")]) -> None:
    """Disable an account (its logins and tokens stop working)."""
    _set_disabled(name, True)


@user_app.command("enable")
def user_enable(name: Annotated[str, typer.Argument(help="User to enable.")]) -> None:
    """Re-enable an account and clear a lockout."""
    _set_disabled(name, False)


def _status(u: users.User) -> str:
    if u.disabled:
        return "disabled"
    return f"locked until {u.locked_until:%H:%M} UTC" if u.locked_until else "active"


@user_app.command("list")
def user_list() -> None:
    """List accounts (admins and auditors)."""
    with store() as con, operation(con, action="user.list", roles=[ADMIN, AUDITOR]) as op:
        found = users.listing(con)
        op.result_count = len(found)
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
    """Log in; caches a short-lived token in $DOCKET_HOME/.token."""
    name = user or settings.env("USER") or str(typer.prompt("User"))
    password = str(typer.prompt("Password", hide_input=True))
    with store() as con:
        who, expires = auth.login(con, name, password)
    typer.echo(f"logged in as {who.user} ({who.role}) until {expires:%Y-%m-%d %H:%M} UTC")


def logout() -> None:
    """Forget the cached login token."""
    with store() as con:
        user = auth.logout(con)
    typer.echo(f"logged out {user}" if user else "not logged in")


def whoami() -> None:
    """Show who Docket takes you for."""
    with store() as con:
        who = auth.current_principal(con)
    typer.echo(f"{who.user} ({who.role})")


@audit_app.command("verify")
def audit_verify() -> None:
    """Recompute the hash chain; name the first edited, deleted, inserted or moved row."""
    with store() as con:
        try:
            who = auth.current_principal(con)
        except AccessError:
            who = None
        verdict = audit.verify(con)
        audit.record(
            con, action="audit.verify", outcome="ok" if verdict.ok else "failed", principal=who,
            result_count=verdict.rows, detail=verdict.problem,
            params={"bad_seq": verdict.bad_seq} if verdict.bad_seq else None,
        )  # fmt: skip
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
    u = inputs.user_name(user, "--user") if user else None
    c = inputs.case_id(case, "--case") if case else None
    a = inputs.text("--action", action, limit=64) if action else None
    s = inputs.moment("--since", since) if since else None
    n = inputs.positive("--limit", limit, maximum=100_000)
    params = {"user": u, "case": c, "action": a, "since": s.isoformat() if s else None, "limit": n}
    with store() as con, operation(con, action="audit.show", roles=[AUDITOR], params=params) as op:
        rows = audit.show(con, user=u, case=c, action=a, since=s, limit=n)
        op.result_count = len(rows)
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
    action = "purge.dry-run" if dry_run else "purge"
    with store() as con, operation(con, action=action, roles=[ADMIN]) as op:
        rep = retention.purge(con, dry_run=dry_run)
        op.objects.extend(rep.expired_files)
        op.params.update(
            removed=rep.removed, kept_by_hold=rep.kept_by_hold,
            entities_unsupported=rep.entities_unsupported, reresolved=rep.reresolved,
        )  # fmt: skip
        op.result_count = rep.total_removed
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
    eid = inputs.entity_id(entity, "ENTITY")
    with store() as con, operation(
        con, action="report.subject", roles=[AUDITOR], objects=[eid]
    ) as op:  # fmt: skip
        rep = report.subject(con, eid)
        op.result_count = len(rep.consultations)
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
