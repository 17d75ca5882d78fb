"""Bank account numbers: digits only, Luhn reported, not required."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docket.normalize import luhn_ok, normalize_bank_account
from docket.normalize.bank_account import LUHN_CAVEAT


def test_digits_only_and_luhn_passing() -> None:
    result = normalize_bank_account("4111 1111-1111 1111")
    assert result == ("4111111111111111", None)
    assert luhn_ok("4111111111111111")


def test_failing_luhn_is_kept_with_a_caveat() -> None:
    result = normalize_bank_account("4111111111111112")
    assert result.value == "4111111111111112"
    assert result.reason == LUHN_CAVEAT


@pytest.mark.parametrize("raw", [None, "", "12345", "6222abc0212345678", "1" * 25])
def test_junk_gives_none_and_a_reason(raw: object) -> None:
    result = normalize_bank_account(raw)
    assert result.value is None and result.reason


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=25), st.from_regex(r"[0-9 -]{12,24}", fullmatch=True)))
def test_never_raises_and_is_idempotent(raw: str) -> None:
    result = normalize_bank_account(raw)
    if result.value is not None:
        assert normalize_bank_account(result.value) == result
