"""The graph's results as text for people (rich tables), JSON and GeoJSON for programs.

JSON is the result dataclass as it is (`dataclasses.asdict`), times in ISO 8601; every event
appears as its `event_id` ('<source>:<record_key>').
"""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime
from typing import Any

from rich.console import Console
from rich.table import Table

from docket.graph.results import Colocation, Communities, Neighbourhood, Paths, Trajectory


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def as_json(result: Any) -> str:
    return json.dumps(dataclasses.asdict(result), ensure_ascii=False, indent=2, default=_plain)


def _t(value: datetime | None) -> str:
    return "" if value is None else f"{value:%Y-%m-%d %H:%M}"


def _ids(ids: list[str], shown: int = 3) -> str:
    more = f" (+{len(ids) - shown})" if len(ids) > shown else ""
    return ", ".join(ids[:shown]) + more


def neighbourhood(out: Console, r: Neighbourhood) -> None:
    nodes = Table(title=f"within {r.hops} hop(s) of {r.start}: {len(r.nodes)} node(s)")
    for col in ("hops", "node", "kind"):
        nodes.add_column(col)
    for n in r.nodes:
        nodes.add_row(str(n.hops), n.id, n.kind)
    out.print(nodes)
    edges = Table(title=f"{len(r.edges)} edge(s)")
    for col in ("from", "kind", "to", "count", "first", "last", "weight", "shared", "events"):
        edges.add_column(col, justify="right" if col in ("count", "weight") else "left")
    for e in r.edges:
        arrow = "→" if e.directed else "—"
        edges.add_row(
            e.source,
            f"{arrow} {e.kind}",
            e.target,
            str(e.count),
            _t(e.first_at),
            _t(e.last_at),
            f"{e.weight:.2f}",
            "yes" if e.shared else "",
            _ids(e.event_ids),
        )
    out.print(edges)
    if r.cut:
        out.print(f"[yellow]cut at {r.limit} nodes[/]: raise --limit or narrow --kind / --since")


def paths(out: Console, r: Paths) -> None:
    if not r.paths:
        out.print(
            f"no path from {r.source} to {r.target} found ({r.searched_nodes} nodes searched)",
            highlight=False,
        )
    for i, p in enumerate(r.paths, 1):
        table = Table(title=f"path {i}: {len(p.hops)} hop(s), cost {p.cost:.2f}")
        for col in ("from", "kinds", "to", "events"):
            table.add_column(col)
        for h in p.hops:
            events = [x for e in h.edges for x in e.event_ids]
            table.add_row(h.source, ", ".join(h.kinds), h.target, _ids(events))
        out.print(table)
    if not r.complete:
        out.print("[yellow]the search stopped at its limits before finding every path asked[/]")


def communities(out: Console, r: Communities) -> None:
    out.print(
        f"{len(r.communities)} communities among {r.nodes} people and {r.edges} ties "
        f"(modularity {r.modularity:.3f})",
        highlight=False,
    )
    for c in r.communities:
        table = Table(title=f"community {c.number}: {len(c.members)} member(s)")
        for col in ("entity", "centrality", "degree inside", "seed"):
            table.add_column(col)
        for m in c.members:
            table.add_row(
                m.entity_id, f"{m.centrality:.4f}", f"{m.degree:.2f}", "yes" if m.seed else ""
            )
        out.print(table)
    if r.cut:
        out.print("[yellow]the search was cut at its node limit[/]: raise --limit")


def trajectory(out: Console, r: Trajectory) -> None:
    table = Table(title=f"trajectory of {r.entity_id}: {len(r.points)} point(s)")
    for col in ("at", "until", "place", "name", "region", "lat, lon", "event", "as", "via"):
        table.add_column(col)
    for p in r.points:
        where = "" if p.latitude is None else f"{p.latitude:.4f}, {p.longitude:.4f}"
        table.add_row(
            _t(p.at),
            _t(p.until),
            p.place_id,
            p.place_name or "",
            p.region_code or "",
            where,
            p.event_id,
            p.role,
            p.via or "",
        )
    out.print(table)
    if r.cut:
        out.print(f"[yellow]cut at {r.limit} points[/]: narrow --since / --until")


def geojson(r: Trajectory) -> str:
    """A FeatureCollection: one Point per located place, and the LineString through them."""
    features: list[dict[str, Any]] = []
    line = []
    for p in r.points:
        if p.latitude is None or p.longitude is None:
            continue
        coords = [p.longitude, p.latitude]
        line.append(coords)
        props = {
            k: v for k, v in dataclasses.asdict(p).items() if k not in ("latitude", "longitude")
        }
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": coords},
                "properties": props,
            }
        )
    if len(line) > 1:
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": line},
                "properties": {"entity_id": r.entity_id},
            }
        )
    doc = {"type": "FeatureCollection", "features": features}
    return json.dumps(doc, ensure_ascii=False, indent=2, default=_plain)


def colocation(out: Console, r: Colocation) -> None:
    table = Table(
        title=f"with {r.entity_id} (window {r.window_minutes} min): {len(r.companions)} other(s)"
    )
    for col in ("entity", "score", "meetings", "where", "first", "evidence"):
        table.add_column(col)
    for c in r.companions:
        places = sorted({m.place_id or m.spot for m in c.meetings})
        evidence = [f"{m.event_id} ~ {m.other_event_id}" for m in c.meetings]
        table.add_row(
            c.entity_id,
            f"{c.score:.2f}",
            str(len(c.meetings)),
            _ids(places, 2),
            _t(c.meetings[0].at),
            _ids(evidence, 2),
        )
    out.print(table)
    if r.cut:
        out.print(f"[yellow]cut at {r.limit} others[/]: raise --limit")
