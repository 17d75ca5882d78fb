"""Address parts for comparison: stated by the mapping, else split from the one-line address.

A mapping may give `street`, `houseNumber`, `locality`, `postalCode` and `region`
separately (person.yaml); they are compared part by part. A one-line Latin-script
address ('45 Duhig Place, Boyanup 2485') is split by tokens: the house number is the
leading number of the first comma-separated part (a unit before a slash, '2/98', is
dropped), the street the rest of that part, the postal code the last 4–6 digit token or
a British postcode, the locality what the following part holds besides the postal code
and a short state code (an address of one word is a locality). No parser that works on
a closed network does better on international addresses (docs/benchmarks.md, "Address
parsing"). An address without Latin letters (a Chinese address written as one string)
is left whole and compared as one string.

Every part is compared in a folded form: lower case, accents stripped, punctuation as
spaces, spaces collapsed. All of it is DuckDB SQL over whole columns.
"""

from __future__ import annotations

# A British postcode (LS1 1AA, SW1A 2AA), else the last group of 4–6 digits.
_POSTCODE = r"([a-z]{1,2}[0-9][a-z0-9]? ?[0-9][a-z]{2}|[0-9]{4,6})\s*(?:[a-z]{2,3})?\s*$"
_HOUSE = r"^\s*(?:[0-9]+[a-z]?\s*/\s*)?([0-9]+[a-z]?)\b"
_UNIT = r"^\s*(?:[0-9]+[a-z]?\s*/\s*)?[0-9]+[a-z]?\b"


def fold(expr: str) -> str:
    """SQL: `expr` folded for comparison (NULL when nothing is left)."""
    return (
        "NULLIF(trim(regexp_replace(regexp_replace(lower(strip_accents("
        f"CAST({expr} AS VARCHAR))), '[[:punct:]]+', ' ', 'g'), '\\s+', ' ', 'g')), '')"
    )


def _latin(addr: str) -> str:
    return f"regexp_matches({addr}, '[A-Za-z]')"


def _parts(addr: str) -> str:
    """SQL list of the comma-separated parts of a lower-cased, accent-stripped address."""
    return f"list_transform(string_split(lower(strip_accents({addr})), ','), lambda p: trim(p))"


def part_sql(addr: str = "address") -> dict[str, str]:
    """Mentions column → SQL of the part split from the one-line address `addr`."""
    latin = _latin(addr)
    parts = _parts(addr)
    first = f"{parts}[1]"
    rest = f"list_aggregate({parts}[2:], 'string_agg', ' ')"
    whole = f"lower(strip_accents({addr}))"
    locality = (
        f"regexp_replace(regexp_replace({rest}, '{_POSTCODE}', ''), '\\s+[a-z]{{2,3}}\\s*$', '')"
    )
    house = f"NULLIF(regexp_extract({first}, '{_HOUSE}', 1), '')"
    postcode = f"NULLIF(regexp_extract({whole}, '{_POSTCODE}', 1), '')"
    # one word and nothing else ('Glasgow') names a place, not a street
    town = f"(len({parts}) = 1 AND regexp_full_match({first}, '[a-z]+'))"
    return {
        "house_number": f"CASE WHEN {latin} THEN {house} END",
        "street": f"CASE WHEN {latin} AND NOT {town} "
        f"THEN regexp_replace({first}, '{_UNIT}', '') END",
        "postal_code": f"CASE WHEN {latin} THEN {postcode} END",
        "locality": f"CASE WHEN {latin} AND len({parts}) > 1 THEN {locality} "
        f"WHEN {latin} AND {town} THEN {first} END",
    }


def address_columns(src: str = "") -> dict[str, str]:
    """Profile column → SQL over mentions (`src` a table alias with its dot, or ''): each
    address part stated, else split from the address, folded; the address folded."""
    split = part_sql(f"{src}address")
    out = {"address": f"lower({src}address)"}
    for col in ("street", "house_number", "locality", "postal_code", "region"):
        stated = f"{src}{col}"
        out[col] = fold(f"coalesce({stated}, {split[col]})" if col in split else stated)
    return out
