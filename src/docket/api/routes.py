"""One endpoint per session operation (docket/session/ops.py), built from its signature.

A GET endpoint takes the method's arguments as query parameters, a POST endpoint as one
JSON object; path parameters come from the path. Reads of person data also take the case
and the justification from the X-Docket-Case / X-Docket-Why headers. The endpoint opens
a session for the bearer token, calls the method and returns its result as JSON, or, for
an export, streams the file it wrote (count in X-Docket-Count).
"""

from __future__ import annotations

import functools
import inspect
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Header, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import FileResponse
from pydantic import create_model
from starlette.background import BackgroundTask

from docket.errors import NotAuthenticated
from docket.session import Session
from docket.session.docket import Docket
from docket.session.ops import OPS, Argument, Op, arguments, method_of, returns

MEDIA = {
    "csv": "text/csv",
    "parquet": "application/vnd.apache.parquet",
    "ftm": "application/x-ndjson",
}


def client_of(request: Request) -> str:
    """The audit trail's name for where a request came from."""
    host = request.client.host if request.client else "unknown"
    return f"http:{host}"


def bearer_session(request: Request) -> Iterator[Session]:
    """A session for the request's bearer token (401 without a valid one)."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise NotAuthenticated(
            "this endpoint needs a bearer token: POST /api/v1/token with your user and password"
        )
    docket: Docket = request.app.state.docket
    session = docket.session(token=token.strip(), client=client_of(request))
    try:
        yield session
    finally:
        session.close()


SessionDep = Annotated[Session, Depends(bearer_session)]


def _call(session: Session, op: Op, kwargs: dict[str, Any]) -> Any:
    target: Any = session
    for part in op.name.split("."):
        target = getattr(target, part)
    return target(**kwargs)


def _parameter(arg: Argument, kind: Any) -> inspect.Parameter:
    return inspect.Parameter(
        arg.name,
        inspect.Parameter.KEYWORD_ONLY,
        annotation=Annotated[arg.annotation, kind()],
        default=arg.default,
    )


def _endpoint(op: Op) -> Callable[..., Any]:
    """An endpoint function whose signature FastAPI reads to parse and document the call."""
    args = arguments(op)
    in_path = set(op.path_params)
    names = {a.name for a in args}
    params: list[inspect.Parameter] = [
        inspect.Parameter("request", inspect.Parameter.KEYWORD_ONLY, annotation=Request),
        inspect.Parameter("session", inspect.Parameter.KEYWORD_ONLY, annotation=SessionDep),
    ]
    body_fields = {}
    for a in args:
        if a.name in in_path:
            params.append(_parameter(a, PathParam))
        elif op.method == "GET":
            params.append(_parameter(a, Query))
        else:
            default = ... if a.default is inspect.Parameter.empty else a.default
            body_fields[a.name] = (a.annotation, default)
    if body_fields:
        model = create_model(f"{op.name.replace('.', '_')}_request", **body_fields)  # type: ignore[call-overload]
        params.append(
            inspect.Parameter(
                "body", inspect.Parameter.KEYWORD_ONLY, annotation=Annotated[model, Body()]
            )
        )
    headers = [h for h in ("case", "why") if h in names]
    for h in headers:
        params.append(
            inspect.Parameter(
                f"x_docket_{h}",
                inspect.Parameter.KEYWORD_ONLY,
                annotation=Annotated[str | None, Header(include_in_schema=True)],
                default=None,
            )
        )
    if headers:  # given as a header instead of a query parameter: not required there
        params = [
            p.replace(annotation=Annotated[str | None, Query()], default=None)
            if p.name in headers
            else p
            for p in params
        ]

    def endpoint(**kw: Any) -> Any:
        request: Request = kw.pop("request")
        session: Session = kw.pop("session")
        body = kw.pop("body", None)
        if body is not None:
            kw.update({k: getattr(body, k) for k in body_fields})
        for h in headers:
            header = kw.pop(f"x_docket_{h}")
            if kw.get(h) is None:
                kw[h] = header
        if op.stream:
            return _stream(request, session, op, kw)
        result = _call(session, op, kw)
        return {"ok": True} if result is None else result

    endpoint.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    endpoint.__name__ = op.name.replace(".", "_")
    endpoint.__doc__ = method_of(op.name).__doc__
    return endpoint


def _stream(request: Request, session: Session, op: Op, kw: dict[str, Any]) -> FileResponse:
    """Run an export into a private temporary file and send it."""
    docket: Docket = request.app.state.docket
    folder = docket.home / "tmp"
    folder.mkdir(mode=0o700, exist_ok=True)
    path = folder / f"export-{secrets.token_hex(8)}"
    try:
        exported = _call(session, op, {**kw, "out": path})
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    fmt = str(kw.get("fmt", "csv"))
    return FileResponse(
        path,
        media_type=MEDIA.get(fmt, "application/octet-stream"),
        headers={"X-Docket-Count": str(exported.count), "X-Docket-What": exported.what},
        background=BackgroundTask(functools.partial(Path.unlink, path, missing_ok=True)),
    )


def router() -> APIRouter:
    """Every session operation under its path (mounted at /api/v1)."""
    r = APIRouter()
    for op in OPS:
        result = returns(op)
        r.add_api_route(
            op.path,
            _endpoint(op),
            methods=[op.method],
            name=op.name,
            summary=(method_of(op.name).__doc__ or op.name).strip().split("\n")[0],
            response_model=None if op.stream or result in (None, type(None)) else result,
            tags=[op.name.split(".")[0]],
        )
    return r
