"""Declared identifiers: python-stdnum checks the schemes it knows; others are kept."""

from __future__ import annotations

import pyarrow as pa
from hypothesis import given
from hypothesis import strategies as st

from docket.normalize.identifier import check_scheme, normalize_identifier, vector_identifier


def test_known_schemes_are_checked_by_python_stdnum() -> None:
    assert normalize_identifier("au-tfn", " 123 456 782 ").value == ("123456782", True)
    bad = normalize_identifier("au-tfn", "123 456 781")
    assert bad.value == ("123456781", False) and bad.reason == "not a valid au-tfn"
    assert normalize_identifier("iban", "GB82 WEST 1234 5698 7654 32").value == (
        "GB82WEST12345698765432", True)  # fmt: skip


def test_a_scheme_of_ones_own_is_kept_without_a_check() -> None:
    assert normalize_identifier("soc_sec_id", " 53-042 18").value == ("5304218", None)
    assert normalize_identifier("member_no", "  ").value is None
    assert check_scheme("au-tfn") is None and check_scheme("member_no") is None
    assert check_scheme("AU TFN") is not None


@given(st.sampled_from(["au-tfn", "iban", "nl-bsn", "soc_sec_id"]), st.text(max_size=30))
def test_never_raises_and_its_compact_form_is_stable(scheme: str, raw: str) -> None:
    result = normalize_identifier(scheme, raw)
    if result.value is not None:
        assert normalize_identifier(scheme, result.value.number).value == result.value


def test_the_vector_form_answers_as_the_value_form() -> None:
    values = ["123456782", "123456781", None, "x"]
    got = vector_identifier("au-tfn", pa.array(values)).to_pylist()
    want = [
        None if (r := normalize_identifier("au-tfn", v).value) is None
        else {"number": r.number, "valid": r.valid}
        for v in values
    ]  # fmt: skip
    assert got == want
