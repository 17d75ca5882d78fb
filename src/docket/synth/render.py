"""Rendering of person-mentions with noise (names, IDs, phones), times and record keys."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from docket.synth import ids, names
from docket.synth.config import NoiseConfig
from docket.synth.population import Population

NONE, HOMOPHONE, LOOKALIKE, TRADITIONAL = 0, 1, 2, 3
TRANSPOSED = 1


@dataclass
class Source:
    """A source table before shuffling and keying."""

    stem: str
    table: pa.Table
    key_column: str | None  # record-key column of a person source (None: not a person source)
    person: np.ndarray | None = None  # person index per row (person sources)
    tag: np.ndarray | None = None  # story tag per row
    key_prefix: str = ""
    key_width: int = 10
    shuffle: bool = True
    meta: dict[str, np.ndarray] = field(default_factory=dict)  # extra per-row arrays for stories


def name_kinds(
    rng: np.random.Generator, n: int, noise: NoiseConfig, forced: np.ndarray | None = None
) -> np.ndarray:
    """Per mention: NONE, HOMOPHONE, LOOKALIKE or TRADITIONAL."""
    u = rng.random(n)
    a, b, c = (
        noise.homophone,
        noise.homophone + noise.lookalike,
        noise.homophone + noise.lookalike + noise.traditional,
    )
    kind = np.where(
        u < a, HOMOPHONE, np.where(u < b, LOOKALIKE, np.where(u < c, TRADITIONAL, NONE))
    ).astype(np.int8)
    if forced is not None:
        kind = np.where(forced >= 0, forced, kind).astype(np.int8)
    return kind


def tokens(
    rng: np.random.Generator, pop: Population, person: np.ndarray, kind: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Name tokens of the mentioned people with homophone / look-alike substitutions applied."""
    s, g1, g2 = pop.s[person], pop.g1[person], pop.g2[person]
    hs, hg1, hg2 = names.perturb_tokens(rng, s, g1, g2, 1.0, 0.0)
    ls, lg1, lg2 = names.perturb_tokens(rng, s, g1, g2, 0.0, 1.0)
    h, lk = kind == HOMOPHONE, kind == LOOKALIKE
    return (
        np.where(h, hs, np.where(lk, ls, s)),
        np.where(h, hg1, np.where(lk, lg1, g1)),
        np.where(h, hg2, np.where(lk, lg2, g2)),
    )


def hanzi_names(
    rng: np.random.Generator,
    pop: Population,
    person: np.ndarray,
    noise: NoiseConfig,
    forced: np.ndarray | None = None,
) -> pa.Array:
    """Hanzi names of the mentioned people, with noise."""
    kind = name_kinds(rng, len(person), noise, forced)
    s, g1, g2 = tokens(rng, pop, person, kind)
    return names.hanzi(s, g1, g2, kind == TRADITIONAL)


def id_numbers(
    rng: np.random.Generator,
    pop: Population,
    person: np.ndarray,
    noise: NoiseConfig,
    forced: np.ndarray | None = None,
    missing: bool = True,
) -> pa.Array:
    """ID numbers of the mentioned people: transposed / mistyped digits, some missing."""
    raw = pop.id18[person]
    noisy = ids.perturb_ids(rng, raw, noise.id_transpose, noise.id_mistype, noise.id_recheck)
    if forced is not None:
        transposed = ids.perturb_ids(rng, raw, 1.0, 0.0, 0.0)
        noisy = np.where(
            (forced == TRANSPOSED)[:, None],
            transposed,
            np.where((forced == NONE)[:, None], raw, noisy),
        )
    out = ids.ascii_strings(noisy)
    if missing:
        drop = rng.random(len(person)) < noise.id_missing
        if forced is not None:
            drop &= forced < 0
        out = pc.if_else(pa.array(drop), pa.scalar(None, pa.string()), out)
    return out


def phone_strings(
    rng: np.random.Generator,
    number: np.ndarray,
    phone_idx: np.ndarray,
    noise: NoiseConfig,
    variants: bool,
    missing: float,
    keep: np.ndarray | None = None,
) -> pa.Array:
    """Phone numbers by phone index (-1: none); `keep` rows are never blanked."""
    has = phone_idx >= 0
    num = np.where(has, number[np.maximum(phone_idx, 0)], 0)
    out = ids.format_phones(rng, num, noise.phone_format) if variants else ids.fmt_int(num)
    drop = ~has | (rng.random(len(phone_idx)) < missing)
    if keep is not None:
        drop &= ~keep | ~has
    return pc.if_else(pa.array(drop), pa.scalar(None, pa.string()), out)


def ts(start: np.datetime64, seconds: np.ndarray) -> pa.Array:
    """Seconds since the window start → naive local timestamp[s] (null where negative)."""
    base = start.astype("datetime64[s]").astype(np.int64)
    arr = pa.array(base + seconds, type=pa.timestamp("s"))
    return pc.if_else(pa.array(seconds < 0), pa.scalar(None, pa.timestamp("s")), arr)


def fmt_time(start: np.datetime64, seconds: np.ndarray, fmt: str) -> pa.Array:
    """Format times (seconds since window start) with strftime."""
    return pc.strftime(ts(start, seconds), format=fmt)


def fmt_date(days: np.ndarray, fmt: str) -> pa.Array:
    """Format datetime64[D] values."""
    return pc.strftime(pa.array(days.astype("datetime64[s]"), type=pa.timestamp("s")), format=fmt)


def keys(prefix: str, n: int, width: int, base: int) -> pa.Array:
    """Record keys prefix + zero-padded (base + i)."""
    return pc.binary_join_element_wise(prefix, ids.fmt_int(np.arange(base, base + n), width), "")


def nulls(n: int) -> pa.Array:
    """A string column of nulls."""
    return pa.nulls(n, pa.string())


def pick(
    rng: np.random.Generator,
    values: tuple[str, ...] | list[str],
    n: int,
    p: list[float] | None = None,
) -> pa.Array:
    """n draws from a small list of strings."""
    idx = rng.choice(len(values), n, p=p)
    return pc.take(pa.array(list(values)), pa.array(idx))


def maybe_null(rng: np.random.Generator, arr: pa.Array, p: float) -> pa.Array:
    """Blank a share p of the values."""
    return ids.null_out(rng, arr, p)
