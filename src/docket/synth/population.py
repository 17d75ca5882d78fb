"""The people: households, names, ages, ID numbers, addresses, workplaces and social ties."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from docket.synth import ids, names
from docket.synth.config import NoiseConfig
from docket.synth.places import ROADS, area_codes, cities

HEAD, SPOUSE, CHILD = 0, 1, 2
_SIZES = np.array([1, 2, 3, 4, 5])
_SIZE_P = np.array([0.22, 0.30, 0.26, 0.14, 0.08])


@dataclass
class Population:
    """One row per person (arrays of length n) plus per-household arrays."""

    n: int
    household: np.ndarray  # household index per person
    hh_start: np.ndarray  # first person of each household
    hh_size: np.ndarray
    role: np.ndarray  # HEAD / SPOUSE / CHILD
    male: np.ndarray
    birth: np.ndarray  # datetime64[D]
    age: np.ndarray  # whole years at the start of the window
    s: np.ndarray  # surname token
    g1: np.ndarray
    g2: np.ndarray
    hukou_city: np.ndarray  # city index of registration
    live_city: np.ndarray  # city index of residence
    area_code: np.ndarray  # int, GB/T 2260 code in the ID number
    county_code: np.ndarray  # str, county of the registered address ('' if none)
    id18: np.ndarray  # (n, 18) ASCII
    hukou_address: pa.Array
    live_address: pa.Array
    workplace: np.ndarray  # -1: none
    passport: pa.Array  # null for most

    def uid(self) -> pa.Array:
        """Person uids 'P00000001'."""
        return pc.binary_join_element_wise("P", ids.fmt_int(np.arange(1, self.n + 1), 8), "")

    def id_strings(self) -> pa.Array:
        """ID numbers as strings."""
        return ids.ascii_strings(self.id18)


def _household_sizes(rng: np.random.Generator, n: int) -> np.ndarray:
    sizes = rng.choice(_SIZES, int(n / 2.5) + 10, p=_SIZE_P)
    while sizes.sum() < n:
        sizes = np.concatenate([sizes, rng.choice(_SIZES, int(n / 2.5) + 10, p=_SIZE_P)])
    cut = int(np.searchsorted(np.cumsum(sizes), n))
    sizes = sizes[: cut + 1].copy()
    sizes[-1] -= sizes.sum() - n
    return sizes[sizes > 0]


def _addresses(rng: np.random.Generator, city: np.ndarray, county_name: np.ndarray) -> pa.Array:
    """'广东省深圳市南山区人民路118号3栋2单元1502室' per household."""
    c = cities()
    prefix = [p if p == n else p + n for p, n in zip(c.province_name, c.name, strict=True)]
    h = len(city)
    road = np.array(ROADS, dtype=object)[rng.integers(0, len(ROADS), h)]
    num = ids.fmt_int(rng.integers(1, 999, h))
    bld = ids.fmt_int(rng.integers(1, 30, h))
    unit = ids.fmt_int(rng.integers(1, 6, h))
    room = ids.fmt_int(rng.integers(1, 33, h) * 100 + rng.integers(1, 9, h))
    return pc.binary_join_element_wise(
        pc.take(pa.array(prefix), pa.array(city)),
        pa.array(county_name, type=pa.string()),
        pa.array(road, type=pa.string()),
        "路",
        num,
        "号",
        bld,
        "栋",
        unit,
        "单元",
        room,
        "室",
        "",
    )


def build(rng: np.random.Generator, n: int, start: np.datetime64, noise: NoiseConfig) -> Population:
    """Draw the whole population."""
    c = cities()
    v = names.vocab()
    sizes = _household_sizes(rng, n)
    h = len(sizes)
    hh_start = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    household = np.repeat(np.arange(h), sizes)
    pos = np.arange(n) - hh_start[household]
    role = np.minimum(pos, CHILD).astype(np.int8)

    # Ages: heads of families 24-85, single people 18-85, spouses near the head, children younger.
    head_age = np.where(
        sizes == 1, rng.integers(18, 86, h), np.minimum(24 + rng.gamma(2.2, 9.0, h), 85)
    ).astype(np.int64)
    spouse_age = np.clip(head_age + np.round(rng.normal(0, 3, h)), 20, 90).astype(np.int64)
    child_age = (rng.random(n) * np.clip(head_age[household] - 22, 0, 40)).astype(np.int64)
    age = np.where(
        role == HEAD,
        head_age[household],
        np.where(role == SPOUSE, spouse_age[household], child_age),
    )
    birth = start - (age * 365 + rng.integers(1, 365, n)).astype("timedelta64[D]")
    age = ((start - birth).astype(np.int64) / 365.25).astype(np.int64)
    byear = birth.astype("datetime64[Y]").astype(np.int64) + 1970

    head_male = rng.random(h) < 0.6
    male = np.where(
        role == HEAD,
        head_male[household],
        np.where(role == SPOUSE, ~head_male[household], rng.random(n) < 0.52),
    )

    # Names: parents drawn from the surname table, children take the father's surname.
    s = v.surname_ids[rng.choice(len(v.surname_ids), n, p=v.surname_p)]
    g1 = np.where(
        male,
        v.male_ids[rng.integers(0, len(v.male_ids), n)],
        v.female_ids[rng.integers(0, len(v.female_ids), n)],
    )
    two = rng.random(n) < 0.7
    g2 = np.where(
        two,
        np.where(
            male,
            v.male_ids[rng.integers(0, len(v.male_ids), n)],
            v.female_ids[rng.integers(0, len(v.female_ids), n)],
        ),
        0,
    )
    common = (role != CHILD) & (rng.random(n) < noise.common_name)
    for sex in (True, False):
        pool = [t for t in names.COMMON_NAMES if (t[2] == "M") == sex]
        m = np.flatnonzero(common & (male == sex))
        # Half keyed on the birth year: same common name, same year, different people.
        pick = np.where(
            rng.random(len(m)) < 0.5, byear[m] % len(pool), rng.integers(0, len(pool), len(m))
        )
        tok = np.array(
            [[v.index[a], v.index[b[0]], v.index[b[1]] if len(b) > 1 else 0] for a, b, _ in pool]
        )
        s[m], g1[m], g2[m] = tok[pick, 0], tok[pick, 1], tok[pick, 2]
    father = np.where(head_male, hh_start, hh_start + 1)
    father = np.where(sizes > 1, father, hh_start)
    s = np.where(role == CHILD, s[father[household]], s)

    # Places: households live in a city; a share are registered in another one (migrants).
    live_h = rng.choice(len(c.code), h, p=c.weight)
    migrant = rng.random(h) < noise.migrant_share
    hukou_h = np.where(migrant, rng.choice(len(c.code), h, p=c.weight), live_h)
    county_u = rng.random(h)
    j_h, _ = area_codes(rng, hukou_h, np.full(h, 2010), county_u)
    county_name_h = np.where(j_h >= 0, c.county_name[hukou_h, np.maximum(j_h, 0)], "")
    county_code_h = np.where(
        j_h >= 0, c.county_code[hukou_h, np.maximum(j_h, 0)], c.fallback_code[hukou_h]
    )
    _, area = area_codes(rng, hukou_h[household], byear, county_u[household])
    hukou_addr_h = _addresses(rng, hukou_h, county_name_h)
    lj, _ = area_codes(rng, live_h, np.full(h, 2010), rng.random(h))
    live_addr_h = pc.if_else(
        pa.array(migrant),
        _addresses(rng, live_h, np.where(lj >= 0, c.county_name[live_h, np.maximum(lj, 0)], "")),
        hukou_addr_h,
    )
    id18 = ids.id_numbers(rng, area.astype(np.int64), birth, male)

    # Workplaces: heavy-tailed sizes within the city of residence.
    live = live_h[household]
    employed = (age >= 20) & (age <= 62) & (rng.random(n) < 0.8)
    per_city = np.bincount(live[employed], minlength=len(c.code))
    n_wp = np.maximum(1, per_city // 25)
    wp_start = np.concatenate([[0], np.cumsum(n_wp)[:-1]])
    local = np.floor(rng.random(n) ** 2.5 * n_wp[live]).astype(np.int64)
    workplace = np.where(employed, wp_start[live] + local, -1)

    has_pp = (age >= 18) & (rng.random(n) < 0.12)
    pp_num = ids.unique_numbers(rng, n, 10**7, 10**8)
    passport = pc.if_else(
        pa.array(has_pp),
        pc.binary_join_element_wise("E", ids.fmt_int(pp_num), ""),
        pa.scalar(None, pa.string()),
    )

    return Population(
        n=n,
        household=household,
        hh_start=hh_start,
        hh_size=sizes,
        role=role,
        male=male,
        birth=birth,
        age=age,
        s=s.astype(np.int32),
        g1=g1.astype(np.int32),
        g2=g2.astype(np.int32),
        hukou_city=hukou_h[household],
        live_city=live,
        area_code=area.astype(np.int64),
        county_code=county_code_h[household].astype(str),
        id18=id18,
        hukou_address=pc.take(hukou_addr_h, pa.array(household)),
        live_address=pc.take(live_addr_h, pa.array(household)),
        workplace=workplace,
        passport=passport,
    )


@dataclass
class Ties:
    """Undirected social ties: household, workplace and friendship edges."""

    a: np.ndarray
    b: np.ndarray
    kind: np.ndarray  # 0 household, 1 workplace, 2 friend


def ties(rng: np.random.Generator, pop: Population) -> Ties:
    """Household cliques, workplace neighbours and heavy-tailed friend circles within cities."""
    n = pop.n
    a_parts, b_parts, k_parts = [], [], []
    idx = np.arange(n)
    for off in range(1, 5):
        m = idx[:-off][pop.household[:-off] == pop.household[off:]]
        a_parts.append(m)
        b_parts.append(m + off)
        k_parts.append(np.zeros(len(m), dtype=np.int8))
    w = np.flatnonzero(pop.workplace >= 0)
    order = w[np.lexsort((rng.random(len(w)), pop.workplace[w]))]
    for off in (1, 2):
        same = pop.workplace[order[:-off]] == pop.workplace[order[off:]]
        a_parts.append(order[:-off][same])
        b_parts.append(order[off:][same])
        k_parts.append(np.ones(int(same.sum()), dtype=np.int8))
    # Friends: configuration model, stubs paired within the city (a tenth elsewhere).
    deg = np.where(pop.age >= 12, np.minimum((rng.pareto(2.0, n) + 1) * 2, 150), 0).astype(np.int64)
    stubs = np.repeat(idx, deg)
    city = pop.live_city[stubs].copy()
    away = rng.random(len(stubs)) < 0.1
    city[away] = rng.integers(0, len(cities().code), int(away.sum()))
    order = stubs[np.lexsort((rng.random(len(stubs)), city))]
    city_sorted = np.sort(city, kind="stable")
    half = len(order) // 2 * 2
    fa, fb = order[0:half:2], order[1:half:2]
    ok = (city_sorted[0:half:2] == city_sorted[1:half:2]) & (fa != fb)
    a_parts.append(fa[ok])
    b_parts.append(fb[ok])
    k_parts.append(np.full(int(ok.sum()), 2, dtype=np.int8))
    return Ties(np.concatenate(a_parts), np.concatenate(b_parts), np.concatenate(k_parts))
