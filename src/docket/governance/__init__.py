"""Users, roles, cases, the authorisation gate, the audit chain, watchlists, retention.

The library's front door (docket.session) is the caller; see docs/governance.md:

- `gate.person_data(con, token=, action=, case=, why=, …)` — every read of person data
- `gate.operation(con, token=, action=, roles=, case=…)` — audited writes and administration
- `handles.read_path(name)` / `handles.operation_path(name)` — functions that need a handle
- `auth.open_session` / `auth.principal_for_token` — sessions and their bearer tokens
- `watchlist.active_entries(con, at=None)` — what real-time matching reads
- `audit.verify(con)` / `audit.record(con, …)`; `retention.purge(op, dry_run=)`
"""

from docket.governance.gate import (
    Operation,
    PersonData,
    operation,
    operation_path,
    person_data,
    read_path,
)
from docket.governance.roles import ADMIN, ANALYST, AUDITOR, ROLES, SUPERVISOR, Principal
from docket.governance.watchlist import active_entries

__all__ = [
    "ADMIN",
    "ANALYST",
    "AUDITOR",
    "ROLES",
    "SUPERVISOR",
    "Operation",
    "PersonData",
    "Principal",
    "active_entries",
    "operation",
    "operation_path",
    "person_data",
    "read_path",
]
