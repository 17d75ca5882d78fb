"""Roles and the authenticated principal.

Separation of duties: an admin manages users and sources but reads no person
data; an auditor reads the audit trail and subject reports, not the
investigative data; analysts and supervisors read person data only through an
open, approved case they are members of. Supervisors also approve cases and
watchlist entries opened by someone else. A feed is a machine account that delivers
records of the sources it is bound to, and reads nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

ANALYST = "analyst"
SUPERVISOR = "supervisor"
AUDITOR = "auditor"
ADMIN = "admin"
FEED = "feed"
ROLES = (ANALYST, SUPERVISOR, AUDITOR, ADMIN, FEED)
READERS = (ANALYST, SUPERVISOR)  # the only roles that may read person data


@dataclass(frozen=True)
class Principal:
    """An authenticated user and their role."""

    user: str
    role: str
