"""Every session operation as the service offers it: HTTP method and path under /api/v1.

The service (docket/api) builds one endpoint per entry from the session method's own
signature, and the client (docket/client.py, the CLI with DOCKET_URL) calls them the same
way, so the library, the service and its client cannot drift apart: tests/session checks
that every public session method is here and every entry names one.

GET operations take their arguments as query parameters, POST operations as a JSON
object; `{name}` in a path is that argument. Arguments that only make sense in-process
(progress callbacks, the export's destination) are left out of the HTTP form. A
`stream` operation writes a file: the service sends its bytes, with the count in the
X-Docket-Count header.
"""

from __future__ import annotations

import inspect
import re
import typing
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

LOCAL_ONLY = frozenset({"on_step", "on_done", "progress", "out"})
NAMESPACES = ("cases", "watchlist", "users", "audit", "export", "graph")


@dataclass(frozen=True)
class Op:
    name: str  # the session attribute path: "resolve", "cases.open"
    method: str  # GET | POST
    path: str  # under /api/v1
    stream: bool = False
    custom: bool = False  # a hand-written endpoint (docket/api/realtime.py), not generated

    @property
    def path_params(self) -> list[str]:
        return re.findall(r"{(\w+)}", self.path)


OPS: tuple[Op, ...] = (
    Op("whoami", "GET", "/whoami"),
    Op("logout", "POST", "/logout"),
    Op("ingest", "POST", "/ingest"),
    Op("sources", "GET", "/sources"),
    Op("quarantine", "GET", "/quarantine"),
    Op("resolve", "POST", "/resolve"),
    Op("judge", "POST", "/judgements"),
    Op("confirm_judgement", "POST", "/judgements/{judgement_id}/confirm"),
    Op("explain", "GET", "/explain"),
    Op("purge", "POST", "/purge"),
    Op("deliver", "POST", "/events", custom=True),
    Op("subscribe_alerts", "GET", "/alerts/stream", custom=True),
    Op("take", "GET", "/alerts/stream", custom=True),
    Op("process_intake", "POST", "/intake/process"),
    Op("alerts", "GET", "/alerts"),
    Op("cases.list", "GET", "/cases"),
    Op("cases.open", "POST", "/cases"),
    Op("cases.show", "GET", "/cases/{case_id}"),
    Op("cases.approve", "POST", "/cases/{case_id}/approve"),
    Op("cases.review", "POST", "/cases/{case_id}/review"),
    Op("cases.add_member", "POST", "/cases/{case_id}/members"),
    Op("cases.close", "POST", "/cases/{case_id}/close"),
    Op("cases.link", "POST", "/cases/{case_id}/subjects"),
    Op("cases.hold", "POST", "/cases/{case_id}/hold"),
    Op("cases.bulk_request", "POST", "/cases/{case_id}/bulk"),
    Op("cases.bulk_approve", "POST", "/bulk/{basis_id}/approve"),
    Op("cases.webhook", "POST", "/cases/{case_id}/webhook"),
    Op("watchlist.list", "GET", "/watchlist"),
    Op("watchlist.add", "POST", "/watchlist"),
    Op("watchlist.approve", "POST", "/watchlist/{entry_id}/approve"),
    Op("watchlist.renew", "POST", "/watchlist/{entry_id}/renew"),
    Op("users.list", "GET", "/users"),
    Op("users.add", "POST", "/users"),
    Op("users.disable", "POST", "/users/{name}/disable"),
    Op("users.enable", "POST", "/users/{name}/enable"),
    Op("users.approve", "POST", "/users/{name}/approve"),
    Op("audit.verify", "POST", "/audit/verify"),
    Op("audit.anchor", "POST", "/audit/anchor"),
    Op("audit.show", "GET", "/audit"),
    Op("audit.subject", "GET", "/reports/subject/{entity}"),
    Op("audit.grants", "GET", "/reports/grants"),
    Op("export.mentions", "GET", "/export/mentions", stream=True),
    Op("export.entities", "GET", "/export/entities", stream=True),
    Op("export.quarantine", "GET", "/export/quarantine", stream=True),
    Op("graph.neighbours", "GET", "/graph/neighbours/{entity}"),
    Op("graph.path", "GET", "/graph/path"),
    Op("graph.communities", "GET", "/graph/communities"),
    Op("graph.trajectory", "GET", "/graph/trajectory/{entity}"),
    Op("graph.colocate", "GET", "/graph/colocate/{entity}"),
    Op("graph.summary", "GET", "/graph/summary"),
)
BY_NAME = {op.name: op for op in OPS}


def method_of(name: str) -> Callable[..., Any]:
    """The session's function for operation `name` (unbound: its first parameter is self)."""
    from docket.session import namespaces
    from docket.session.session import Session

    owner: type = Session
    attr = name
    if "." in name:
        space, attr = name.split(".", 1)
        owner = getattr(namespaces, space.capitalize())
    fn: Callable[..., Any] = getattr(owner, attr)
    return fn


@dataclass(frozen=True)
class Argument:
    name: str
    annotation: Any
    default: Any  # inspect.Parameter.empty when required


def arguments(op: Op) -> list[Argument]:
    """The operation's arguments as HTTP carries them (self and local-only ones left out)."""
    fn = method_of(op.name)
    hints = typing.get_type_hints(fn)
    out = []
    for p in list(inspect.signature(fn).parameters.values())[1:]:
        if p.name in LOCAL_ONLY:
            continue
        out.append(Argument(p.name, hints[p.name], p.default))
    return out


def returns(op: Op) -> Any:
    """The operation's return type."""
    return typing.get_type_hints(method_of(op.name)).get("return")
