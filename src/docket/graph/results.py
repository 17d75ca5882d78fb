"""What the graph's read paths return: frozen dataclasses of plain values.

Rendering (tables, JSON, GeoJSON) belongs to the callers (docket.graph.cli, the service).
Every event is named by its `event_id`, '<source>:<record_key>'.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Node:
    id: str  # entity id, or thing id ('Phone:+86…', 'Hotel:HOT00012')
    kind: str  # 'Person' or the thing's kind
    hops: int  # distance from the start (0: the start itself)


@dataclass(frozen=True)
class Edge:
    source: str  # for directed kinds, where it starts (the caller, the payer)
    target: str
    kind: str  # an edge label of the model: called, paid, co-travelled …
    directed: bool
    count: int  # occurrences in all time
    first_at: datetime | None
    last_at: datetime | None
    weight: float
    shared: bool  # through a thing several entities hold
    event_ids: list[str]  # the underlying records (within --since/--until when given)


@dataclass(frozen=True)
class Neighbourhood:
    start: str
    hops: int
    nodes: list[Node]
    edges: list[Edge]
    cut: bool  # the node limit cut the result
    limit: int


@dataclass(frozen=True)
class Hop:
    source: str
    target: str
    kinds: list[str]  # every requested kind joining the two, strongest first
    edges: list[Edge]  # those edges, with their events


@dataclass(frozen=True)
class Path:
    nodes: list[str]
    hops: list[Hop]
    cost: float  # hops, plus less than one for the sum of 1 / (1 + weight) of its edges


@dataclass(frozen=True)
class Paths:
    source: str
    target: str
    paths: list[Path]
    searched_nodes: int
    complete: bool  # False: the search stopped at its node or hop limit before finding k


@dataclass(frozen=True)
class Member:
    entity_id: str
    centrality: float  # PageRank (weighted) in the graph searched
    degree: float  # weighted degree inside its community
    seed: bool  # one of the entities the search started from


@dataclass(frozen=True)
class Community:
    number: int  # 1 = the largest
    members: list[Member]  # most central first


@dataclass(frozen=True)
class Communities:
    seeds: list[str]
    hops: int
    nodes: int
    edges: int
    modularity: float
    communities: list[Community]
    cut: bool


@dataclass(frozen=True)
class Point:
    at: datetime
    until: datetime | None
    place_id: str
    place_kind: str
    place_name: str | None
    region_code: str | None
    latitude: float | None
    longitude: float | None
    event_id: str
    event_kind: str
    role: str  # the place's role in the event (origin, destination, tower …)
    via: str | None  # the held phone or vehicle that places the entity there
    source: str


@dataclass(frozen=True)
class Trajectory:
    entity_id: str
    points: list[Point]
    cut: bool
    limit: int


@dataclass(frozen=True)
class Meeting:
    event_kind: str
    spot: str  # '<Kind>|<place or service and date>'
    place_id: str | None
    at: datetime  # the start entity's time there
    other_at: datetime
    event_id: str  # the start entity's event
    other_event_id: str
    closeness: float  # 0..1: how close in time (1 for the same train or flight)
    detail: str | None  # room, seat, booking of each, as JSON


@dataclass(frozen=True)
class Companion:
    entity_id: str
    score: float  # sum of the meetings' closeness
    meetings: list[Meeting]


@dataclass(frozen=True)
class Colocation:
    entity_id: str
    window_minutes: int
    companions: list[Companion]  # highest score first
    cut: bool
    limit: int
