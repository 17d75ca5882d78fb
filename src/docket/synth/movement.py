"""Trips: who travels where and when, by rail or air, and where they stay.

Times are int64 seconds since the start of the window (local time). A trip is a party
(one person or a household, or a planted group) with an outbound leg, a return leg if it
falls inside the window, and usually a hotel stay at the destination. Presence intervals
say where a person is between the legs; calls, sightings and transfers use them.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

from docket.synth.places import cities
from docket.synth.population import Population

DAY = 86400
RAIL, AIR = 0, 1


@dataclass
class Legs:
    """One row per traveller per leg."""

    person: np.ndarray
    party: np.ndarray  # booking: shared by people travelling together
    member: np.ndarray  # 0.. within the party (adjacent seats)
    src: np.ndarray  # city index
    dst: np.ndarray
    depart: np.ndarray  # seconds
    arrive: np.ndarray
    mode: np.ndarray  # RAIL / AIR
    tag: np.ndarray  # story tag (0: none)
    name_kind: (
        np.ndarray
    )  # forced name noise: -1 random, 0 none, 1 homophone, 2 look-alike, 3 traditional
    id_kind: np.ndarray  # forced ID noise: -1 random, 0 none, 1 transposed digits
    phone: np.ndarray  # forced contact phone index (-1: the traveller's own)


@dataclass
class Stays:
    """One row per guest per hotel stay."""

    person: np.ndarray
    party: np.ndarray
    member: np.ndarray
    city: np.ndarray
    checkin: np.ndarray
    checkout: np.ndarray  # -1: still there at the end of the window
    hotel: np.ndarray  # hotel row (filled by the records stage when -1)
    shared_room: np.ndarray  # party shares one room
    tag: np.ndarray
    name_kind: np.ndarray
    id_kind: np.ndarray
    phone: np.ndarray


@dataclass
class Presence:
    """Where a person is away from home: [start, end) in a city, sorted by (person, start)."""

    person: np.ndarray
    city: np.ndarray
    start: np.ndarray
    end: np.ndarray


def concat(a: object, b: object) -> None:
    """Append the columns of b to those of a (same dataclass), in place."""
    for f in fields(a):  # type: ignore[arg-type]
        setattr(a, f.name, np.concatenate([getattr(a, f.name), getattr(b, f.name)]))


def select(a: object, mask: np.ndarray) -> None:
    """Keep the rows of a where mask is true, in place."""
    for f in fields(a):  # type: ignore[arg-type]
        setattr(a, f.name, getattr(a, f.name)[mask])


def _destinations(rng: np.random.Generator, origin: np.ndarray) -> np.ndarray:
    c = cities()
    k = len(c.code)
    a = rng.choice(k, len(origin), p=c.weight)
    b = rng.choice(k, len(origin), p=c.weight)
    near = np.where(c.dist_km[origin, a] <= c.dist_km[origin, b], a, b)
    dst = np.where(rng.random(len(origin)) < 0.6, near, a)
    for _ in range(20):
        same = dst == origin
        if not same.any():
            break
        dst[same] = rng.choice(k, int(same.sum()), p=c.weight)
    return np.where(dst == origin, (origin + 1) % k, dst)


def travel_seconds(src: np.ndarray, dst: np.ndarray, mode: np.ndarray) -> np.ndarray:
    """Door-to-door time of a leg."""
    d = cities().dist_km[src, dst]
    hours = np.where(mode == AIR, 1.0 + d / 700.0, 0.5 + d / 220.0)
    out: np.ndarray = (hours * 3600).astype(np.int64)
    return out


def choose_mode(rng: np.random.Generator, src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """Rail below 800 km, mostly air above (where both cities have an airport)."""
    c = cities()
    d = c.dist_km[src, dst]
    both = (c.airport[src] != "") & (c.airport[dst] != "")
    p_air = np.where(d > 800, 0.85, 0.08)
    return np.where(both & (rng.random(len(src)) < p_air), AIR, RAIL).astype(np.int8)


@dataclass
class Movement:
    """All legs, stays and presence intervals of the window."""

    legs: Legs
    stays: Stays
    presence: Presence

    def city_at(self, pop: Population, person: np.ndarray, t: np.ndarray) -> np.ndarray:
        """City index of each person at each time (home unless on a trip)."""
        p = self.presence
        big = np.int64(1) << 40
        keys = p.person.astype(np.int64) * big + p.start
        q = person.astype(np.int64) * big + t
        i = np.searchsorted(keys, q, side="right") - 1
        ok = i >= 0
        ii = np.maximum(i, 0)
        ok &= (p.person[ii] == person) & (t < p.end[ii])
        out: np.ndarray = np.where(ok, p.city[ii], pop.live_city[person])
        return out

    def away(self, person: np.ndarray, t: np.ndarray) -> np.ndarray:
        """True where the person is on a trip at time t."""
        p = self.presence
        big = np.int64(1) << 40
        keys = p.person.astype(np.int64) * big + p.start
        i = np.searchsorted(keys, person.astype(np.int64) * big + t, side="right") - 1
        ii = np.maximum(i, 0)
        out: np.ndarray = (i >= 0) & (p.person[ii] == person) & (t < p.end[ii])
        return out

    def sort_presence(self) -> None:
        """Restore the (person, start) order after edits."""
        p = self.presence
        order = np.lexsort((p.start, p.person))
        select(p, order)


def trips(rng: np.random.Generator, pop: Population, days: int) -> Movement:
    """Draw everyone's trips over the window."""
    horizon = days * DAY
    adult = np.flatnonzero(pop.age >= 18)
    klass = rng.choice(3, len(adult), p=[0.70, 0.25, 0.05])
    lam = np.array([0.12, 0.7, 2.5])[klass] * days / 90
    n_trips = rng.poisson(lam)
    lead = np.repeat(adult, n_trips)
    t = len(lead)
    hh = pop.household[lead]
    family = (pop.role[lead] == 0) & (pop.hh_size[hh] > 1) & (rng.random(t) < 0.25)
    size = np.where(family, pop.hh_size[hh], 1)
    party = np.repeat(np.arange(t), size)
    member = np.arange(len(party)) - np.repeat(np.cumsum(size) - size, size)
    person = np.where(family[party], pop.hh_start[hh][party] + member, lead[party])

    src = pop.live_city[lead]
    dst = _destinations(rng, src)
    mode = choose_mode(rng, src, dst)
    depart = rng.integers(0, days, t) * DAY + rng.integers(6 * 3600, 21 * 3600, t)
    arrive = depart + travel_seconds(src, dst, mode)
    nights = np.minimum(1 + rng.geometric(0.45, t), 10)
    back = (depart // DAY + nights) * DAY + rng.integers(8 * 3600, 20 * 3600, t)
    back_arrive = back + travel_seconds(dst, src, mode)
    hotel = rng.random(t) < 0.85

    # Each person at most one trip at a time: drop a person's trips that overlap an earlier one.
    end = np.where(back < horizon, back_arrive, horizon)
    order = np.lexsort((depart[party], person))
    keep = np.ones(len(party), dtype=bool)
    p_sorted, d_sorted, e_sorted = person[order], depart[party][order], end[party][order]
    prev_end = np.r_[-1, e_sorted[:-1]]
    same = np.r_[False, p_sorted[1:] == p_sorted[:-1]]
    keep[order] = ~(same & (d_sorted < prev_end))
    person, party, member = person[keep], party[keep], member[keep]

    def legs_of(out: bool) -> Legs:
        m = np.ones(len(party), dtype=bool) if out else (back[party] < horizon)
        pa_ = party[m]
        s, d = (src[pa_], dst[pa_]) if out else (dst[pa_], src[pa_])
        dep = depart[pa_] if out else back[pa_]
        arr = arrive[pa_] if out else back_arrive[pa_]
        k = int(m.sum())
        return Legs(person[m], pa_ * 2 + (0 if out else 1), member[m], s, d, dep, arr, mode[pa_],
                    np.zeros(k, np.int32), np.full(k, -1, np.int8), np.full(k, -1, np.int8),
                    np.full(k, -1, np.int64))  # fmt: skip

    legs = legs_of(True)
    concat(legs, legs_of(False))
    hs = hotel[party]
    pa_ = party[hs]
    k = int(hs.sum())
    checkin = arrive[pa_] + rng.integers(1800, 3 * 3600, k)
    checkout = np.where(back[pa_] < horizon, back[pa_] - rng.integers(3600, 3 * 3600, k), -1)
    checkout = np.where((checkout >= 0) & (checkout <= checkin), checkin + 3600, checkout)
    minus = np.full(k, -1, np.int8)
    stays = Stays(person[hs], pa_ * 2, member[hs], dst[pa_], checkin, checkout,
                  np.full(k, -1, np.int64), family[pa_], np.zeros(k, np.int32),
                  minus, minus.copy(), np.full(k, -1, np.int64))  # fmt: skip
    presence = Presence(person, dst[party], depart[party], end[party])
    mv = Movement(legs, stays, presence)
    mv.sort_presence()
    return mv
