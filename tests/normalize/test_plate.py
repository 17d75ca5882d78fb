"""Chinese vehicle plates."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docket.normalize import normalize_plate


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("京A·12345", "京A12345"),
        ("京a 12345", "京A12345"),
        ("粤B.D12345", "粤BD12345"),
        ("粵B12345", "粤B12345"),
        ("沪A1234学", "沪A1234学"),
    ],
)
def test_cleaning(raw: str, clean: str) -> None:
    assert normalize_plate(raw).value == clean


@pytest.mark.parametrize(
    "raw", [None, "", "A12345", "京12345", "京A123", "京A1234567", "X京A12345"]
)
def test_junk_gives_none_and_a_reason(raw: object) -> None:
    result = normalize_plate(raw)
    assert result.value is None and result.reason


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(
        st.text(max_size=12),
        st.from_regex(r"[京沪粤川][A-Za-z][ ·.]?[0-9A-Z]{5,6}", fullmatch=True),
    )
)
def test_never_raises_and_is_idempotent(raw: str) -> None:
    result = normalize_plate(raw)
    if result.value is not None:
        assert normalize_plate(result.value).value == result.value
