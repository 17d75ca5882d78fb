"""Where an entity has been (trajectory) and who was there with them (co-location).

Both read the tables docket.graph.build derives from the model's `whereabouts` and
`together` declarations: graph_whereabouts, sorted by entity, and graph_spots, sorted by
spot, so that one entity's places and everyone at those places are short reads.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from docket.errors import InputError
from docket.governance.gate import PersonData, read_path
from docket.graph.results import Colocation, Companion, Meeting, Point, Trajectory
from docket.graph.start import disclose, number, start, window

MAX_LIMIT = 100_000
MAX_WINDOW = 24 * 60


@read_path("graph.trajectory")
def trajectory(
    pd: PersonData,
    entity: str,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 10_000,
) -> Trajectory:
    """The places an entity was at, in time order: stays, trip origins and destinations,
    sightings of vehicles they hold, cell towers of calls from phones they hold."""
    if not 1 <= limit <= MAX_LIMIT:
        raise InputError("--limit", f"{limit} is out of range", hint=f"use 1 … {MAX_LIMIT}")
    eid = start(pd, entity)
    test, args = window("start_at", since, until)
    rows = pd.sql(
        "SELECT start_at, end_at, place_id, place_kind, place_name, region_code, latitude, "
        "longitude, event_id, event_kind, role, via, split_part(event_id, ':', 1) "
        f"FROM graph_whereabouts WHERE entity_no = ? AND entity_id = ? AND {test} "
        "ORDER BY start_at, event_id, role LIMIT ?",
        [number(eid), eid, *args, limit + 1],
    ).fetchall()
    points = [Point(*r) for r in rows[:limit]]
    pd.result_count = len(points)
    return Trajectory(eid, points, len(rows) > limit, limit)


# Everyone at the start entity's spots (`here`, read by spot number), the start entity's own
# presences among them (`mine`), matched by each kind's test: intervals overlap, start times
# within the window, or the same spot.
_MEETINGS = """
WITH here AS (
    SELECT spot, start_at, end_at, entity_id, event_id, event_kind, test, detail
    FROM graph_spots WHERE spot_no IN (
        SELECT md5_number_upper(spot) FROM graph_whereabouts
        WHERE entity_no = ? AND entity_id = ? AND spot IS NOT NULL AND {window})
), mine AS (
    SELECT * FROM here WHERE entity_id = ? AND {window}
)
SELECT o.entity_id, m.event_kind, m.spot, m.start_at, o.start_at, m.event_id, o.event_id,
    CASE m.test
        WHEN 'window' THEN 1 - abs(epoch(o.start_at) - epoch(m.start_at)) / (? * 60.0)
        WHEN 'overlap' THEN
            (epoch(least(m.end_at, o.end_at)) - epoch(greatest(m.start_at, o.start_at)))
            / greatest(epoch(least(m.end_at, o.end_at) - least(m.start_at, o.start_at)), 1)
        ELSE 1.0 END AS closeness,
    CASE WHEN m.detail IS NULL THEN NULL
        ELSE json_object('mine', m.detail::JSON, 'theirs', o.detail::JSON)::VARCHAR END
FROM mine m JOIN here o ON o.spot = m.spot AND o.entity_id <> m.entity_id
    AND o.event_id <> m.event_id  -- two holders of one phone are not two presences
WHERE CASE m.test
    WHEN 'window' THEN abs(epoch(o.start_at) - epoch(m.start_at)) <= ? * 60
    WHEN 'overlap' THEN o.start_at < m.end_at AND m.start_at < o.end_at
    ELSE true END
"""


def _place_of(spot: str) -> str | None:
    """The place id in a spot key '<Kind>|<place>' (None when the key is a service)."""
    parts = spot.split("|")
    return parts[1] if len(parts) == 2 else None


@read_path("graph.colocate")
def colocate(
    pd: PersonData,
    entity: str,
    *,
    window_minutes: int = 30,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 50,
) -> Colocation:
    """Others at the same place at the same time as `entity`: the same hotel on overlapping
    nights, the same train or flight, the same camera or cell tower within the window."""
    if not 1 <= window_minutes <= MAX_WINDOW:
        raise InputError(
            "--window", f"{window_minutes} is out of range", hint=f"use 1 … {MAX_WINDOW} minutes"
        )
    if not 1 <= limit <= MAX_LIMIT:
        raise InputError("--limit", f"{limit} is out of range", hint=f"use 1 … {MAX_LIMIT}")
    eid = start(pd, entity)
    test, args = window("start_at", since, until)
    rows = pd.sql(
        _MEETINGS.format(window=test),
        [number(eid), eid, *args, eid, *args, window_minutes, window_minutes],
    ).fetchall()
    companions, cut = _companions(rows, limit)
    disclose(pd, [c.entity_id for c in companions])
    pd.result_count = len(companions)
    return Colocation(eid, window_minutes, companions, cut, limit)


def _companions(rows: list[tuple[Any, ...]], limit: int) -> tuple[list[Companion], bool]:
    by: dict[str, list[Meeting]] = {}
    for other, kind, spot, at, other_at, ev, other_ev, closeness, detail in rows:
        by.setdefault(other, []).append(
            Meeting(
                kind,
                spot,
                _place_of(spot),
                at,
                other_at,
                ev,
                other_ev,
                round(max(float(closeness), 0.0), 4),
                detail,
            )
        )
    ranked = sorted(
        (
            Companion(
                other,
                round(sum(m.closeness for m in ms), 4),
                sorted(ms, key=lambda m: (m.at, m.event_id, m.other_event_id)),
            )
            for other, ms in by.items()
        ),
        key=lambda c: (-c.score, c.entity_id),
    )
    return ranked[:limit], len(ranked) > limit
