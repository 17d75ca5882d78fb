"""Users, roles, cases, the authorisation gate, the audit chain, watchlists, retention.

Public API (see docs/governance.md):

- `gate.person_data(con, action=, case=, why=, objects=, params=)` — every read of person data
- `gate.operation(con, action=, roles=, case=…)` — audited writes and administration
- `gate.read_path(name)` — decorator registering a function that reads person data
- `auth.current_principal(con) -> Principal(user, role)` — raises NotAuthenticated
- `watchlist.active_entries(con, at=None)` — what real-time matching reads
- `audit.verify(con)` / `audit.record(con, …)`; `retention.purge(con, dry_run=)`
"""

from docket.governance.auth import current_principal
from docket.governance.gate import PersonData, operation, person_data, read_path
from docket.governance.roles import ADMIN, ANALYST, AUDITOR, ROLES, SUPERVISOR, Principal
from docket.governance.watchlist import active_entries

__all__ = [
    "ADMIN",
    "ANALYST",
    "AUDITOR",
    "ROLES",
    "SUPERVISOR",
    "PersonData",
    "Principal",
    "active_entries",
    "current_principal",
    "operation",
    "person_data",
    "read_path",
]
