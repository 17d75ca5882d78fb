"""Passport numbers: upper-case letters and digits."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docket.normalize import normalize_passport


@pytest.mark.parametrize(
    ("raw", "clean"),
    [(" e 1234 5678 ", "E12345678"), ("G-12345678", "G12345678"), ("EA1234567", "EA1234567")],
)
def test_cleaning(raw: str, clean: str) -> None:
    assert normalize_passport(raw).value == clean


@pytest.mark.parametrize("raw", [None, "", "E12", "ABCDEFGH", "E1234567$", "护照12345"])
def test_junk_gives_none_and_a_reason(raw: object) -> None:
    result = normalize_passport(raw)
    assert result.value is None and result.reason


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=25))
def test_never_raises_and_is_idempotent(raw: str) -> None:
    result = normalize_passport(raw)
    if result.value is not None:
        assert normalize_passport(result.value).value == result.value
