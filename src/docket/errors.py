"""Docket's exceptions: one base, each carrying the context a user needs to act.

DocketError
 ├── ModelError          the canonical model YAML is malformed (file, key)
 ├── MappingError        a source mapping is malformed or refused (file, key, column)
 ├── IngestError         a source file cannot be read at all (file)
 ├── StoreError          the DuckDB store is missing, locked or of another version
 ├── ResolveError        entity resolution cannot run (no mentions, bad model file …)
 ├── InputError          a parameter given by a user is invalid (name, value, what to do)
 └── AccessError         authentication or authorisation refused
      ├── NotAuthenticated
      └── Forbidden
"""

from __future__ import annotations

from pathlib import Path


class DocketError(Exception):
    """Base of every error Docket raises on purpose. The CLI prints these without a traceback."""

    hint: str = ""

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        if hint:
            self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}\n  → {self.hint}" if self.hint else self.message


class ModelError(DocketError):
    """The canonical model YAML is malformed."""

    def __init__(self, file: Path | str, key: str, problem: str) -> None:
        self.file, self.key = str(file), key
        super().__init__(f"{file}: at '{key}': {problem}", hint="fix the model file and retry")


class MappingError(DocketError):
    """A source mapping is malformed, or refused (for example a special category)."""

    def __init__(self, file: Path | str, key: str, problem: str, *, hint: str = "") -> None:
        self.file, self.key = str(file), key
        super().__init__(
            f"{file}: at '{key}': {problem}", hint=hint or "fix the mapping file and retry"
        )


class IngestError(DocketError):
    """A source file cannot be ingested at all (unreadable, no mapping recognises it …)."""


class StoreError(DocketError):
    """The store cannot be opened or is in an unexpected state."""


class ResolveError(DocketError):
    """Entity resolution cannot run."""


class InputError(DocketError):
    """A value a user gave is invalid: names the parameter, the value and what to do."""

    def __init__(self, parameter: str, problem: str, *, hint: str = "") -> None:
        self.parameter = parameter
        super().__init__(f"{parameter}: {problem}", hint=hint)


class AccessError(DocketError):
    """Authentication or authorisation refused."""


class NotAuthenticated(AccessError):
    """No valid user: log in with `docket login` or set DOCKET_USER / DOCKET_PASSWORD."""


class Forbidden(AccessError):
    """The user is known but may not do this."""


# The service sends errors as {"error": {"code", "message", "hint"}} with an HTTP status;
# its clients raise the same class again. Most specific classes first.
HTTP_ERRORS: tuple[tuple[type[DocketError], str, int], ...] = (
    (NotAuthenticated, "not_authenticated", 401),
    (Forbidden, "forbidden", 403),
    (AccessError, "access_refused", 403),
    (InputError, "invalid_input", 400),
    (MappingError, "invalid_mapping", 400),
    (ModelError, "invalid_model", 500),
    (IngestError, "ingest_failed", 400),
    (ResolveError, "resolve_failed", 409),
    (StoreError, "store_unavailable", 503),
    (DocketError, "error", 400),
)


def http_error(exc: DocketError) -> tuple[str, int]:
    """(code, HTTP status) of a Docket error, for the service's error responses."""
    for cls, code, status in HTTP_ERRORS:
        if isinstance(exc, cls):
            return code, status
    return "error", 400


def from_http(code: str, message: str, hint: str = "") -> DocketError:
    """The Docket error a service response names (unknown codes: DocketError)."""
    cls: type[DocketError] = next((c for c, k, _ in HTTP_ERRORS if k == code), DocketError)
    exc = cls.__new__(cls)
    DocketError.__init__(exc, message, hint=hint)
    return exc


__all__ = [
    "AccessError",
    "DocketError",
    "Forbidden",
    "IngestError",
    "InputError",
    "MappingError",
    "ModelError",
    "NotAuthenticated",
    "ResolveError",
    "StoreError",
    "from_http",
    "http_error",
]
