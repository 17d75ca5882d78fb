"""Dates and datetimes in agency formats; naive times are Asia/Shanghai."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docket.normalize import normalize_date, normalize_datetime
from docket.normalize.dates import ZONE

MARCH_7 = dt.date(1990, 3, 7)


@pytest.mark.parametrize(
    "raw",
    ["1990-03-07", "1990/03/07", "1990/3/7", "1990.03.07", "19900307", "07.03.1990",
     "1990年3月7日", "1990 年 03 月 07 日", "1990-03-07T23:59:59", "1990-03-07 08:00:00+08:00"],
)  # fmt: skip
def test_date_formats(raw: str) -> None:
    assert normalize_date(raw).value == MARCH_7


def test_ambiguous_slash_dates_are_refused_and_unambiguous_ones_accepted() -> None:
    assert normalize_date("07/03/1990").reason == "ambiguous day/month order"
    assert normalize_date("13/03/1990").value == dt.date(1990, 3, 13)
    assert normalize_date("03/13/1990").value == dt.date(1990, 3, 13)


def test_a_utc_datetime_gives_its_shanghai_date() -> None:
    assert normalize_date("1990-03-06T20:00:00Z").value == MARCH_7


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-01-02 13:45:00", dt.datetime(2026, 1, 2, 13, 45, tzinfo=ZONE)),
        ("2026-01-02T13:45", dt.datetime(2026, 1, 2, 13, 45, tzinfo=ZONE)),
        ("2026-01-02T05:45:00Z", dt.datetime(2026, 1, 2, 13, 45, tzinfo=ZONE)),
        ("2026-01-02T13:45:00+0800", dt.datetime(2026, 1, 2, 13, 45, tzinfo=ZONE)),
        ("2026-01-02 13:45:00.5", dt.datetime(2026, 1, 2, 13, 45, 0, 500000, tzinfo=ZONE)),
        ("20260102134500", dt.datetime(2026, 1, 2, 13, 45, tzinfo=ZONE)),
        ("2026年1月2日 13时45分00秒", dt.datetime(2026, 1, 2, 13, 45, tzinfo=ZONE)),
        ("1767332700", dt.datetime(2026, 1, 2, 13, 45, tzinfo=ZONE)),
        ("1767332700000", dt.datetime(2026, 1, 2, 13, 45, tzinfo=ZONE)),
        ("2026-01-02", dt.datetime(2026, 1, 2, tzinfo=ZONE)),
    ],
)
def test_datetime_formats_are_aware(raw: str, expected: dt.datetime) -> None:
    value = normalize_datetime(raw).value
    assert value is not None and value.tzinfo is not None
    assert value == expected


@pytest.mark.parametrize(
    "raw", [None, "", "junk", "1990-02-30", "1990-13-01", "2026-01-02 25:00", "0001-01-01"]
)
def test_junk_gives_none_and_a_reason(raw: object) -> None:
    assert normalize_date(raw).value is None and normalize_date(raw).reason
    assert normalize_datetime(raw).value is None


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=30))
def test_never_raises_on_any_text(raw: str) -> None:
    normalize_date(raw)
    normalize_datetime(raw)


@settings(max_examples=200, deadline=None)
@given(
    st.datetimes(
        min_value=dt.datetime(1901, 1, 1),
        max_value=dt.datetime(2199, 12, 31),
        timezones=st.just(dt.UTC),
    ).map(lambda d: d.astimezone(ZONE))  # real instants: no local time inside a DST gap
)
def test_idempotent_through_text(moment: dt.datetime) -> None:
    value = normalize_datetime(moment.isoformat()).value
    assert value == moment
    assert normalize_datetime(value.isoformat()).value == value  # type: ignore[union-attr]
    day = normalize_date(moment.isoformat()).value
    assert day is not None and normalize_date(day.isoformat()).value == day
