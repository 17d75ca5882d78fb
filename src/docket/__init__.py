"""Docket: investigative data fusion with accountability built in.

    import docket

    with docket.Docket("docket-data") as d:
        with d.session(user="ana", password="…") as s:
            case = s.cases.open("Title", basis="fraud", ref="WARRANT-1")

Every operation is a method of a session bound to an authenticated user; authorisation
and the audit trail happen inside. See README.md and docs/architecture.md.
"""

from docket.errors import AccessError, DocketError, Forbidden, InputError, NotAuthenticated
from docket.session import Docket, Session

__all__ = [
    "AccessError",
    "Docket",
    "DocketError",
    "Forbidden",
    "InputError",
    "NotAuthenticated",
    "Session",
    "__version__",
]
__version__ = "0.2.0"
