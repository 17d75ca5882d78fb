"""Calls, transfers and plate sightings, drawn from social ties and placed where people are."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from docket.synth.assets import Accounts, Phones, Vehicles
from docket.synth.movement import DAY, Movement
from docket.synth.places import Facilities, pick_in_city
from docket.synth.population import Population, Ties

# Share of activity per hour of the day (0..23): quiet nights, busy days and evenings.
_HOURLY = np.array(
    [0.4, 0.2, 0.1, 0.1, 0.1, 0.3, 1.0, 2.5, 4.0, 5.0, 5.5, 5.5, 5.0, 5.0, 5.5, 5.5,
     5.5, 5.5, 6.0, 6.5, 6.5, 5.5, 3.5, 1.5]
)  # fmt: skip
_HOURLY = _HOURLY / _HOURLY.sum()


def times(rng: np.random.Generator, k: int, days: int) -> np.ndarray:
    """k event times (seconds since the window start) with a daily rhythm."""
    day = rng.integers(0, days, k)
    hour = rng.choice(24, k, p=_HOURLY)
    return day * DAY + hour * 3600 + rng.integers(0, 3600, k)


@dataclass
class Calls:
    calling: np.ndarray  # phone index
    called: np.ndarray
    t: np.ndarray
    duration: np.ndarray
    sms: np.ndarray
    tower: np.ndarray
    tag: np.ndarray


def _tie_pairs(
    rng: np.random.Generator, ties: Ties, has: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray]:
    ok = has[ties.a] & has[ties.b]
    a, b, kind = ties.a[ok], ties.b[ok], ties.kind[ok]
    if len(a) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    w = np.array([3.0, 1.0, 1.2])[kind]
    pick = np.searchsorted(np.cumsum(w), rng.random(k) * w.sum())
    pick = np.minimum(pick, len(a) - 1)
    flip = rng.random(k) < 0.5
    return np.where(flip, b[pick], a[pick]), np.where(flip, a[pick], b[pick])


def calls(
    rng: np.random.Generator,
    pop: Population,
    ties: Ties,
    phones: Phones,
    mv: Movement,
    fac: Facilities,
    days: int,
    gone_after: np.ndarray,
) -> Calls:
    """About three calls or messages per person over 90 days, between tied people."""
    k = int(pop.n * 3 * days / 90)
    src, dst = _tie_pairs(rng, ties, phones.user.count > 0, k)
    t = times(rng, len(src), days)
    keep = (t <= gone_after[src]) & (t <= gone_after[dst])
    src, dst, t = src[keep], dst[keep], t[keep]
    sms = rng.random(len(src)) < 0.2
    duration = np.where(sms, 0, np.minimum(rng.lognormal(4.0, 1.1, len(src)), 7200)).astype(
        np.int32
    )
    city = mv.city_at(pop, src, t)
    tower = pick_in_city(rng, city, fac.tower_start, fac.tower_n)
    n = len(src)
    return Calls(
        phones.user.pick(rng, src),
        phones.user.pick(rng, dst),
        t,
        duration,
        sms,
        tower,
        np.zeros(n, np.int32),
    )


@dataclass
class Transfers:
    debit: np.ndarray  # account index
    credit: np.ndarray
    t: np.ndarray
    fen: np.ndarray  # amount in fen (1/100 CNY)
    channel: np.ndarray
    tag: np.ndarray


def transfers(
    rng: np.random.Generator,
    pop: Population,
    ties: Ties,
    acc: Accounts,
    days: int,
    gone_after: np.ndarray,
) -> Transfers:
    """About two transfers per person over 90 days between tied account holders."""
    k = int(pop.n * 2 * days / 90)
    src, dst = _tie_pairs(rng, ties, acc.holder.count > 0, k)
    t = times(rng, len(src), days)
    keep = (t <= gone_after[src]) & (t <= gone_after[dst])
    src, dst, t = src[keep], dst[keep], t[keep]
    n = len(src)
    fen = (np.round(rng.lognormal(5.8, 1.2, n), 0) * 100).astype(np.int64)
    fen = np.where(rng.random(n) < 0.3, fen + rng.integers(0, 100, n), fen)
    channel = rng.choice(4, n, p=[0.6, 0.25, 0.1, 0.05])
    return Transfers(
        acc.holder.pick(rng, src), acc.holder.pick(rng, dst), t, fen, channel, np.zeros(n, np.int32)
    )


@dataclass
class Sightings:
    vehicle: np.ndarray
    camera: np.ndarray
    t: np.ndarray
    tag: np.ndarray


def sightings(
    rng: np.random.Generator,
    pop: Population,
    veh: Vehicles,
    mv: Movement,
    fac: Facilities,
    days: int,
    gone_after: np.ndarray,
) -> Sightings:
    """About six camera reads per vehicle per 90 days, in the owner's city, not while away."""
    per = rng.poisson(6 * days / 90, len(veh.owner.holder))
    vehicle = np.repeat(np.arange(len(per)), per)
    owner = veh.owner.holder[vehicle]
    t = times(rng, len(vehicle), days)
    keep = ~mv.away(owner, t) & (t <= gone_after[owner])
    vehicle, owner, t = vehicle[keep], owner[keep], t[keep]
    camera = pick_in_city(rng, pop.live_city[owner], fac.camera_start, fac.camera_n)
    return Sightings(vehicle, camera, t, np.zeros(len(vehicle), np.int32))
