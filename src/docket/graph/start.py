"""Where every graph read starts: the entity a user named, as it is now.

`start(pd, ref)` follows merges and splits to the current id and requires the entity to be
in the case's scope (PersonData.require_in_scope); each read path calls it once per entity
it starts from. `disclose(pd, ids)` records what a read shows: those ids join the scope.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime

from docket.governance import inputs
from docket.governance.gate import PersonData


def number(node: str) -> int:
    """The number graph tables file a node, spot or entity under: DuckDB's
    md5_number_upper(node), the first 8 bytes of its MD5 read little-endian."""
    return int.from_bytes(hashlib.md5(node.encode("utf-8")).digest()[:8], "little")


def names(pd: PersonData, numbers: Iterable[int]) -> dict[int, tuple[str, str]]:
    """number → (id, kind) of graph nodes."""
    rows = pd.sql(
        "SELECT node_no, node, kind FROM graph_nodes WHERE node_no IN "
        "(SELECT unnest(?::UBIGINT[]))",
        [sorted(set(numbers))],
    ).fetchall()
    return {int(n): (i, k) for n, i, k in rows}


def start(pd: PersonData, ref: str, parameter: str = "ENTITY") -> str:
    """The current id of the entity `ref` names (following redirects), when it is in the
    case's scope; Forbidden otherwise (an unknown id gets the same answer)."""
    now = pd.require_in_scope(inputs.entity_id(ref, parameter))
    disclose(pd, [now])
    return now


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
