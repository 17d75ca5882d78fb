"""The service's real-time endpoints: intake of records, and alerts as they are raised.

POST /api/v1/events?source=NAME     NDJSON body (≤ 10,000 records), bearer token of a
                                    feed bound to NAME (or an admin); 200 only once
                                    the batch is committed, with per-record outcomes
GET  /api/v1/alerts/stream          Server-Sent Events: each alert of the cases the
                                    token's user may read, as JSON naming the entity,
                                    the source and the record key
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.sse import EventSourceResponse, ServerSentEvent
from starlette.concurrency import run_in_threadpool

from docket.api.routes import bearer_session, client_of
from docket.errors import NotAuthenticated
from docket.realtime.intake import Delivery
from docket.session import Session
from docket.session.docket import Docket

SessionDep = Annotated[Session, Depends(bearer_session)]
MAX_BODY = 64 << 20  # bytes: 10,000 records of a few kilobytes
HEARTBEAT = 15.0  # seconds between keep-alive comments


def router() -> APIRouter:
    r = APIRouter(tags=["real time"])

    @r.post("/events", response_model=Delivery)
    async def events(
        request: Request,
        session: SessionDep,
        source: Annotated[str, Query(description="The source's mapping name.")],
    ) -> Delivery:
        """Deliver a batch of a source's records (NDJSON, one JSON object per line, keyed by
        the source's column names). Answers once the batch is committed."""
        body = await request.body()
        if len(body) > MAX_BODY:
            from docket.errors import InputError

            raise InputError("body", f"{len(body):,} bytes; at most {MAX_BODY:,} per request")
        return await run_in_threadpool(session.deliver, source, body)

    @r.get("/alerts/stream", response_class=EventSourceResponse)
    async def stream(request: Request) -> AsyncIterator[ServerSentEvent]:
        """Alerts as they are raised, for the cases the token's user may read (SSE)."""
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise NotAuthenticated("the alert stream needs a bearer token")
        docket: Docket = request.app.state.docket
        session = docket.session(token=token.strip(), client=client_of(request))
        sub = session.subscribe_alerts()
        try:
            yield ServerSentEvent(comment="subscribed")
            while not await request.is_disconnected():
                alert = await run_in_threadpool(session.take, sub, HEARTBEAT)
                if alert is None:
                    yield ServerSentEvent(comment="keep-alive")
                    continue
                yield ServerSentEvent(data=alert.message(), event="alert", id=alert.alert_id)
        finally:
            docket.bus.unsubscribe(sub)
            session.close()

    return r
