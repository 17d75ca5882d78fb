"""The registry covers every normalizer the canonical model names; the public API is pinned."""

from __future__ import annotations

from pathlib import Path

import yaml

import docket.normalize as normalize
from docket.normalize import REGISTRY

TYPES = Path(normalize.__file__).parents[1] / "schema" / "model" / "types.yaml"


def test_every_normalizer_named_in_the_model_is_registered() -> None:
    types = yaml.safe_load(TYPES.read_text(encoding="utf-8"))["types"]
    named = {spec["normalizer"] for spec in types.values() if "normalizer" in spec}
    assert named == set(REGISTRY)


def test_every_registered_normalizer_returns_a_result_for_junk() -> None:
    for key, fn in REGISTRY.items():
        result = fn("\x00 ☃ 12 !!")
        assert result.value is None, key
        assert result.reason, key


def test_exported_members() -> None:
    assert set(normalize.__all__) == {
        "REGISTRY", "NameParts", "Normalizer", "Result", "RicInfo", "luhn_ok",
        "normalize_bank_account", "normalize_date", "normalize_datetime", "normalize_email",
        "normalize_name", "normalize_passport", "normalize_phone", "normalize_plate",
        "normalize_region", "normalize_resident_id", "normalize_sex", "trim_code",
    }  # fmt: skip
    for name in normalize.__all__:
        assert hasattr(normalize, name)
