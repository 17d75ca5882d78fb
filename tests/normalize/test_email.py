"""E-mail addresses: trimmed, domain lower-cased."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docket.normalize import normalize_email


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        (" Wei.Zhang@Example.COM ", "Wei.Zhang@example.com"),
        ("mailto:a@b.cn", "a@b.cn"),
        ("<zw@qq.com>", "zw@qq.com"),
        ("zw＠qq．com", "zw@qq.com"),
    ],
)
def test_cleaning(raw: str, clean: str) -> None:
    assert normalize_email(raw).value == clean


@pytest.mark.parametrize(
    "raw", [None, "", "a@", "@b.com", "a@b", "a b@c.com", "a@@b.com", "a@-b.com"]
)
def test_junk_gives_none_and_a_reason(raw: object) -> None:
    result = normalize_email(raw)
    assert result.value is None and result.reason


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=40), st.emails()))
def test_never_raises_and_is_idempotent(raw: str) -> None:
    result = normalize_email(raw)
    if result.value is not None:
        assert normalize_email(result.value).value == result.value
