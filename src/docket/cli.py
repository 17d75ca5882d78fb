"""`docket …`: the command line, a thin layer over the library's session.

Each package registers its own commands; docket/cli_session.py gives them their session
(local store, or the service named by DOCKET_URL). Errors Docket raises on purpose
(DocketError) are printed as one clear message, never a traceback: exit code 3 for a
refusal, 2 for other errors.
"""

from __future__ import annotations

import importlib
import sys

import typer
from rich.console import Console
from rich.markup import escape

from docket.errors import AccessError, DocketError
from docket.store.files import make_private

# Packages that contribute commands; each has a `cli` module with `register(app)`.
_COMMAND_MODULES = (
    "docket.synth.cli",
    "docket.sources.cli",
    "docket.resolve.cli",
    "docket.governance.cli",
    "docket.api.cli",
    "docket.realtime.cli",
    "docket.graph.cli",
)

app = typer.Typer(
    name="docket",
    help="Docket: investigative data fusion with accountability built in.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def _root() -> None:
    """Docket: investigative data fusion with accountability built in.

    Every read of person data needs --case and --why (or DOCKET_CASE / DOCKET_WHY)
    and lands in the audit trail.
    """


@app.command()
def version() -> None:
    """Print Docket's version."""
    from docket import __version__

    typer.echo(__version__)


for _module in _COMMAND_MODULES:
    importlib.import_module(_module).register(app)

_err = Console(stderr=True)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the `docket` script. Everything it writes is private (umask 077)."""
    make_private()
    try:
        app(args=argv, prog_name="docket")
    except AccessError as exc:
        _err.print(f"[bold red]refused:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
        sys.exit(3)
    except DocketError as exc:
        _err.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
