"""What people hold: phones, bank accounts, vehicles, social-media accounts."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from docket.synth import ids
from docket.synth.config import NoiseConfig
from docket.synth.places import cities
from docket.synth.population import HEAD, SPOUSE, Population

BANKS = (
    ("中国工商银行", 622202), ("中国建设银行", 621700), ("中国农业银行", 622848),
    ("中国银行", 621661), ("交通银行", 622262), ("招商银行", 621483),
    ("中国邮政储蓄银行", 621799), ("平安银行", 622298),
)  # fmt: skip
MAKES = (
    ("比亚迪", "秦PLUS"), ("比亚迪", "宋PLUS"), ("大众", "朗逸"), ("大众", "速腾"),
    ("丰田", "卡罗拉"), ("丰田", "凯美瑞"), ("本田", "雅阁"), ("本田", "思域"), ("日产", "轩逸"),
    ("吉利", "星瑞"), ("长安", "CS75"), ("哈弗", "H6"), ("特斯拉", "Model 3"),
    ("五菱", "宏光MINIEV"), ("别克", "英朗"),
)  # fmt: skip
COLOURS = ("白", "黑", "灰", "银", "蓝", "红")
PLATFORMS = ("weibo", "douyin", "wechat", "qq")
_PLATE_CHARS = np.frombuffer(b"0123456789ABCDEFGHJKLMNPQRSTUVWXYZ", dtype=np.uint8)


@dataclass
class Holdings:
    """A many-to-one list of things per person, sorted by holder."""

    holder: np.ndarray  # person index per thing
    start: np.ndarray  # per person: first thing index
    count: np.ndarray  # per person: number of things

    def pick(self, rng: np.random.Generator, people: np.ndarray) -> np.ndarray:
        """A random thing of each given person (-1 if none)."""
        c = self.count[people]
        k = self.start[people] + np.floor(rng.random(len(people)) * np.maximum(c, 1)).astype(
            np.int64
        )
        return np.where(c > 0, k, -1)


def _holdings(n: int, holder: np.ndarray) -> Holdings:
    order = np.argsort(holder, kind="stable")
    holder = holder[order]
    count = np.bincount(holder, minlength=n)
    start = np.concatenate([[0], np.cumsum(count)[:-1]]).astype(np.int64)
    return Holdings(holder, start, count)


def _expand(
    rng: np.random.Generator, eligible: np.ndarray, p_one: float, p_more: tuple[float, ...]
) -> np.ndarray:
    base = np.flatnonzero(eligible & (rng.random(len(eligible)) < p_one))
    parts = [base]
    for p in p_more:
        parts.append(base[rng.random(len(base)) < p])
    return np.sort(np.concatenate(parts), kind="stable")


@dataclass
class Phones:
    """Phones: the user, the person they are registered to, the number."""

    number: np.ndarray  # int64 11-digit
    user: Holdings
    registrant: np.ndarray  # person index named in the subscriber list
    activated: np.ndarray  # datetime64[D]


def phones(
    rng: np.random.Generator, pop: Population, start: np.datetime64, noise: NoiseConfig
) -> Phones:
    """Everyone from 12 has a phone (95%), a tenth two; minors' phones mostly in a parent's name."""
    user = _expand(rng, pop.age >= 12, 0.95, (0.1,))
    h = _holdings(pop.n, user)
    k = len(h.holder)
    u = h.holder
    head = pop.hh_start[pop.household[u]]
    other = np.where(u == head, np.where(pop.hh_size[pop.household[u]] > 1, head + 1, u), head)
    p_rel = np.where(pop.age[u] < 18, noise.child_phone_by_parent, noise.relative_phone)
    by_rel = (rng.random(k) < p_rel) & (pop.age[other] >= 18)
    registrant = np.where(by_rel, other, u)
    earliest = np.maximum(
        pop.birth[registrant] + np.timedelta64(16 * 365, "D"), start - np.timedelta64(3650, "D")
    )
    span = np.maximum((start - earliest).astype(np.int64), 1)
    activated = earliest + (rng.random(k) * span).astype("timedelta64[D]")
    return Phones(ids.phone_numbers(rng, k), h, registrant, activated)


@dataclass
class Accounts:
    """Bank accounts."""

    number: pa.Array  # strings, 16 or 19 digits
    bank: np.ndarray
    holder: Holdings
    opened: np.ndarray  # datetime64[D]


def accounts(rng: np.random.Generator, pop: Population, start: np.datetime64) -> Accounts:
    """Adults: 90% hold an account, some two or three."""
    holder = _expand(rng, pop.age >= 18, 0.9, (0.3, 0.08))
    h = _holdings(pop.n, holder)
    k = len(h.holder)
    bank = rng.integers(0, len(BANKS), k)
    bins = np.array([b for _, b in BANKS], dtype=np.int64)[bank]
    r = ids.unique_numbers(rng, k, 0, 10**10)
    long = rng.random(k) < 0.6
    num = np.where(long, bins * 10**13 + r * 1000 + rng.integers(0, 1000, k), bins * 10**10 + r)
    earliest = np.maximum(
        pop.birth[h.holder] + np.timedelta64(18 * 365, "D"), start - np.timedelta64(7300, "D")
    )
    span = np.maximum((start - earliest).astype(np.int64), 1)
    opened = earliest + (rng.random(k) * span).astype("timedelta64[D]")
    return Accounts(ids.fmt_int(num), bank, h, opened)


@dataclass
class Vehicles:
    """Registered vehicles."""

    plate: pa.Array
    owner: Holdings
    make: np.ndarray
    colour: np.ndarray
    new_energy: np.ndarray
    registered: np.ndarray  # datetime64[D]


def vehicles(rng: np.random.Generator, pop: Population, start: np.datetime64) -> Vehicles:
    """A third of households with an adult head own a car (a few two), in the head's or spouse's
    name."""
    c = cities()
    heads = pop.hh_start
    ok = (pop.age[heads] >= 22) & (pop.age[heads] <= 75)
    owner_h = np.where(
        (pop.hh_size > 1)
        & (rng.random(len(heads)) < 0.3)
        & (pop.role[np.minimum(heads + 1, pop.n - 1)] == SPOUSE),
        heads + 1,
        heads,
    )
    owning = ok & (rng.random(len(heads)) < 0.35)
    owners = owner_h[owning]
    owners = np.sort(
        np.concatenate([owners, owners[rng.random(len(owners)) < 0.12]]), kind="stable"
    )
    h = _holdings(pop.n, owners)
    k = len(h.holder)
    city = pop.live_city[h.holder]
    new_energy = rng.random(k) < 0.15
    space = 34 * 10**4  # one letter-or-digit, then four digits
    key = ids.unique_numbers(rng, k, 0, space * len(c.code))
    key = city.astype(np.int64) * space + key % space
    key = _dedupe_within(rng, key, space)
    local = key % space
    chars = np.empty((k, 5), dtype=np.uint8)
    chars[:, 0] = _PLATE_CHARS[local // 10**4]
    chars[:, 1:] = ids.digits(local % 10**4, 4) + ord("0")
    body = ids.ascii_strings(chars)
    ne_body = pc.binary_join_element_wise("D", body, "")
    prefix = pc.take(pa.array(c.plate_prefix), pa.array(city))
    plate = pc.binary_join_element_wise(prefix, pc.if_else(pa.array(new_energy), ne_body, body), "")
    make = rng.integers(0, len(MAKES), k)
    earliest = np.maximum(
        pop.birth[h.holder] + np.timedelta64(20 * 365, "D"), start - np.timedelta64(5000, "D")
    )
    span = np.maximum((start - earliest).astype(np.int64), 1)
    registered = earliest + (rng.random(k) * span).astype("timedelta64[D]")
    return Vehicles(plate, h, make, rng.integers(0, len(COLOURS), k), new_energy, registered)


def _dedupe_within(rng: np.random.Generator, key: np.ndarray, space: int) -> np.ndarray:
    """Redraw the local part of duplicate keys (city * space + local) until all are distinct."""
    key = key.copy()
    for _ in range(100):
        _, first = np.unique(key, return_index=True)
        dup = np.ones(len(key), dtype=bool)
        dup[first] = False
        if not dup.any():
            return key
        key[dup] = key[dup] // space * space + rng.integers(0, space, int(dup.sum()))
    raise RuntimeError("plate space exhausted")  # pragma: no cover


@dataclass
class Socials:
    """Social-media account registrations."""

    holder: Holdings
    platform: np.ndarray
    number: np.ndarray  # per platform unique
    registered: np.ndarray  # datetime64[s]
    mode: np.ndarray  # display name: 0 Hanzi name, 1 pinyin, 2 nickname
    phone: np.ndarray  # bound phone index (into Phones), one the holder uses


def socials(rng: np.random.Generator, pop: Population, start: np.datetime64, ph: Phones) -> Socials:
    """From 14, people with a phone: 85% have an account, some several.

    Real-name registration (Cybersecurity Law art. 24) binds every account to a mobile
    number: one of the holder's own phones, so it is registered under a household member
    exactly as often as the phones people use are.
    """
    holder = _expand(rng, (pop.age >= 14) & (ph.user.count > 0), 0.85, (0.25, 0.05))
    h = _holdings(pop.n, holder)
    k = len(h.holder)
    platform = rng.choice(len(PLATFORMS), k, p=[0.35, 0.3, 0.2, 0.15])
    number = ids.unique_numbers(rng, k, 10**8, 10**10)
    secs = (rng.random(k) * 8 * 365 * 86400).astype(np.int64)
    registered = start.astype("datetime64[s]") - secs.astype("timedelta64[s]")
    mode = rng.choice(3, k, p=[0.4, 0.25, 0.35])
    return Socials(h, platform, number, registered, mode, ph.user.pick(rng, h.holder))


__all__ = ["HEAD", "Accounts", "Holdings", "Phones", "Socials", "Vehicles"]
