"""`docket export entities`: one row per entity with its best name, identifiers and counts.

The best name is the most frequent Hanzi name among the entity's mentions, else
the most frequent pinyin / Latin name (ties: the smaller value). Identifier columns
list every distinct value, most frequent first, separated by '; ' in CSV.
"""

from __future__ import annotations

from typing import IO

import pyarrow as pa

from docket.errors import InputError
from docket.governance.gate import PersonData, read_path
from docket.sources.export import write_batches

FORMATS = ("csv", "parquet")


def _best(col: str) -> str:
    return f"first({col} ORDER BY n DESC, {col}) FILTER (WHERE {col} IS NOT NULL)"


def _listed(col: str, where: str = "") -> str:
    cond = f"{col} IS NOT NULL" + (f" AND {where}" if where else "")
    return f"list({col} ORDER BY n DESC, {col}) FILTER (WHERE {cond})"


def _per_value(col: str) -> str:
    return f"SELECT entity_id, {col}, count(*) AS n FROM j GROUP BY ALL"


ENTITIES_SQL = f"""
WITH j AS (SELECT e.entity_id, m.* FROM entity_mentions e JOIN mentions m USING (mention_id)),
hz AS (SELECT entity_id, {_best("name_hanzi")} AS name_hanzi FROM ({_per_value("name_hanzi")})
       GROUP BY entity_id),
py AS (SELECT entity_id, {_best("name_pinyin")} AS name_pinyin FROM ({_per_value("name_pinyin")})
       GROUP BY entity_id),
bd AS (SELECT entity_id, {_best("birth_date")} AS birth_date FROM ({_per_value("birth_date")})
       GROUP BY entity_id),
ids AS (SELECT entity_id, {_listed("id_number", "id_valid")} AS id_numbers
        FROM (SELECT entity_id, id_number, id_valid, count(*) AS n FROM j GROUP BY ALL)
        GROUP BY entity_id),
pp AS (SELECT entity_id, {_listed("passport")} AS passports FROM ({_per_value("passport")})
       GROUP BY entity_id),
ph AS (SELECT entity_id, {_listed("phone")} AS phones FROM ({_per_value("phone")})
       GROUP BY entity_id),
em AS (SELECT entity_id, {_listed("email")} AS emails FROM ({_per_value("email")})
       GROUP BY entity_id),
src AS (SELECT entity_id, list(DISTINCT source ORDER BY source) AS sources FROM j
        GROUP BY entity_id)
SELECT e.entity_id, coalesce(hz.name_hanzi, py.name_pinyin) AS best_name, py.name_pinyin,
       bd.birth_date, ids.id_numbers, pp.passports, ph.phones, em.emails,
       e.mention_count, src.sources, e.anchor_kind
FROM entities e
LEFT JOIN hz USING (entity_id) LEFT JOIN py USING (entity_id) LEFT JOIN bd USING (entity_id)
LEFT JOIN ids USING (entity_id) LEFT JOIN pp USING (entity_id) LEFT JOIN ph USING (entity_id)
LEFT JOIN em USING (entity_id) LEFT JOIN src USING (entity_id)
ORDER BY e.mention_count DESC, e.entity_id
"""

_LIST_COLUMNS = ("id_numbers", "passports", "phones", "emails", "sources")


@read_path("export.entities")
def export_entities(pd: PersonData, fmt: str, sink: IO[bytes]) -> int:
    """Write every entity to `sink` as csv or parquet. Returns rows."""
    if fmt not in FORMATS:
        raise InputError("--format", f"{fmt!r} is not one of {', '.join(FORMATS)}")
    sql = ENTITIES_SQL
    if fmt == "csv":  # CSV has no lists: join them
        joined = ", ".join(f"array_to_string({c}, '; ') AS {c}" for c in _LIST_COLUMNS)
        sql = f"SELECT * REPLACE ({joined}) FROM ({ENTITIES_SQL})"
    table: pa.Table = pd.relation(sql).to_arrow_table()
    n = write_batches(table.to_reader(), sink, parquet=fmt == "parquet")
    pd.result_count = n
    return n
