"""Phones to E.164, default region CN."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docket.normalize import normalize_phone


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("+86 138-1234-5678", "+8613812345678"),
        ("13812345678", "+8613812345678"),
        ("008613812345678", "+8613812345678"),
        ("+86 (138) 1234 5678", "+8613812345678"),
        ("１３８１２３４５６７８", "+8613812345678"),
        ("010-62345678", "+861062345678"),
        ("0755 8765 4321", "+8675587654321"),
        ("+1 650 253 0000", "+16502530000"),
    ],
)
def test_formats_reach_e164(raw: str, e164: str) -> None:
    assert normalize_phone(raw).value == e164


@pytest.mark.parametrize("raw", [None, "", "12", "phone", "1" * 80])
def test_junk_gives_none_and_a_reason(raw: object) -> None:
    result = normalize_phone(raw)
    assert result.value is None and result.reason


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=25), st.from_regex(r"\+?[0-9 ()-]{5,20}", fullmatch=True)))
def test_never_raises_and_is_idempotent(raw: str) -> None:
    result = normalize_phone(raw)
    if result.value is not None:
        assert result.value.startswith("+")
        assert normalize_phone(result.value).value == result.value


def test_leading_zeros_that_do_not_survive_a_second_parse_are_refused() -> None:
    assert normalize_phone("000000000").value is None
    assert normalize_phone("+39 06 1234 5678").value == "+390612345678"  # Italy keeps its 0
