"""Every environment setting the command line reads, under the DOCKET_ prefix, in one place.

The library (`docket.Docket`) takes everything as arguments; only the CLI and `make demo`
consult the environment.
"""

from __future__ import annotations

import os
from pathlib import Path


def home() -> Path:
    """Folder holding the store and its side files (DOCKET_HOME, default ./docket-data)."""
    return Path(os.environ.get("DOCKET_HOME", "docket-data"))


def db_path() -> Path:
    """The DuckDB store file (DOCKET_DB, default $DOCKET_HOME/docket.duckdb)."""
    explicit = os.environ.get("DOCKET_DB")
    return Path(explicit) if explicit else home() / "docket.duckdb"


def env(name: str) -> str | None:
    """A DOCKET_* variable, or None when unset or empty."""
    value = os.environ.get(f"DOCKET_{name}")
    return value or None


# Variables documented for users (tests check README mentions each one). The library
# reads none of them: they are the command line's (docket/cli_session.py, cli modules).
DOCUMENTED = (
    "DOCKET_HOME",
    "DOCKET_DB",
    "DOCKET_URL",
    "DOCKET_TOKEN",
    "DOCKET_USER",
    "DOCKET_PASSWORD",
    "DOCKET_CASE",
    "DOCKET_WHY",
)
