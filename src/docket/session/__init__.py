"""The front door: `Docket(home)` opens a store, `.session(...)` binds a principal to it,
and every operation is a method of the session (authorised and audited inside)."""

from docket.session.docket import Docket
from docket.session.session import Session

__all__ = ["Docket", "Session"]
