"""Where every graph read starts: the entity a user named, as it is now.

`start(pd, ref)` follows merges and splits (entity_redirects) to the current id and checks
that the entity exists; each read path calls it once per entity it starts from, so that a
case-scope check is one line here. `disclose(pd, ids)` records what a read shows.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from docket.errors import InputError
from docket.governance import inputs
from docket.governance.gate import PersonData

_REDIRECTS = (
    "WITH RECURSIVE hop(id, depth) AS (SELECT ?::VARCHAR, 0 UNION ALL "
    "SELECT r.new_id, h.depth + 1 FROM hop h JOIN entity_redirects r ON r.old_id = h.id "
    "WHERE h.depth < 32 AND r.new_id IS NOT NULL "
    "AND NOT EXISTS (SELECT 1 FROM entities e WHERE e.entity_id = h.id)) "
    "SELECT h.id FROM hop h JOIN entities e ON e.entity_id = h.id ORDER BY h.depth LIMIT 1"
)


def start(pd: PersonData, ref: str, parameter: str = "ENTITY") -> str:
    """The current id of the entity `ref` names (following redirects). Raises InputError."""
    eid = inputs.entity_id(ref, parameter)
    rows = pd.sql(_REDIRECTS, [eid]).fetchall()
    if not rows:
        raise InputError(
            parameter,
            f"no entity {eid!r} (nor one it was merged into)",
            hint="use an entity id as `docket export entities` or a graph query prints it",
        )
    current = str(rows[0][0])
    disclose(pd, [current])
    return current


def disclose(pd: PersonData, ids: Iterable[str]) -> None:
    """Add entity and thing ids a read shows to the audit row's objects (once each)."""
    seen = set(pd.objects)
    for i in ids:
        if i not in seen:
            pd.objects.append(i)
            seen.add(i)


def window(column: str, since: datetime | None, until: datetime | None) -> tuple[str, list[object]]:
    """SQL testing that `column` falls in [since, until), and its arguments."""
    tests: list[str] = []
    args: list[object] = []
    if since is not None:
        tests.append(f"{column} >= ?")
        args.append(since)
    if until is not None:
        tests.append(f"{column} < ?")
        args.append(until)
    return (" AND ".join(tests) or "true"), args
