"""`docket serve`: the service that owns the store, for every deployment with more than
one user."""

from __future__ import annotations

from typing import Annotated

import typer

from docket import settings


def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.", min=1)] = 8000,
) -> None:
    """Serve the store over HTTP (FastAPI): POST /api/v1/token, then every operation.

    Run it as the dedicated account that owns DOCKET_HOME (folder 0700, files 0600); the
    store's users are its clients (DOCKET_URL). Ctrl-C stops it.
    """
    import uvicorn

    from docket.api import create_app
    from docket.session import Docket

    docket = Docket(settings.home(), db=settings.db_path())
    typer.echo(
        f"serving {docket.db_path} on http://{host}:{port} "
        f"(API under /api/v1; clients set DOCKET_URL=http://{host}:{port})",
        err=True,
    )
    uvicorn.run(create_app(docket), host=host, port=port, log_level="warning")


def register(app: typer.Typer) -> None:
    """Add this package's commands to the `docket` app."""
    app.command("serve")(serve)
