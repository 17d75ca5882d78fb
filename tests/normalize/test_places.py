"""Places to trimmed GB/T 2260 codes: a jurisdiction is a prefix."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docket.normalize import normalize_region


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("110000", "11"),
        ("440300", "4403"),
        ("440305", "440305"),
        ("4403", "4403"),
        ("广东省", "44"),
        ("广东", "44"),
        ("廣東省", "44"),
        ("深圳", "4403"),
        ("深圳市", "4403"),
        ("广东省深圳市", "4403"),
        ("北京市", "11"),
        ("北京市朝阳区", "110105"),
        ("内蒙古", "15"),
    ],
)
def test_codes_and_names(raw: str, code: str) -> None:
    assert normalize_region(raw).value == code


def test_a_county_is_inside_its_province_by_prefix() -> None:
    county = normalize_region("广东省深圳市南山区").value
    province = normalize_region("广东").value
    assert county is not None and province is not None
    assert county.startswith(province)


@pytest.mark.parametrize("raw", [None, "", "990000", "12345", "火星", "朝阳区", "广东省北京市"])
def test_unknown_ambiguous_or_contradictory_gives_none_and_a_reason(raw: object) -> None:
    result = normalize_region(raw)
    assert result.value is None and result.reason


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=12), st.from_regex(r"[1-6][0-9]{1,5}", fullmatch=True)))
def test_never_raises_and_is_idempotent(raw: str) -> None:
    result = normalize_region(raw)
    if result.value is not None:
        assert normalize_region(result.value).value == result.value
