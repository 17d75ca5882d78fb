"""Training the model: u by random sampling, m by expectation maximisation.

The comparison vectors (the level each comparison reaches for a pair) are computed in
one SQL statement from the levels' conditions (`gamma_sql`); the estimation itself runs
here in numpy over agreement-pattern counts,
which is fast and cannot fail on a level EM drives to zero (Splink 5 raises on
an m of exactly 0). Samples are chosen by hashing ids, so the same profiles
give the same model whatever their row order.

* u: all pairs among a hash-chosen sample of profiles: 20 pairs per profile, from 1e6
  to 2e6 pairs (enough, and minutes cheaper than 1e7+). A first level that is
  one value agreeing exactly (same ID, passport, phone, e-mail, address, Hanzi name) is
  reached by a few random pairs in 10^5: its u is computed exactly from the value counts
  over all profiles (the share of pairs with the same value, which is what sampling
  estimates) rather than from the handful of sampled pairs that reach it.
* m: one EM session per training blocking rule the data's columns allow
  (`em_sessions`: pairs sharing an ID number, a declared identifier, name and date of
  birth, a phone, an e-mail; without ID numbers also a date of birth, a postal code),
  each estimating the comparisons its rule does not use; estimates are averaged (a list
  without ID numbers learns its name weights from the other sessions). ID number and
  passport keep their fixed m (see comparisons.py).
"""

from __future__ import annotations

import math
import re
from typing import Any

import duckdb
import numpy as np
import numpy.typing as npt

from docket.resolve.comparisons import FIXED_M
from docket.resolve.model import U_FLOOR, base_settings

# random pairs for u: 20 per profile, at least 1e6 (Splink's FEBRL examples) and at most 2e6
U_SAMPLE_PAIRS = (1_000_000, 2_000_000)
U_PAIRS_PER_PROFILE = 20
EM_MAX_PAIRS = 300_000
EM_ITERATIONS = 30
M_FLOOR = 1e-6
U_EXACT_FLOOR = 1e-9  # an exact share of 0 (no value repeats) still needs a finite weight
MIN_EVIDENCE = 20.0  # expected matching pairs a level needs before EM moves its m
# (SQL join condition on profiles l / r, comparisons that rule makes agree by construction)
# comparison → (value whose exact agreement is its first level, profiles it is compared on)
EXACT_FIRST_LEVEL = {
    "name": ("name_hanzi", "name_pinyin IS NOT NULL AND person_name"),
    "id_number": ("id_number", "id_number IS NOT NULL"),
    "passport": ("passport", "passport IS NOT NULL"),
    "identifier": ("identifier_scheme || ':' || identifier", "identifier IS NOT NULL"),
    "phone": ("phone", "phone IS NOT NULL"),
    "email": ("lower(email)", "email IS NOT NULL"),
    "address": ("lower(address)", "address IS NOT NULL"),
    "street": ("street", "street IS NOT NULL"),
    "house_number": ("house_number", "house_number IS NOT NULL"),
    "locality": ("locality", "locality IS NOT NULL"),
    "postal_code": ("postal_code", "postal_code IS NOT NULL"),
    "address_region": ("region", "region IS NOT NULL"),
}
SAME_IDENTIFIER = "l.identifier = r.identifier AND l.identifier_scheme = r.identifier_scheme"


def em_sessions(present: frozenset[str]) -> list[tuple[str, tuple[str, ...]]]:
    """(SQL join condition on profiles l / r, comparisons the rule makes agree) for every
    training rule the `present` columns allow. A lone date of birth or postal code is a
    rule only without resident ID numbers: there the ID sessions see what they would,
    and pairs sharing only a birthday are mostly strangers and relatives."""
    rules: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = [
        ("l.id_number = r.id_number", ("id_number",), ("id_number",)),
        (SAME_IDENTIFIER, ("identifier",), ("identifier",)),
        (
            "l.name_key = r.name_key AND l.birth_date = r.birth_date",
            ("name", "birth_date"),
            ("name_key", "birth_date"),
        ),
        ("l.phone = r.phone", ("phone",), ("phone",)),
        ("l.email = r.email", ("email",), ("email",)),
    ]
    if "id_number" not in present:
        rules += [
            ("l.birth_date = r.birth_date", ("birth_date",), ("birth_date",)),
            ("l.postal_code = r.postal_code", ("postal_code",), ("postal_code",)),
        ]
    return [(sql, fixed) for sql, fixed, needs in rules if set(needs) <= present]


def _sides(sql: str) -> str:
    """A Splink level condition ('"x_l" = "x_r"') over the aliases l and r (l.x = r.x)."""
    return re.sub(r'"(\w+)_([lr])"', r'\2."\1"', sql)


