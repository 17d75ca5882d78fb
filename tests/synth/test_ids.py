"""Identifier helpers agree with python-stdnum."""

from __future__ import annotations

from datetime import date

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import ric

from docket.synth import ids


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_check_character_matches_stdnum(body: str) -> None:
    digits = np.frombuffer(body.encode(), dtype=np.uint8)[None, :] - ord("0")
    assert chr(ids.check_chars(digits)[0]) == ric.calc_check_digit(body + "0")


@settings(max_examples=50, deadline=None)
@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2025, 12, 31)), st.booleans())
def test_generated_id_numbers_validate(birth: date, male: bool) -> None:
    rng = np.random.default_rng(0)
    m = ids.id_numbers(
        rng, np.array([440305]), np.array([birth], dtype="datetime64[D]"), np.array([male])
    )
    number = ids.ascii_strings(m)[0].as_py()
    assert ric.validate(number) == number
    assert ric.get_birth_date(number) == birth


def test_perturbed_ids_are_mostly_invalid_unless_rechecked() -> None:
    rng = np.random.default_rng(1)
    births = np.array(["1980-05-06"] * 400, dtype="datetime64[D]")
    clean = ids.id_numbers(rng, np.full(400, 110101), births, np.ones(400, bool))
    transposed = ids.ascii_strings(ids.perturb_ids(rng, clean, 1.0, 0.0, 0.0)).to_pylist()
    rechecked = ids.ascii_strings(ids.perturb_ids(rng, clean, 0.0, 1.0, 1.0)).to_pylist()
    assert sum(ric.is_valid(x) for x in transposed) < 80
    assert all(ric.is_valid(x) for x in rechecked)
    assert all(a != b for a, b in zip(rechecked, ids.ascii_strings(clean).to_pylist(), strict=True))


def test_phone_numbers_are_distinct_mobile_numbers() -> None:
    p = ids.phone_numbers(np.random.default_rng(2), 50000)
    assert len(np.unique(p)) == 50000
    assert ((p >= 13000000000) & (p < 20000000000)).all()
