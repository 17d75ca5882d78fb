"""Reference tables written from public facts (GB/T 2260 administrative divisions).

`regions.csv` holds the 31 mainland province-level units, ~100 prefecture-level cities
(with the coordinates of the city centre) and, under each prefecture, a few real
county-level districts (no coordinates) used for resident-ID area codes.
Columns: code, name, level (province | prefecture | county), parent_code, latitude, longitude.
For the four municipalities the prefecture row (e.g. 110100) carries the city's name
(GB/T 2260 calls it 市辖区), so 北京市 appears at two levels; prefer the prefecture row
for coordinates and the province row for jurisdiction.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import pyarrow as pa
import pyarrow.csv as pacsv

__all__ = ["regions"]

_SCHEMA = pa.schema(
    [
        ("code", pa.string()),
        ("name", pa.string()),
        ("level", pa.string()),
        ("parent_code", pa.string()),
        ("latitude", pa.float64()),
        ("longitude", pa.float64()),
    ]
)


@cache
def regions() -> pa.Table:
    """The GB/T 2260 region table (cached; do not mutate)."""
    data = resources.files("docket.reference").joinpath("regions.csv").read_bytes()
    table = pacsv.read_csv(
        pa.BufferReader(data),
        convert_options=pacsv.ConvertOptions(
            column_types=_SCHEMA, strings_can_be_null=True, quoted_strings_can_be_null=False
        ),
    )
    return table.select(_SCHEMA.names).cast(_SCHEMA)
