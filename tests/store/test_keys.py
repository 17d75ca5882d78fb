"""The deployment's entity-id key: created once, private, refused when damaged."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from docket.errors import StoreError
from docket.store.keys import ENTITY_ID, KEY_BYTES, load_or_create


def entity_id_key(home: Path) -> bytes:
    return load_or_create(home, ENTITY_ID)


def test_the_key_is_created_once_private_and_then_reused(tmp_path: Path) -> None:
    key = entity_id_key(tmp_path)
    path = tmp_path / "keys" / "entity-id.key"
    assert len(key) == KEY_BYTES and path.read_bytes() == key
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert entity_id_key(tmp_path) == key
    assert entity_id_key(tmp_path / "other") != key  # another deployment, another key
    assert [p.name for p in path.parent.iterdir()] == ["entity-id.key"]  # no leftovers


def test_a_damaged_key_is_refused_not_replaced(tmp_path: Path) -> None:
    entity_id_key(tmp_path)
    path = tmp_path / "keys" / "entity-id.key"
    path.write_bytes(b"short")
    with pytest.raises(StoreError, match="32-byte"):
        entity_id_key(tmp_path)
    assert path.read_bytes() == b"short"
