"""Latin spellings of names: air-manifest `SURNAME/GIVEN` and free pinyin variants."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from docket.synth import names
from docket.synth.config import NoiseConfig


def manifest_names(
    rng: np.random.Generator, s: np.ndarray, g1: np.ndarray, g2: np.ndarray, noise: NoiseConfig
) -> pa.Array:
    """'ZHANG/XIAOMING': passport pinyin (ü as YU), with split, order and ü variants."""
    v = names.vocab()
    n = len(s)
    u = rng.random(n)
    umlaut = u < noise.umlaut_variant
    table_v = np.where(u < noise.umlaut_variant / 2, 1, 2)  # 1: 'lv', 2: 'lu'
    fam = names.render(v.py_icao, s)
    fam_var = pc.if_else(pa.array(table_v == 1), names.render(v.py, s), names.render(v.py_u, s))
    fam = pc.if_else(pa.array(umlaut), fam_var, fam)
    split = pa.array(rng.random(n) < noise.pinyin_split)
    giv_icao = pc.if_else(
        split, names.given_pinyin(v.py_icao, g1, g2, " "), names.given_pinyin(v.py_icao, g1, g2)
    )
    giv_v = pc.if_else(
        split, names.given_pinyin(v.py, g1, g2, " "), names.given_pinyin(v.py, g1, g2)
    )
    giv_u = pc.if_else(
        split, names.given_pinyin(v.py_u, g1, g2, " "), names.given_pinyin(v.py_u, g1, g2)
    )
    giv = pc.if_else(pa.array(umlaut), pc.if_else(pa.array(table_v == 1), giv_v, giv_u), giv_icao)
    swap = pa.array(rng.random(n) < noise.pinyin_order)
    out = pc.if_else(swap, names.join(giv, fam, sep="/"), names.join(fam, giv, sep="/"))
    return pc.utf8_upper(out)


def free_pinyin(
    rng: np.random.Generator, s: np.ndarray, g1: np.ndarray, g2: np.ndarray
) -> pa.Array:
    """Pinyin as people type it: any order, spacing and case, sometimes tone marks, ü as u or v."""
    v = names.vocab()
    n = len(s)
    table = rng.choice(4, n, p=[0.55, 0.2, 0.1, 0.15])  # v, u, ü, tone marks
    tables = (v.py, v.py_u, v.py_umlaut, v.py_tone)
    fam = names.render(tables[0], s)
    giv = names.given_pinyin(tables[0], g1, g2)
    for i in (1, 2, 3):
        m = pa.array(table == i)
        fam = pc.if_else(m, names.render(tables[i], s), fam)
        giv = pc.if_else(m, names.given_pinyin(tables[i], g1, g2), giv)
    style = rng.choice(3, n, p=[0.5, 0.3, 0.2])  # Title, lower, UPPER
    fam = pc.if_else(pa.array(style == 0), pc.utf8_capitalize(fam), fam)
    giv = pc.if_else(pa.array(style == 0), pc.utf8_capitalize(giv), giv)
    fam = pc.if_else(pa.array(style == 2), pc.utf8_upper(fam), fam)
    giv = pc.if_else(pa.array(style == 2), pc.utf8_upper(giv), giv)
    sep = pc.take(pa.array([" ", "", "_"]), pa.array(rng.choice(3, n, p=[0.6, 0.3, 0.1])))
    given_first = pa.array(rng.random(n) < 0.35)
    first = pc.if_else(given_first, giv, fam)
    second = pc.if_else(given_first, fam, giv)
    return pc.binary_join_element_wise(first, sep, second, "")


def handles(
    rng: np.random.Generator, s: np.ndarray, g1: np.ndarray, g2: np.ndarray, number: np.ndarray
) -> pa.Array:
    """Handles like 'zhangxm_88' or 'user8812345'."""
    v = names.vocab()
    n = len(s)
    full = names.join(names.render(v.py, s), names.given_pinyin(v.py, g1, g2))
    initials = names.join(
        names.render(v.py, s),
        pc.utf8_slice_codeunits(names.render(v.py, g1), 0, 1),
        pc.utf8_slice_codeunits(names.render(v.py, g2), 0, 1),
    )
    base = pc.if_else(pa.array(rng.random(n) < 0.5), full, initials)
    suffix = pc.cast(pa.array(number % 1000), pa.string())
    named = pc.binary_join_element_wise(base, "_", suffix, "")
    anon = pc.binary_join_element_wise("user", pc.cast(pa.array(number % 10**7), pa.string()), "")
    return pc.if_else(pa.array(rng.random(n) < 0.75), named, anon)
