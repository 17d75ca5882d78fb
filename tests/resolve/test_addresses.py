"""Splitting a one-line address into parts, in SQL: the parts are pieces of the address,
never invented; a Chinese address stays whole."""

from __future__ import annotations

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docket.resolve.addresses import address_columns, fold

PARTS = ("street", "house_number", "locality", "postal_code", "region")


def split(*addresses: str | None) -> list[dict[str, str | None]]:
    con = duckdb.connect()
    con.execute("CREATE TABLE mentions (address VARCHAR)")
    for c in PARTS:
        con.execute(f"ALTER TABLE mentions ADD COLUMN {c} VARCHAR")
    con.executemany("INSERT INTO mentions (address) VALUES (?)", [[a] for a in addresses])
    cols = address_columns()
    rows = con.execute(
        "SELECT " + ", ".join(f"{sql} AS {name}" for name, sql in cols.items()) + " FROM mentions"
    ).fetchall()
    return [dict(zip(cols, r, strict=True)) for r in rows]


@pytest.mark.parametrize(
    ("address", "street", "number", "locality", "postcode"),
    [
        ("45 Duhig Place, Boyanup 2485", "duhig place", "45", "boyanup", "2485"),
        ("2/98 Latchford Barracks, Mount Immaney, WA 2281", "latchford barracks", "98",
         "mount immaney", "2281"),
        ("1 High Street, Leeds, LS1 1AA", "high street", "1", "leeds", "ls1 1aa"),
        ("Garratt Sxreet, Brakburn", "garratt sxreet", None, "brakburn", None),
        ("Glasgow", None, None, "glasgow", None),
        ("Rue de l'Église 4b, Zürich", "rue de l eglise 4b", None, "zurich", None),
    ],
)  # fmt: skip
def test_a_latin_address_splits_into_its_parts(
    address: str, street: str | None, number: str | None, locality: str | None,
    postcode: str | None,
) -> None:  # fmt: skip
    (row,) = split(address)
    assert (row["street"], row["house_number"], row["locality"], row["postal_code"]) == (
        street, number, locality, postcode)  # fmt: skip


def test_a_chinese_address_stays_one_string() -> None:
    (row,) = split("广东省深圳市龙岗区幸福路910号8栋2单元1203室")
    assert row["address"] == "广东省深圳市龙岗区幸福路910号8栋2单元1203室"
    assert all(row[c] is None for c in PARTS)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(max_size=40), min_size=1, max_size=20))
def test_parts_are_pieces_of_the_address_and_junk_never_fails(addresses: list[str]) -> None:
    con = duckdb.connect()
    rows = split(*addresses)
    for address, row in zip(addresses, rows, strict=True):
        folded = con.execute(f"SELECT {fold('$1')}", [address]).fetchall()[0][0] or ""
        for part in ("street", "house_number", "locality", "postal_code"):
            value = row[part]
            assert value is None or value in folded, (address, part, value)
        number = row["house_number"]
        assert number is None or number[:1].isdigit()
