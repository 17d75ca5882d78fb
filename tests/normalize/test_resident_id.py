"""Resident-identity numbers: check digit, legacy upgrade, birth date, sex, region."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import ric

from docket.normalize import normalize_resident_id
from docket.normalize.resident_id import BAD_CHECK_DIGIT, check_digit


def make(area: str, born: str, seq: str) -> str:
    """A synthetic number with a correct check digit (not a real person's)."""
    body = area + born + seq
    return body + str(ric.calc_check_digit(body + "0"))


def test_valid_number_yields_birth_date_sex_and_region() -> None:
    number = make("110101", "19900307", "123")
    info = normalize_resident_id(number).value
    assert info is not None
    assert info.valid
    assert info.birth_date == dt.date(1990, 3, 7)
    assert info.sex == "M"  # 17th digit 3 is odd
    assert info.region == "110101"
    assert ric.is_valid(info.number)


def test_even_sequence_digit_is_female() -> None:
    info = normalize_resident_id(make("440305", "19851231", "042")).value
    assert info is not None
    assert (info.sex, info.birth_date, info.region) == ("F", dt.date(1985, 12, 31), "440305")


def test_invalid_check_digit_is_reported_invalid_but_kept() -> None:
    good = make("110101", "19900307", "123")
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    result = normalize_resident_id(bad)
    assert result.value is not None
    assert result.value.valid is False
    assert result.value.number == bad
    assert result.reason == BAD_CHECK_DIGIT
    assert result.value.birth_date == dt.date(1990, 3, 7)


def test_lowercase_x_spaces_and_dashes_are_accepted() -> None:
    body = next(
        f"11010119900307{i:03d}"
        for i in range(1000)
        if check_digit(f"11010119900307{i:03d}") == "X"
    )
    messy = f" {body[:6]}-{body[6:14]} {body[14:]}x "
    info = normalize_resident_id(messy).value
    assert info is not None
    assert (info.number, info.valid) == (body + "X", True)


def test_legacy_fifteen_digit_number_is_upgraded() -> None:
    info = normalize_resident_id("110101900307123").value
    assert info is not None
    assert info.number == make("110101", "19900307", "123")
    assert info.valid and info.birth_date == dt.date(1990, 3, 7)


def test_unknown_region_code_does_not_make_a_number_invalid() -> None:
    info = normalize_resident_id(make("999999", "19900307", "123")).value
    assert info is not None and info.valid and info.region == "999999"


def test_impossible_birth_date_is_invalid() -> None:
    info = normalize_resident_id(make("110101", "19900231", "123")).value
    assert info is not None
    assert not info.valid and info.birth_date is None


@pytest.mark.parametrize("raw", [None, "", "12345", "11010119900307123Y", "abc", 3.5])
def test_wrong_shape_gives_none_and_a_reason(raw: object) -> None:
    result = normalize_resident_id(raw)
    assert result.value is None and result.reason


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(st.text(max_size=30), st.from_regex(r"[0-9]{15}|[0-9]{17}[0-9xX]", fullmatch=True))
)
def test_never_raises_and_is_idempotent(raw: str) -> None:
    result = normalize_resident_id(raw)
    if result.value is not None:
        again = normalize_resident_id(result.value.number)
        assert again == result
        assert result.value.valid == (result.reason is None)


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(["110101", "440305", "310104", "510107"]),
    st.dates(min_value=dt.date(1930, 1, 1), max_value=dt.date(2020, 12, 31)),
    st.integers(min_value=0, max_value=999),
)
def test_agrees_with_python_stdnum_on_generated_numbers(area: str, born: dt.date, seq: int) -> None:
    number = make(area, born.strftime("%Y%m%d"), f"{seq:03d}")
    info = normalize_resident_id(number).value
    assert info is not None and info.valid
    assert info.birth_date == ric.get_birth_date(number) == born
    assert info.sex == ("M" if seq % 2 else "F")
