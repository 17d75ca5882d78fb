"""Sex codes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from docket.normalize import normalize_sex


@pytest.mark.parametrize(
    ("raw", "sex"),
    [
        ("男", "M"),
        ("女", "F"),
        ("M", "M"),
        ("f", "F"),
        ("Male", "M"),
        ("FEMALE", "F"),
        ("1", "M"),
        (2, "F"),
    ],
)
def test_codes(raw: object, sex: str) -> None:
    assert normalize_sex(raw).value == sex


@pytest.mark.parametrize("raw", [None, "", "0", "9", "未知", "other"])
def test_unknown_gives_none_and_a_reason(raw: object) -> None:
    result = normalize_sex(raw)
    assert result.value is None and result.reason


@given(st.text(max_size=10))
def test_never_raises_and_is_idempotent(raw: str) -> None:
    result = normalize_sex(raw)
    if result.value is not None:
        assert normalize_sex(result.value).value == result.value
