"""The `mentions` columns the Person model fills, read from person.yaml (one place).

Ingest (sources/compile.py) writes these columns and resolve (resolve/profiles.py)
compares them; store/tables.sql declares them, and a test checks that the three agree.
Identifiers a mapping declares (`identifiers:`, any scheme) are not properties: each
mention keeps its strongest one in the `DECLARED` columns.
"""

from __future__ import annotations

from docket.schema.loader import Model, model

PERSON = "Person"
# part → mentions column of the strongest identifier a mapping declares for the row
DECLARED = {
    "value": "identifier",
    "scheme": "identifier_scheme",
    "valid": "identifier_valid",
    "strength": "identifier_strength",
}


def property_columns(m: Model | None = None) -> dict[str, str]:
    """mentions column → the Person property that fills it."""
    out: dict[str, str] = {}
    for prop in (m or model()).kind(PERSON).properties.values():
        for col in prop.columns():
            out.setdefault(col, prop.name)
    return out


def compared_columns(m: Model | None = None) -> tuple[str, ...]:
    """The mentions columns resolve compares: every property column unless `compared: false`,
    and the declared identifier."""
    props = (m or model()).kind(PERSON).properties.values()
    cols = dict.fromkeys(c for p in props if p.compared for c in p.columns())
    cols.update(dict.fromkeys(DECLARED.values()))
    return tuple(cols)
