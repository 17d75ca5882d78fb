"""Why two mentions are, or are not, the same person.

`explain(pd, a, b)` takes mention ids or entity ids (an entity stands for its
smallest mention), reports the entities they resolved to, how the last resolve
linked them (identical records, a deterministic rule, the model's stored evidence,
a judgement), whether blocking compared them at all, and — always — the current
model's score of the pair, field by field.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from docket.governance.gate import PersonData, read_path
from docket.resolve.aliases import person_name_sql
from docket.resolve.deterministic import COMPATIBLE_NAMES, RULES
from docket.resolve.judgements import to_mention
from docket.resolve.model import default_settings
from docket.resolve.profiles import COMPARED_COLUMNS
from docket.resolve.score import level_labels, score_records
from docket.store.entities import Query

# comparison → the mention column it shows
SHOWN = {
    "name": "name_pinyin",
    "birth_date": "birth_date",
    "id_number": "id_number",
    "passport": "passport",
    "phone": "phone",
    "email": "email",
    "region": "region_code",
    "address": "address",
    "sex": "sex",
}


@dataclass
class FieldScore:
    comparison: str
    left: str | None
    right: str | None
    level: str
    weight: float

    @property
    def agreed(self) -> bool:
        return self.weight > 0


@dataclass
class Explanation:
    mention_l: str
    mention_r: str
    entity_l: str | None
    entity_r: str | None
    linked_by: list[str] = field(default_factory=list)  # how the last resolve joined them
    compared: str = ""  # how blocking treated the pair
    deterministic_rule: str | None = None
    fields: list[FieldScore] = field(default_factory=list)
    match_weight: float = 0.0
    match_probability: float = 0.0
    model_version: int | None = None
    judgements: list[tuple[str, str, str | None, str | None, str]] = field(default_factory=list)

    @property
    def same_entity(self) -> bool:
        return self.entity_l is not None and self.entity_l == self.entity_r

    @property
    def agreed(self) -> list[str]:
        return [f.comparison for f in self.fields if f.agreed]

    @property
    def disagreed(self) -> list[str]:
        return [f.comparison for f in self.fields if f.weight < 0]


def _query(pd: PersonData) -> Query:
    def run(sql: str, params: Any) -> list[tuple[Any, ...]]:
        rows: list[tuple[Any, ...]] = pd.sql(sql, list(params)).fetchall()
        return rows

    return run


@read_path("resolve.explain")
def explain(pd: PersonData, a: str, b: str) -> Explanation:
    """Explain the pair (a, b): mention ids or entity ids."""
    q = _query(pd)
    ma, mb = sorted([to_mention(q, a), to_mention(q, b)])
    pair = [ma, mb]
    ent: dict[str, str] = dict(
        q("SELECT mention_id, entity_id FROM entity_mentions WHERE mention_id IN (?, ?)", pair)
    )
    ex = Explanation(ma, mb, ent.get(ma), ent.get(mb))
    pd.objects.extend([ma, mb, *(e for e in (ex.entity_l, ex.entity_r) if e)])
    prof: dict[str, tuple[str, int]] = {
        r[0]: (r[1], r[2])
        for r in q(
            "SELECT mention_id, profile_id, node FROM resolve_profiles WHERE mention_id IN (?, ?)",
            pair,
        )
    }
    (pa, na), (pb, nb) = sorted([prof.get(ma, (ma, -1)), prof.get(mb, (mb, -1))])
    for stage, rule, weight in q(
        "SELECT stage, rule, match_weight FROM match_evidence "
        "WHERE (mention_id_l, mention_id_r) IN ((?, ?), (?, ?), (?, ?), (?, ?)) ORDER BY stage",
        [ma, mb, pa, pb, pa, ma, pb, mb],
    ):
        ex.linked_by.append(f"{stage}: {rule}" + ("" if weight is None else f" ({weight:+.2f})"))
    if not prof:
        ex.compared = "not resolved yet: run `docket resolve`"
    elif pa == pb:
        ex.compared = "identical normalised records (one profile): compared by construction"
    else:
        scored = q(
            "SELECT match_weight, rule FROM resolve_pairs WHERE node_l = ? AND node_r = ?",
            [na, nb],
        )
        if not scored:
            ex.compared = "not compared: no blocking rule paired them (scored below anyway)"
        elif scored[0][1]:
            ex.compared = f"compared by blocking; linked deterministically ({scored[0][1]})"
        elif scored[0][0] is None:
            ex.compared = (
                "compared by blocking; not scored: each has a valid ID number that another "
                "record confirms, and the numbers differ (two people; scored below anyway)"
            )
        else:
            ex.compared = f"compared by blocking; model weight {scored[0][0]:+.2f}"
    ex.deterministic_rule = _deterministic(q, ma, mb)
    ex.judgements = [
        (str(r[0]), str(r[1]), r[2], r[3], str(r[4]))
        for r in q(
            'SELECT verdict, CAST("at" AS VARCHAR), case_id, note, judgement_id FROM judgements '
            'WHERE mention_id_l = ? AND mention_id_r = ? ORDER BY "at"',
            [ma, mb],
        )
    ]
    _score(q, ex)
    return ex


def _deterministic(q: Query, ma: str, mb: str) -> str | None:
    cases = " ".join(f"WHEN {cond} THEN '{name}'" for name, cond in RULES.items())
    rows = q(
        f"""SELECT CASE WHEN NOT {COMPATIBLE_NAMES} THEN NULL {cases} END
            FROM mentions l, mentions r WHERE l.mention_id = ? AND r.mention_id = ?""",
        [ma, mb],
    )
    return str(rows[0][0]) if rows and rows[0][0] is not None else None


def _with_hanzi(record: dict[str, Any]) -> str | None:
    hanzi, pinyin = record["name_hanzi"], record["name_pinyin"]
    return f"{hanzi} ({pinyin})" if hanzi and pinyin else pinyin


def _score(q: Query, ex: Explanation) -> None:
    model = q("SELECT version, settings FROM resolve_models ORDER BY version DESC LIMIT 1", [])
    if model:
        ex.model_version = int(model[0][0])
        settings: dict[str, Any] = json.loads(model[0][1])
    else:
        settings = default_settings()
    prior = q("SELECT prior FROM resolve_runs ORDER BY run_at DESC LIMIT 1", [])
    if prior and prior[0][0]:
        settings["probability_two_random_records_match"] = float(prior[0][0])
    cols = ", ".join(COMPARED_COLUMNS)
    records = []
    for mid in (ex.mention_l, ex.mention_r):
        row = q(
            f"SELECT mention_id AS unique_id, {cols}, year(birth_date) AS birth_year, "
            f"({person_name_sql()} OR id_number IS NOT NULL OR passport IS NOT NULL "
            "OR birth_date IS NOT NULL) AS person_name FROM mentions WHERE mention_id = ?",
            [mid],
        )
        names = ["unique_id", *COMPARED_COLUMNS, "birth_year", "person_name"]
        records.append(dict(zip(names, row[0], strict=True)))
    result = score_records(settings, records[0], records[1])
    labels = level_labels(settings)
    ex.match_weight = float(result["match_weight"])
    ex.match_probability = float(result["match_probability"])
    for name, col in SHOWN.items():
        gamma = int(result[f"gamma_{name}"])
        left, right = records[0][col], records[1][col]
        if name == "name":  # show the Hanzi next to its reading
            left, right = (_with_hanzi(r) for r in records)
        ex.fields.append(
            FieldScore(
                name,
                None if left is None else str(left),
                None if right is None else str(right),
                labels[name].get(gamma, str(gamma)),
                float(result[f"mw_{name}"]),
            )
        )
