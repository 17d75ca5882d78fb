"""The peer for `bench_linkage`: Splink configured for one person list, read through its mapping.

A careful Splink user, given a CSV and knowing what each column holds, configures it the
way Splink's own FEBRL examples do (`docs/demos/examples/duckdb/febrl3`, `febrl4`):

* columns lightly cleaned (trimmed, lower case, empty as NULL; dates parsed with the
  mapping's format);
* comparisons: NameComparison with term frequencies on the given and the family name (or on
  the whole name), DateOfBirthComparison, Damerau-Levenshtein at 1 and 2 on each identifier,
  exact house number and Damerau-Levenshtein postcode with term frequencies (the examples
  leave the other address columns out: they correlate with the postcode; without a
  postcode the locality, without parts the address string by Jaro-Winkler), e-mail, exact
  phone and sex;
* blocking rules: the name pair, the swapped name pair, date of birth, each identifier,
  street with house number, postcode, e-mail, phone; a rule that alone would generate more
  than max(1e6, 20 per record) pairs is left out, as Splink's blocking tutorial teaches;
* the prior from deterministic rules (an identifier; both names and date of birth) at a
  recall of 0.8; u from 1e6 random pairs (seeded); m by EM blocked on date of birth and on
  postcode (or, lacking them, on the names);
* clusters at match probability 0.9.

The mapping tells which column holds what; nothing here looks at the truth.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from docket.sources.mapping import Field, SourceMapping

THRESHOLD = 0.9
U_PAIRS = 1e6
PRIOR_RECALL = 0.8


@dataclass
class PeerResult:
    seconds: dict[str, float] = field(default_factory=dict)
    comparisons: int = 0
    columns: list[str] = field(default_factory=list)
    blocking_rules: list[str] = field(default_factory=list)
    dropped_rules: dict[str, int] = field(default_factory=dict)

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds.values())


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _clean(f: Field) -> str:
    cols = [f"NULLIF(trim({_q(c)}), '')" for c in f.columns]
    expr = (
        cols[0] if len(cols) == 1 else f"NULLIF(concat_ws('{f.separator}', {', '.join(cols)}), '')"
    )
    return f"lower({expr})"


def _date(f: Field) -> str:
    raw = f"NULLIF(trim({_q(f.columns[0])}), '')"
    if f.format:
        return f"CAST(try_strptime({raw}, '{f.format}') AS DATE)"
    return f"TRY_CAST({raw} AS DATE)"


def _reader(path: Path, m: SourceMapping) -> str:
    p = str(path).replace("'", "''")
    if m.format == "parquet":
        return f"read_parquet('{p}')"
    if m.format in ("jsonl", "json"):
        return f"read_json('{p}', format='auto')"
    delim = "\t" if m.format == "tsv" else m.delimiter
    return f"read_csv('{p}', all_varchar=true, header=true, delim='{delim}')"


def prepare(con: duckdb.DuckDBPyConnection, path: Path, m: SourceMapping, truth: str) -> list[str]:
    """Table `peer_input` of the list's person columns, cleaned; returns its columns."""
    props = {f.prop: f for f in m.person if f.columns}
    select = [f"CAST({_q(_key_column(m))} AS VARCHAR) AS unique_id", f"{_q(truth)} AS truth"]
    names = {
        "firstName": "given_name",
        "lastName": "surname",
        "name": "full_name",
        "houseNumber": "street_number",
        "street": "street",
        "locality": "locality",
        "postalCode": "postcode",
        "region": "region",
        "address": "address",
        "email": "email",
        "phone": "phone",
        "gender": "sex",
        "idNumber": "id_number",
        "passportNumber": "passport",
    }
    if "name" not in props and "nameLatin" in props:
        props["name"] = props["nameLatin"]
    for prop, col in names.items():
        if prop in props:
            select.append(f"{_clean(props[prop])} AS {col}")
    if "birthDate" in props:
        select.append(f"{_date(props['birthDate'])} AS dob")
    for i, ident in enumerate(m.identifiers):
        select.append(
            f"regexp_replace(upper(NULLIF(trim({_q(ident.field.columns[0])}), '')), "
            f"'[^0-9A-Z]', '', 'g') AS ident_{i}"
        )
    con.execute(
        f"CREATE OR REPLACE TABLE peer_input AS SELECT {', '.join(select)} FROM {_reader(path, m)}"
    )
    counts = con.sql("SELECT * FROM peer_input LIMIT 0").columns
    present = []
    for c in counts:
        if c in ("unique_id", "truth"):
            continue
        n = con.execute(f"SELECT count({_q(c)}) FROM peer_input").fetchall()[0][0]
        if n:
            present.append(c)
    return present


def _key_column(m: SourceMapping) -> str:
    from docket.sources import template

    cols = template.columns(m.record_key)
    if len(cols) != 1:
        raise SystemExit(f"{m.file}: the peer needs a record key of one column, not {cols}")
    return cols[0]