def gamma_sql(comp: dict[str, Any]) -> str:
    """SQL: the comparison's level for a pair of profiles l, r, numbered as Splink numbers
    them (-1 the null level; the first other level n-1, down to 0)."""
    levels = comp["comparison_levels"]
    n = sum(1 for lv in levels if not lv.get("is_null_level"))
    whens, g = [], n
    for lv in levels:
        if lv.get("is_null_level"):
            whens.append(f"WHEN {_sides(lv['sql_condition'])} THEN -1")
            continue
        g -= 1
        if lv["sql_condition"].strip().upper() == "ELSE":
            whens.append(f"ELSE {g}")
        else:
            whens.append(f"WHEN {_sides(lv['sql_condition'])} THEN {g}")
    if not whens[-1].startswith("ELSE"):
        whens.append("ELSE 0")
    return f"CASE {' '.join(whens)} END"


def _patterns(
    mem: duckdb.DuckDBPyConnection, settings: dict[str, Any], pairs_sql: str
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
    """Distinct comparison vectors (gamma per comparison) of the pairs (`pairs_sql` gives
    join_key_l, join_key_r), and their counts. Computed in one SQL statement from the
    levels' conditions: the same levels Splink computes when scoring, without its
    per-call set-up."""
    names = [c["output_column_name"] for c in settings["comparisons"]]
    gammas = ", ".join(
        f"{gamma_sql(c)} AS gamma_{c['output_column_name']}" for c in settings["comparisons"]
    )
    rows = mem.sql(
        f"""SELECT {", ".join(f"gamma_{n}" for n in names)}, count(*) AS n
            FROM (SELECT {gammas} FROM ({pairs_sql}) p
                  JOIN profiles l ON l.unique_id = p.join_key_l
                  JOIN profiles r ON r.unique_id = p.join_key_r)
            GROUP BY ALL ORDER BY ALL"""
    ).fetchnumpy()
    if not len(rows["n"]):
        return np.zeros((0, len(names)), dtype=np.int64), np.zeros(0)
    pat = np.stack([np.asarray(rows[f"gamma_{n}"], dtype=np.int64) for n in names], axis=1)
    return pat, np.asarray(rows["n"], dtype=np.float64)


def estimate_u(
    mem: duckdb.DuckDBPyConnection, settings: dict[str, Any], n_profiles: int
) -> list[npt.NDArray[np.float64]]:
    """u per comparison level (index = gamma value) from random pairs."""
    low, high = U_SAMPLE_PAIRS
    pairs = min(high, max(low, U_PAIRS_PER_PROFILE * n_profiles))
    k = max(2, min(n_profiles, math.ceil(math.sqrt(2 * pairs))))
    sample = f"(SELECT unique_id FROM profiles ORDER BY hash(unique_id), unique_id LIMIT {k})"
    pat, cnt = _patterns(
        mem,
        settings,
        f"SELECT '0' AS match_key, l.unique_id AS join_key_l, r.unique_id AS join_key_r "
        f"FROM {sample} l JOIN {sample} r ON l.unique_id < r.unique_id",
    )
    out = []
    for c, comp in enumerate(settings["comparisons"]):
        n = _non_null_levels(comp)
        u = np.array([cnt[pat[:, c] == g].sum() for g in range(n)], dtype=np.float64)
        total = u.sum()
        u = u / total if total else np.full(n, 1.0 / n)
        exact = EXACT_FIRST_LEVEL.get(comp["output_column_name"])
        if exact is None or n < 2:
            out.append(np.maximum(u, U_FLOOR))
            continue
        first = n - 1  # gamma of the first non-null level
        share = _agreeing_share(mem, *exact)
        rest = np.maximum(np.delete(u, first), U_FLOOR)
        rest = rest / rest.sum() * (1.0 - share)
        out.append(np.insert(rest, first, max(share, U_EXACT_FLOOR)))
    return out


def _agreeing_share(mem: duckdb.DuckDBPyConnection, value: str, where: str) -> float:
    """Share of profile pairs (among those `where` holds for) with the same `value`."""
    same, total = mem.execute(
        f"""SELECT (SELECT coalesce(sum(c * (c - 1) / 2), 0)
                    FROM (SELECT count(*) AS c FROM profiles
                          WHERE ({where}) AND ({value}) IS NOT NULL GROUP BY {value})),
                   (SELECT count(*) FROM profiles WHERE ({where}))"""
    ).fetchall()[0]
    pairs = total * (total - 1) / 2
    return float(same) / pairs if pairs else 0.0


def _non_null_levels(comp: dict[str, Any]) -> int:
    return sum(1 for lv in comp["comparison_levels"] if not lv.get("is_null_level"))


def _starting_m(comp: dict[str, Any]) -> npt.NDArray[np.float64]:
    levels = [lv for lv in comp["comparison_levels"] if not lv.get("is_null_level")]
    # gamma g is the level at position n-1-g
    return np.array([float(lv["m_probability"]) for lv in reversed(levels)], dtype=np.float64)


def _fixed_levels(comp: dict[str, Any]) -> npt.NDArray[np.bool_]:
    levels = [lv for lv in comp["comparison_levels"] if not lv.get("is_null_level")]
    return np.array([bool(lv.get("fix_m_probability")) for lv in reversed(levels)])


def _m_from_sums(
    sums: npt.NDArray[np.float64],
    start: npt.NDArray[np.float64],
    fixed: npt.NDArray[np.bool_] | None = None,
) -> npt.NDArray[np.float64]:
    """m from expected match counts per level; levels with too little evidence keep their
    starting m (a level no training pair reaches says nothing about matches), and so do
    levels whose m is fixed."""
    seen = sums >= MIN_EVIDENCE
    if fixed is not None:
        seen &= ~fixed
    if not seen.any():
        return start.copy()
    out = start.copy()
    free = max(1.0 - float(start[~seen].sum()), 0.05)
    out[seen] = free * sums[seen] / sums[seen].sum()
    out = np.maximum(out, M_FLOOR)
    return np.asarray(out / out.sum(), dtype=np.float64)


def em(
    pat: npt.NDArray[np.int64],
    cnt: npt.NDArray[np.float64],
    m: list[npt.NDArray[np.float64]],
    u: list[npt.NDArray[np.float64]],
    estimate: list[bool],
    use: list[bool],
    prior: float = 0.5,
    fixed: list[npt.NDArray[np.bool_]] | None = None,
) -> list[npt.NDArray[np.float64]]:
    """EM over agreement patterns; returns new m for comparisons flagged in `estimate`."""
    start = m
    m = [x.copy() for x in m]
    lam = prior
    for _ in range(EM_ITERATIONS):
        log_bf = np.zeros(len(cnt))
        for c in range(pat.shape[1]):
            if not use[c]:
                continue
            g = pat[:, c]
            ok = g >= 0
            log_bf[ok] += np.log(m[c][g[ok]]) - np.log(u[c][g[ok]])
        logit = math.log(lam / (1 - lam)) + log_bf
        post = 1.0 / (1.0 + np.exp(-np.clip(logit, -700, 700)))
        weighted = post * cnt
        total = weighted.sum()
        if total <= 0:
            break
        new_lam = float(np.clip(total / cnt.sum(), 1e-9, 1 - 1e-9))
        delta = abs(new_lam - lam)
        lam = new_lam
        for c in range(pat.shape[1]):
            if not estimate[c]:
                continue
            g = pat[:, c]
            sums = np.asarray(
                np.bincount(g[g >= 0], weights=weighted[g >= 0], minlength=len(m[c])),
                dtype=np.float64,
            )
            new = _m_from_sums(sums, start[c], fixed[c] if fixed else None)
            delta = max(delta, float(np.abs(new - m[c]).max()))
            m[c] = new
        if delta < 1e-5:
            break
    return m


def train(
    mem: duckdb.DuckDBPyConnection, n_profiles: int, prior: float, present: frozenset[str]
) -> dict[str, Any]:
    """A trained settings dict for the `profiles` table in `mem`, whose filled columns are
    `present`."""
    settings = base_settings(present)
    comps = settings["comparisons"]
    # placeholder u so Splink can compute comparison vectors before u is known
    for comp in comps:
        for lv in comp["comparison_levels"]:
            if not lv.get("is_null_level"):
                lv["u_probability"] = 0.5
    u = estimate_u(mem, settings, n_profiles)
    start = [_starting_m(c) for c in comps]
    estimates: list[list[npt.NDArray[np.float64]]] = [[] for _ in comps]
    names = [c["output_column_name"] for c in comps]
    for condition, fixed_by_rule in em_sessions(present):
        pat, cnt = _patterns(
            mem,
            settings,
            f"""SELECT '0' AS match_key, l.unique_id AS join_key_l, r.unique_id AS join_key_r
                FROM profiles l JOIN profiles r ON {condition} AND l.unique_id < r.unique_id
                ORDER BY hash(l.unique_id, r.unique_id), l.unique_id, r.unique_id
                LIMIT {EM_MAX_PAIRS}""",
        )
        if not len(cnt):
            continue
        use = [n not in fixed_by_rule for n in names]
        est = [use[i] and names[i] not in FIXED_M for i in range(len(names))]
        m = em(pat, cnt, start, u, est, use, fixed=[_fixed_levels(c) for c in comps])
        for i, flag in enumerate(est):
            if flag:
                estimates[i].append(m[i])
    for i, comp in enumerate(comps):
        m_final = np.mean(estimates[i], axis=0) if estimates[i] else start[i]
        levels = [lv for lv in comp["comparison_levels"] if not lv.get("is_null_level")]
        n = len(levels)
        for pos, lv in enumerate(levels):
            g = n - 1 - pos
            lv["m_probability"] = float(max(m_final[g], M_FLOOR))
            lv["u_probability"] = float(u[i][g])
    settings["probability_two_random_records_match"] = float(prior)
    return settings
