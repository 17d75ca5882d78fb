"""Planted stories: a wanted person, a money-mule ring, a missing person.

Each story removes the ordinary trips of the people involved and adds its own legs,
stays, transfers and sightings, tagged so that the record keys can be reported in
truth/stories.json once the source files are built. All warrant references are fictional.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from docket.synth import names
from docket.synth.assets import Accounts, Phones, Vehicles
from docket.synth.events import Sightings, Transfers
from docket.synth.movement import (
    DAY,
    Legs,
    Movement,
    Presence,
    Stays,
    choose_mode,
    concat,
    select,
    travel_seconds,
)
from docket.synth.places import Facilities, cities, pick_in_city
from docket.synth.population import Population

WANTED, MULE, MISSING = 1, 2, 3


@dataclass
class Plan:
    """What the stories add; `meta` becomes truth/stories.json once record keys are known."""

    gone_after: np.ndarray  # per person: no records after this second
    transfers: Transfers
    sightings: Sightings
    meta: dict[int, dict[str, Any]] = field(default_factory=dict)


def _legs(n: int) -> Legs:
    z = np.zeros(n, np.int64)
    minus = np.full(n, -1, np.int8)
    return Legs(
        z.copy(),
        z.copy(),
        z.copy(),
        z.copy(),
        z.copy(),
        z.copy(),
        z.copy(),
        np.zeros(n, np.int8),
        np.zeros(n, np.int32),
        minus,
        minus.copy(),
        np.full(n, -1, np.int64),
    )


def _stays(n: int) -> Stays:
    z = np.zeros(n, np.int64)
    minus = np.full(n, -1, np.int8)
    return Stays(
        z.copy(),
        z.copy(),
        z.copy(),
        z.copy(),
        z.copy(),
        z.copy(),
        np.full(n, -1, np.int64),
        np.zeros(n, bool),
        np.zeros(n, np.int32),
        minus,
        minus.copy(),
        np.full(n, -1, np.int64),
    )


def _clear(mv: Movement, people: np.ndarray) -> None:
    """Remove the ordinary trips of these people (whole parties: nobody travels alone)."""
    for rows in (mv.legs, mv.stays):
        parties = np.unique(rows.party[np.isin(rows.person, people)])
        select(rows, ~np.isin(rows.party, parties))
    select(mv.presence, ~np.isin(mv.presence.person, people))
    # Presence rows of companions of removed parties stay; they are harmless (no records).


def _pick(rng: np.random.Generator, candidates: np.ndarray, k: int) -> np.ndarray:
    if len(candidates) < k:
        return np.zeros(0, np.int64)
    return np.sort(rng.choice(candidates, k, replace=False))


def plan(
    rng: np.random.Generator,
    pop: Population,
    phones: Phones,
    acc: Accounts,
    veh: Vehicles,
    mv: Movement,
    fac: Facilities,
    days: int,
    year: int,
) -> Plan:
    """Plant the three stories (each only when the population is large enough for it)."""
    horizon = days * DAY
    gone = np.full(pop.n, horizon + 1, dtype=np.int64)
    e = np.zeros(0, np.int64)
    tr = Transfers(e, e.copy(), e.copy(), e.copy(), e.copy(), np.zeros(0, np.int32))
    si = Sightings(
        np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int32)
    )
    out = Plan(gone, tr, si)
    used = np.zeros(pop.n, dtype=bool)
    _wanted(rng, pop, phones, mv, days, year, out, used)
    _mules(rng, pop, acc, mv, days, out, used)
    _missing(rng, pop, phones, veh, mv, fac, days, out, used)
    mv.sort_presence()
    return out


def _wanted(
    rng: np.random.Generator,
    pop: Population,
    phones: Phones,
    mv: Movement,
    days: int,
    year: int,
    out: Plan,
    used: np.ndarray,
) -> None:
    c = cities()
    hh = pop.household
    head = pop.hh_start[hh]
    relative = np.where(np.arange(pop.n) == head, np.minimum(head + 1, pop.n - 1), head)
    ok = (pop.age >= 25) & (pop.age <= 55) & (pop.hh_size[hh] > 1) & (pop.age[relative] >= 18)
    ok &= phones.user.count[relative] > 0
    ok &= names.has_variants(pop.s, pop.g1, pop.g2)
    who = _pick(rng, np.flatnonzero(ok), 1)
    if len(who) == 0:
        return
    p = int(who[0])
    rel = int(relative[p])
    used[[p, rel]] = True
    rel_phone = int(phones.user.start[rel])
    _clear(mv, np.array([p]))
    home = int(pop.live_city[p])
    order = np.argsort(c.dist_km[home])
    far = [int(x) for x in order if c.dist_km[home, x] > 250][:12]
    route = [home, *[far[i] for i in sorted(rng.choice(len(far), 3, replace=False))]]
    day0 = max(0, int(days * 0.2))
    legs, stays = _legs(3), _stays(3)
    t = day0 * DAY + 8 * 3600
    kinds = (1, 3, 2)  # homophone, traditional, look-alike: one spelling per hotel
    pres: list[tuple[int, int, int]] = []
    for i in range(3):
        src, dst = route[i], route[i + 1]
        mode = choose_mode(rng, np.array([src]), np.array([dst]))[0]
        arr = t + int(travel_seconds(np.array([src]), np.array([dst]), np.array([mode]))[0])
        legs.person[i], legs.party[i], legs.src[i], legs.dst[i] = p, -(10 + i), src, dst
        legs.depart[i], legs.arrive[i], legs.mode[i], legs.tag[i] = t, arr, mode, WANTED
        legs.name_kind[i], legs.id_kind[i], legs.phone[i] = 0, 0, rel_phone
        nights = 2 + i % 2
        leave = (arr // DAY + nights) * DAY + 9 * 3600
        stays.person[i], stays.party[i], stays.city[i] = p, -(10 + i), dst
        stays.checkin[i], stays.checkout[i], stays.tag[i] = arr + 3600, leave - 3600, WANTED
        stays.name_kind[i], stays.id_kind[i], stays.phone[i] = (
            kinds[i],
            1 if i == 1 else 0,
            rel_phone,
        )
        pres.append((dst, t, leave if i < 2 else days * DAY))
        t = leave
    keep = legs.depart < days * DAY
    select(legs, keep)
    select(stays, stays.checkin < days * DAY)
    stays.checkout = np.where(stays.checkout >= days * DAY, -1, stays.checkout)
    concat(mv.legs, legs)
    concat(mv.stays, stays)
    pr = [x for x in pres if x[1] < days * DAY]
    cols = np.array(pr, dtype=np.int64).reshape(-1, 3)
    ends = np.minimum(cols[:, 2], days * DAY)
    concat(mv.presence, Presence(np.full(len(pr), p), cols[:, 0], cols[:, 1], ends))
    out.meta[WANTED] = {
        "kind": "wanted_person",
        "summary": "A person under a (fictional) warrant travels between cities and checks into "
        "hotels under slightly varied spellings (homophone, traditional, look-alike characters, "
        "one ID with transposed digits), giving a relative's phone as contact.",
        "warrant_reference": f"FICTIONAL-WARRANT-{year}-{rng.integers(1000, 9999)}",
        "person_uids": [f"P{p + 1:08d}"],
        "relative_uid": f"P{rel + 1:08d}",
        "relative_phone_index": rel_phone,
        "cities": [str(c.code[x]) for x in route],
    }


def _mules(
    rng: np.random.Generator,
    pop: Population,
    acc: Accounts,
    mv: Movement,
    days: int,
    out: Plan,
    used: np.ndarray,
) -> None:
    c = cities()
    with_acc = (acc.holder.count > 0) & (pop.age >= 19) & (pop.age <= 40) & ~used
    city = int(np.argmax(np.bincount(pop.live_city[with_acc], minlength=len(c.code))))
    cand = np.flatnonzero(with_acc & (pop.live_city == city))
    ring = _pick(rng, cand, min(6, len(cand)))
    if len(ring) < 3:
        return
    used[ring] = True
    boss, mules = int(ring[0]), ring[1:]
    _clear(mv, ring)
    boss_acc = int(acc.holder.start[boss])
    mule_acc = acc.holder.start[mules]
    others = np.flatnonzero((acc.holder.count > 0) & ~used)
    rounds = 6
    deb, cre, ts, fen = [], [], [], []
    for r in range(rounds):
        t0 = int((r + 0.5) * days * DAY / rounds) + 10 * 3600
        victims = acc.holder.start[rng.choice(others, len(mules))]
        amount = rng.integers(30000, 49900, len(mules)) * 100
        t_in = t0 + rng.integers(0, 7200, len(mules))
        t_out = t_in + rng.integers(1800, 6 * 3600, len(mules))
        deb += [victims, mule_acc]
        cre += [mule_acc, np.full(len(mules), boss_acc)]
        ts += [t_in, t_out]
        fen += [amount, (amount * rng.uniform(0.9, 0.95, len(mules))).astype(np.int64)]
    d, cr, t, f = (np.concatenate(x) for x in (deb, cre, ts, fen))
    keep = t < days * DAY
    k = int(keep.sum())
    concat(
        out.transfers,
        Transfers(
            d[keep], cr[keep], t[keep], f[keep], np.zeros(k, np.int64), np.full(k, MULE, np.int32)
        ),
    )
    # The ring travels together: one booking, adjacent seats, the same hotel.
    far = np.argsort(-c.dist_km[city] + (c.airport == "") * 1e6)
    dst = int(far[rng.integers(0, 5)])
    day = int(days * 0.5)
    dep = day * DAY + 8 * 3600
    mode = choose_mode(rng, np.array([city]), np.array([dst]))[0]
    arr = dep + int(travel_seconds(np.array([city]), np.array([dst]), np.array([mode]))[0])
    back = dep + 2 * DAY
    k = len(ring)
    for j, (s, dd, a, b) in enumerate(((city, dst, dep, arr), (dst, city, back, back + arr - dep))):
        if a >= days * DAY:
            continue
        legs = _legs(k)
        legs.person[:], legs.party[:], legs.member[:] = ring, -(20 + j), np.arange(k)
        legs.src[:], legs.dst[:], legs.depart[:], legs.arrive[:] = s, dd, a, b
        legs.mode[:], legs.tag[:] = mode, MULE
        concat(mv.legs, legs)
    stays = _stays(k)
    stays.person[:], stays.party[:], stays.member[:], stays.city[:] = ring, -20, np.arange(k), dst
    stays.checkin[:] = arr + 3600 + np.arange(k) * 60
    stays.checkout[:] = back - 3600 if back < days * DAY else -1
    stays.tag[:] = MULE
    if arr < days * DAY:
        concat(mv.stays, stays)
        concat(
            mv.presence,
            Presence(
                ring.copy(),
                np.full(k, dst),
                np.full(k, dep),
                np.full(k, min(back + arr - dep, days * DAY)),
            ),
        )
    out.meta[MULE] = {
        "kind": "money_mule_ring",
        "summary": "Recruited accounts receive funds from many victims and forward 90-95% to one "
        "collector account within hours; the holders travel together on one booking and stay "
        "in the same hotel.",
        "person_uids": [f"P{x + 1:08d}" for x in ring],
        "collector_uid": f"P{boss + 1:08d}",
        "collector_account_index": boss_acc,
        "mule_account_indexes": [int(x) for x in mule_acc],
        "city": str(c.code[city]),
        "trip_to": str(c.code[dst]),
    }


def _missing(
    rng: np.random.Generator,
    pop: Population,
    phones: Phones,
    veh: Vehicles,
    mv: Movement,
    fac: Facilities,
    days: int,
    out: Plan,
    used: np.ndarray,
) -> None:
    c = cities()
    owners = np.unique(veh.owner.holder)
    ok = owners[
        (pop.age[owners] >= 20)
        & (pop.age[owners] <= 60)
        & (phones.user.count[owners] > 0)
        & ~used[owners]
    ]
    who = _pick(rng, ok, 1)
    if len(who) == 0 or days < 4:
        return
    p = int(who[0])
    used[p] = True
    _clear(mv, np.array([p]))
    home = int(pop.live_city[p])
    near = [int(x) for x in np.argsort(c.dist_km[home]) if x != home][:3]
    dst = near[int(rng.integers(0, len(near)))]
    day = int(days * 0.75)
    arrive = day * DAY + 14 * 3600 + int(rng.integers(0, 1800))
    checkin = arrive + 3 * 3600
    last = (day + 1) * DAY + 7 * 3600 + int(rng.integers(0, 3600))
    stays = _stays(1)
    stays.person[0], stays.party[0], stays.city[0] = p, -30, dst
    stays.checkin[0], stays.checkout[0], stays.tag[0] = checkin, -1, MISSING
    concat(mv.stays, stays)
    concat(
        mv.presence,
        Presence(
            np.array([p]), np.array([dst]), np.array([day * DAY + 9 * 3600]), np.array([days * DAY])
        ),
    )
    v = int(veh.owner.start[p])
    cams = pick_in_city(rng, np.array([dst, dst]), fac.camera_start, fac.camera_n)
    concat(
        out.sightings,
        Sightings(np.array([v, v]), cams, np.array([arrive, last]), np.full(2, MISSING, np.int32)),
    )
    out.gone_after[p] = last
    reporter = int(pop.hh_start[pop.household[p]])
    out.meta[MISSING] = {
        "kind": "missing_person",
        "summary": "A person drives to a nearby city, checks into a hotel (never checks out) "
        "and is last seen by a plate camera the next morning; no record of them follows.",
        "person_uids": [f"P{p + 1:08d}"],
        "reported_by_uid": f"P{reporter + 1:08d}" if reporter != p else None,
        "last_seen_city": str(c.code[dst]),
        "last_seen_time_offset_s": last,
        "vehicle_index": v,
    }