def _pairs(con: duckdb.DuckDBPyConnection, rule: str) -> int:
    sql = (
        "SELECT count(*) FROM peer_input l JOIN peer_input r "
        f"ON {rule} AND l.unique_id < r.unique_id"
    )
    return int(con.execute(sql).fetchall()[0][0])


def run(con: duckdb.DuckDBPyConnection, cols: list[str], seed: int = 2) -> PeerResult:
    """Train, predict and cluster `peer_input`; leave `peer_pairs` and `peer_clusters`."""
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on
    from splink import comparison_library as cl

    res = PeerResult(columns=cols)
    has = set(cols).__contains__
    t0 = time.perf_counter()
    comps: list[Any] = []
    for c in ("given_name", "surname", "full_name"):
        if has(c):
            comps.append(cl.NameComparison(c).configure(term_frequency_adjustments=True))
    if has("dob"):
        comps.append(cl.DateOfBirthComparison("dob", input_is_string=False))
    idents = [c for c in cols if c.startswith("ident_") or c in ("id_number", "passport")]
    comps += [cl.DamerauLevenshteinAtThresholds(c, [1, 2]) for c in idents]
    if has("street_number"):
        comps.append(cl.ExactMatch("street_number").configure(term_frequency_adjustments=True))
    if has("postcode"):
        comps.append(
            cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(
                term_frequency_adjustments=True
            )
        )
    elif has("locality"):
        comps.append(cl.ExactMatch("locality").configure(term_frequency_adjustments=True))
    if not (has("street_number") or has("postcode") or has("locality")) and has("address"):
        comps.append(cl.JaroWinklerAtThresholds("address", [0.95, 0.88]))
    if has("email"):
        comps.append(cl.EmailComparison("email"))
    if has("phone"):
        comps.append(cl.ExactMatch("phone"))
    if has("sex"):
        comps.append(cl.ExactMatch("sex"))

    candidates: list[tuple[str, str]] = []
    if has("given_name") and has("surname"):
        candidates += [
            ("given_name & surname", "l.given_name = r.given_name AND l.surname = r.surname"),
            ("swapped names", "l.given_name = r.surname AND l.surname = r.given_name"),
        ]
    elif has("full_name"):
        candidates.append(("full_name", "l.full_name = r.full_name"))
    for c in ["dob", *idents, "postcode", "email", "phone"]:
        if has(c):
            candidates.append((c, f"l.{c} = r.{c}"))
    if has("street") and has("street_number"):
        candidates.append(
            ("street & street_number", "l.street = r.street AND l.street_number = r.street_number")
        )
    n = int(con.execute("SELECT count(*) FROM peer_input").fetchall()[0][0])
    limit = max(1e6, 20.0 * n)
    rules = []
    for name, rule in candidates:
        k = _pairs(con, rule)
        if k > limit:
            res.dropped_rules[name] = k
        else:
            rules.append(rule)
            res.blocking_rules.append(name)
    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=comps,
        blocking_rules_to_generate_predictions=rules,
        retain_intermediate_calculation_columns=False,
    )
    db_api = DuckDBAPI(connection=con)
    logging.getLogger("splink").setLevel(logging.ERROR)
    linker = Linker(db_api.register("peer_input"), settings)
    res.seconds["prepare"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    det = [r for r in (*[f"l.{c} = r.{c}" for c in idents],) if r]
    if has("given_name") and has("surname") and has("dob"):
        det.append(block_on("given_name", "surname", "dob"))
    elif has("full_name") and has("dob"):
        det.append(block_on("full_name", "dob"))
    if has("email"):
        det.append(block_on("email"))
    linker.training.estimate_probability_two_random_records_match(
        det or [rules[0]], recall=PRIOR_RECALL
    )
    res.seconds["train: prior"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    linker.training.estimate_u_using_random_sampling(max_pairs=U_PAIRS, seed=seed)
    res.seconds["train: u"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    em = [c for c in ("dob", "postcode") if has(c)]
    if len(em) < 2:
        em += [r for r in ("given_name", "surname", "full_name", "locality") if has(r)]
    for c in em[:2]:
        linker.training.estimate_parameters_using_expectation_maximisation(
            block_on(c), estimate_without_term_frequencies=True
        )
    res.seconds["train: m (EM)"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    pred = linker.inference.predict()
    con.execute(
        f"""CREATE OR REPLACE TABLE peer_pairs AS
            SELECT unique_id_l AS mention_id_l, unique_id_r AS mention_id_r, match_probability
            FROM {pred.physical_name}"""
    )
    res.seconds["predict"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        pred, threshold_match_probability=THRESHOLD
    )
    con.execute(
        f"""CREATE OR REPLACE TABLE peer_clusters AS
            SELECT unique_id AS mention_id, CAST(cluster_id AS VARCHAR) AS cluster_id
            FROM {clusters.physical_name}"""
    )
    res.seconds["cluster"] = time.perf_counter() - t0
    res.comparisons = int(con.execute("SELECT count(*) FROM peer_pairs").fetchall()[0][0])
    return res
