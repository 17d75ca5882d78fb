"""The service's FastAPI application: the store it owns, the token endpoint, every session
operation under /api/v1, and one error shape for every error."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException

from docket import __version__
from docket.api.routes import client_of, router
from docket.errors import DocketError, http_error
from docket.session.docket import Docket

PREFIX = "/api/v1"
log = logging.getLogger("docket.api")


class Credentials(BaseModel):
    user: str = Field(max_length=200)
    password: str = Field(max_length=1000)


class Token(BaseModel):
    token: str
    token_type: str = "bearer"
    user: str
    role: str
    expires_at: datetime


def _error(status: int, code: str, message: str, hint: str = "") -> JSONResponse:
    return JSONResponse(
        {"error": {"code": code, "message": message, "hint": hint}}, status_code=status
    )


def create_app(docket: Docket) -> FastAPI:
    """The service's app over an open store (the app owns it from now on)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        docket.close()

    app = FastAPI(
        title="Docket",
        version=__version__,
        description="Investigative data fusion with accountability built in. Every call "
        "needs a bearer token from POST /api/v1/token; reads of person data need a case "
        "and a justification and are audited.",
        openapi_url=f"{PREFIX}/openapi.json",
        docs_url=f"{PREFIX}/docs",
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.docket = docket

    @app.exception_handler(DocketError)
    async def docket_error(_request: Request, exc: DocketError) -> JSONResponse:
        code, status = http_error(exc)
        return _error(status, code, exc.message, exc.hint)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(_request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', '')}"
            for e in exc.errors()
        )
        return _error(422, "invalid_request", problems[:1000])

    @app.exception_handler(HTTPException)
    async def http_error_(_request: Request, exc: HTTPException) -> JSONResponse:
        return _error(exc.status_code, "http_error", str(exc.detail))

    @app.exception_handler(Exception)
    async def unexpected(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error", exc_info=exc)
        return _error(500, "internal_error", "internal error; the service log has the details")

    @app.post(f"{PREFIX}/token", response_model=Token, tags=["auth"])
    def token(request: Request, credentials: Credentials) -> Token:
        """Log in: a bearer token for the user (audited)."""
        session = docket.session(
            user=credentials.user, password=credentials.password, client=client_of(request)
        )
        try:
            assert session.expires_at is not None
            return Token(
                token=session.token, user=session.user, role=session.role,
                expires_at=session.expires_at,
            )  # fmt: skip
        finally:
            session.close()

    app.include_router(router(), prefix=PREFIX)
    return app
