"""SQL helpers of the readers, checked against DuckDB's own functions."""

from __future__ import annotations

import duckdb
from hypothesis import given, settings
from hypothesis import strategies as st

from docket.sources.readers import present

# spaces trim() removes (Unicode Zs) and characters it keeps (tab, NBSP's neighbours)
_EDGES = st.sampled_from([" ", "\t", "\r", "\n", "\u00a0", "\u3000", "\u2009", "\u200b", "a", "中"])
_TEXT = st.text(
    st.one_of(_EDGES, st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",))),
    max_size=12,
)

_con = duckdb.connect()


@settings(max_examples=400, deadline=None)
@given(_TEXT)
def test_present_is_nullif_trim(value: str) -> None:
    got, expected = _con.execute(
        f"SELECT {present('v')}, NULLIF(trim(v), '') FROM (SELECT ?::VARCHAR AS v)", [value]
    ).fetchall()[0]
    assert got == expected
