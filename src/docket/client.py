"""A client of the service (`docket serve`): the same session, over HTTP.

    remote = RemoteDocket("http://127.0.0.1:8000")
    s = remote.session(user="ana", password=pw)      # POST /api/v1/token
    s.cases.list()                                   # GET /api/v1/cases, as Case objects

`RemoteSession` offers every operation of `docket.Session` (docket/session/ops.py says how
each travels) and returns the same types, so the command line works unchanged with
DOCKET_URL set. Errors come back as the same DocketError classes, with the service's
message. In-process arguments (progress callbacks) are ignored; an export's `out` receives
the bytes the service streams.
"""

from __future__ import annotations

import inspect
import os
from datetime import datetime
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

import httpx
import pydantic

from docket.errors import DocketError, NotAuthenticated, StoreError, from_http
from docket.session.ops import BY_NAME, LOCAL_ONLY, NAMESPACES, Op, method_of, returns
from docket.session.results import Exported

PREFIX = "/api/v1"
# Long operations (a resolve of millions of mentions) answer when they are done.
_TIMEOUT = httpx.Timeout(None, connect=10.0)


def _raise_for(response: httpx.Response) -> None:
    if response.is_success:
        return
    try:
        body = response.json()
        err = body["error"]
        raise from_http(str(err["code"]), str(err["message"]), str(err.get("hint") or ""))
    except (ValueError, KeyError, TypeError):
        raise DocketError(
            f"the service answered {response.status_code}: {response.text[:300]}"
        ) from None


class RemoteDocket:
    """A Docket service at `url` (e.g. http://127.0.0.1:8000)."""

    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/")
        self._http = httpx.Client(base_url=self.url + PREFIX, timeout=_TIMEOUT)

    def _send(self, method: str, path: str, **kw: Any) -> httpx.Response:
        try:
            return self._http.request(method, path, **kw)
        except httpx.TransportError as exc:
            raise StoreError(
                f"cannot reach the Docket service at {self.url}: {exc}",
                hint="check DOCKET_URL and that `docket serve` is running",
            ) from None

    def session(
        self, *, user: str | None = None, password: str | None = None, token: str | None = None
    ) -> RemoteSession:
        """A session for `user` (logging in) or for an existing `token`."""
        if token is None:
            if user is None or password is None:
                raise NotAuthenticated(
                    "a session needs a user name and a password, or the token of an open session"
                )
            r = self._send("POST", "/token", json={"user": user, "password": password})
            _raise_for(r)
            data = r.json()
            expires = datetime.fromisoformat(data["expires_at"])
            return RemoteSession(self, data["token"], data["user"], data["role"], expires)
        s = RemoteSession(self, token, "", "", None)
        who = s.whoami()
        s.user, s.role = who.user, who.role
        return s

    def close(self) -> None:
        self._http.close()


class _Namespace:
    def __init__(self, session: RemoteSession, space: str) -> None:
        self._session, self._space = session, space

    def __getattr__(self, name: str) -> Any:
        return self._session._operation(f"{self._space}.{name}")


class RemoteSession:
    """A session on the service; see `docket.Session` for the operations."""

    def __init__(
        self, remote: RemoteDocket, token: str, user: str, role: str, expires_at: datetime | None
    ) -> None:
        self._remote = remote
        self.token, self.user, self.role, self.expires_at = token, user, role, expires_at

    def __getattr__(self, name: str) -> Any:
        if name in NAMESPACES:
            return _Namespace(self, name)
        return self._operation(name)

    def _operation(self, name: str) -> Any:
        op = BY_NAME.get(name)
        if op is None:
            raise AttributeError(f"the session has no operation {name!r}")

        def call(*args: Any, **kwargs: Any) -> Any:
            return self._call(op, args, kwargs)

        call.__name__ = name
        call.__doc__ = method_of(name).__doc__
        return call

    def _call(self, op: Op, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        bound = inspect.signature(method_of(op.name)).bind(None, *args, **kwargs)
        bound.apply_defaults()
        values = dict(list(bound.arguments.items())[1:])
        out = values.pop("out", None)
        for name in LOCAL_ONLY:
            values.pop(name, None)
        path = op.path.format(**{k: quote(str(values.pop(k)), safe="") for k in op.path_params})
        payload: dict[str, Any] = pydantic.TypeAdapter(dict[str, Any]).dump_python(
            values, mode="json"
        )
        headers = {"Authorization": f"Bearer {self.token}"}
        if op.stream:
            return self._stream(op, path, payload, headers, out)
        if op.method == "GET":
            query = {k: v for k, v in payload.items() if v is not None}
            r = self._remote._send("GET", path, params=query, headers=headers)
        else:
            r = self._remote._send(op.method, path, json=payload, headers=headers)
        _raise_for(r)
        result = returns(op)
        if result in (None, type(None)):
            return None
        return pydantic.TypeAdapter(result).validate_python(r.json())

    def _stream(
        self, op: Op, path: str, payload: dict[str, Any], headers: dict[str, str], out: Any
    ) -> Exported:
        query = {k: v for k, v in payload.items() if v is not None}
        try:
            with self._remote._http.stream("GET", path, params=query, headers=headers) as r:
                if not r.is_success:
                    r.read()
                    _raise_for(r)
                count = int(r.headers.get("X-Docket-Count", "0"))
                what = r.headers.get("X-Docket-What", "rows")
                if isinstance(out, str | os.PathLike):
                    target = Path(out)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                    with os.fdopen(fd, "wb") as f:
                        _copy(r, f)
                else:
                    _copy(r, out)
        except httpx.TransportError as exc:
            raise StoreError(
                f"the Docket service at {self._remote.url} broke off: {exc}",
                hint="retry; the service's audit trail records what it sent",
            ) from None
        return Exported(count, what)

    def close(self) -> None:
        """Nothing to let go of on the client (the login stays valid until `logout`)."""


def _copy(response: httpx.Response, sink: IO[bytes]) -> None:
    for chunk in response.iter_bytes():
        sink.write(chunk)
    sink.flush()
