"""The session's graph namespace, `s.graph`: who is connected to whom, where people have
been and who was with them (docket.graph). Every read needs the case and the
justification and is audited with the entity ids it shows."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from docket.governance.roles import ADMIN
from docket.graph.build import GraphSummary
from docket.graph.results import Colocation, Communities, Neighbourhood, Paths, Trajectory

if TYPE_CHECKING:
    from docket.session.session import Session


def _when(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


class Graph:
    """The relationship graph, trajectories and co-location over resolved entities."""

    def __init__(self, session: Session) -> None:
        self._s = session

    def neighbours(
        self,
        entity: str,
        *,
        case: str,
        why: str,
        hops: int = 1,
        kinds: list[str] | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        min_weight: float = 0.0,
        limit: int = 200,
    ) -> Neighbourhood:
        """Who ENTITY is connected to within `hops` (1 to 3), over edges of `kinds` (default:
        the person–person ones), at most `limit` nodes (the result says when it was cut)."""
        from docket.graph.neighbours import neighbours

        params = {"hops": hops, "kinds": kinds, "since": _when(since), "until": _when(until),
                  "min_weight": min_weight, "limit": limit}  # fmt: skip
        with self._s._read(
            "graph.neighbours", case=case, why=why, objects=[entity[:80]], params=params
        ) as pd:
            return neighbours(pd, entity, hops=hops, kinds=kinds, since=since, until=until,
                              min_weight=min_weight, limit=limit)  # fmt: skip

    def path(
        self, a: str, b: str, *, case: str, why: str, k: int = 3, kinds: list[str] | None = None
    ) -> Paths:
        """The k shortest paths from A to B, each hop with its edge kinds and their events."""
        from docket.graph.paths import paths

        with self._s._read(
            "graph.path", case=case, why=why, objects=[a[:80], b[:80]],
            params={"k": k, "kinds": kinds},
        ) as pd:  # fmt: skip
            return paths(pd, a, b, k=k, kinds=kinds)

    def communities(
        self,
        *,
        case: str,
        why: str,
        around: str | None = None,
        hops: int = 2,
        kinds: list[str] | None = None,
        resolution: float = 0.5,
        limit: int = 5_000,
    ) -> Communities:
        """Leiden communities around an entity (`around`), or over the case's subjects when
        no entity is named, with each member's centrality."""
        from docket.graph.communities import communities

        params = {"around": around, "hops": hops, "kinds": kinds, "resolution": resolution,
                  "limit": limit}  # fmt: skip
        objects = [around[:80]] if around else []
        with self._s._read(
            "graph.communities", case=case, why=why, objects=objects, params=params
        ) as pd:
            return communities(pd, around=around, case_subjects=around is None, hops=hops,
                               kinds=kinds, resolution=resolution, limit=limit)  # fmt: skip

    def trajectory(
        self,
        entity: str,
        *,
        case: str,
        why: str,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 10_000,
    ) -> Trajectory:
        """Where ENTITY has been, in time order: stays, trips, sightings of vehicles it holds,
        cell towers of calls from phones it holds."""
        from docket.graph.movement import trajectory

        params = {"since": _when(since), "until": _when(until), "limit": limit}
        with self._s._read(
            "graph.trajectory", case=case, why=why, objects=[entity[:80]], params=params
        ) as pd:
            return trajectory(pd, entity, since=since, until=until, limit=limit)

    def colocate(
        self,
        entity: str,
        *,
        case: str,
        why: str,
        window_minutes: int = 30,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 50,
    ) -> Colocation:
        """Others at the same place at the same time as ENTITY (the same hotel on overlapping
        nights, the same train or flight, the same camera or cell tower within the window),
        with the evidence and a score."""
        from docket.graph.movement import colocate

        params = {"window": window_minutes, "since": _when(since), "until": _when(until),
                  "limit": limit}  # fmt: skip
        with self._s._read(
            "graph.colocate", case=case, why=why, objects=[entity[:80]], params=params
        ) as pd:
            return colocate(pd, entity, window_minutes=window_minutes, since=since,
                            until=until, limit=limit)  # fmt: skip

    def summary(self) -> GraphSummary | None:
        """What the last graph build did: edges by kind, seconds (admin; no person data)."""
        from docket.graph.build import last_build

        with self._s._operation("graph.summary", [ADMIN]) as op:
            return last_build(op)
