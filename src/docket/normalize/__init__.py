"""Normalisers: one module per value type, pure and idempotent, plus vectorised forms.

Each `normalize_<type>(raw)` takes any value, never raises, and returns a `Result`:
the normalised value, or None plus a reason. `REGISTRY` maps the `normalizer:` keys of
the model's types.yaml to these functions. `docket.normalize.sql.install(con)` registers
the same functions for DuckDB SQL (`norm_name`, `norm_phone`, …).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from docket.normalize.bank_account import luhn_ok, normalize_bank_account
from docket.normalize.dates import normalize_date, normalize_datetime
from docket.normalize.email import normalize_email
from docket.normalize.names import NameParts, normalize_name
from docket.normalize.passport import normalize_passport
from docket.normalize.phone import normalize_phone
from docket.normalize.places import normalize_region, trim_code
from docket.normalize.plate import normalize_plate
from docket.normalize.resident_id import RicInfo, normalize_resident_id
from docket.normalize.result import Result
from docket.normalize.sex import normalize_sex

Normalizer = Callable[[object], Result[Any]]

REGISTRY: dict[str, Normalizer] = {
    "name": normalize_name,
    "date": normalize_date,
    "datetime": normalize_datetime,
    "resident_id": normalize_resident_id,
    "passport": normalize_passport,
    "phone": normalize_phone,
    "email": normalize_email,
    "plate": normalize_plate,
    "bank_account": normalize_bank_account,
    "region": normalize_region,
    "sex": normalize_sex,
}

__all__ = [
    "REGISTRY",
    "NameParts",
    "Normalizer",
    "Result",
    "RicInfo",
    "luhn_ok",
    "normalize_bank_account",
    "normalize_date",
    "normalize_datetime",
    "normalize_email",
    "normalize_name",
    "normalize_passport",
    "normalize_phone",
    "normalize_plate",
    "normalize_region",
    "normalize_resident_id",
    "normalize_sex",
    "trim_code",
]
