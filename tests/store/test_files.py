"""A store is one account's private files: created 0700/0600, refused when others can use it."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from docket.errors import StoreError
from docket.session import Docket


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_store_is_private(tmp_path: Path) -> None:
    home = tmp_path / "fresh"
    with Docket(home) as d:
        d.bootstrap("adm", "a-long-password")
        key = d.id_key
    assert _mode(home) == 0o700
    assert _mode(home / "docket.duckdb") == 0o600
    assert _mode(home / "keys") == 0o700 and _mode(home / "keys" / "entity-id.key") == 0o600
    assert len(key) == 32
    with Docket(home) as d:
        assert d.id_key == key  # the same key on every open


@pytest.mark.parametrize("loose", [0o640, 0o604, 0o660])
def test_the_cli_refuses_a_store_others_can_read(governed, cli, loose: int) -> None:
    db = governed.home / "docket.duckdb"
    db.chmod(loose)
    r = cli("whoami", env=governed.env("analyst"))
    assert r.code == 2 and "Traceback" not in r.stderr
    assert f"mode {loose:03o}" in r.stderr and f"chmod 600 {db}" in r.stderr
    db.chmod(0o600)
    assert cli("whoami", env=governed.env("analyst")).stdout.strip() == "ana (analyst)"


def test_a_folder_others_can_write_is_refused(governed, cli) -> None:
    governed.home.chmod(0o777)
    r = cli("whoami", env=governed.env("analyst"))
    assert r.code == 2 and "chmod 700" in r.stderr
    governed.home.chmod(0o700)


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give the file to another account")
def test_a_store_of_another_account_is_refused(governed) -> None:
    db = governed.home / "docket.duckdb"
    os.chown(db, 65534, 65534)
    try:
        with pytest.raises(StoreError, match="belongs to another account"):
            Docket(governed.home)
    finally:
        os.chown(db, 0, 0)


def test_exports_and_the_token_cache_are_private(governed, cli, tmp_path: Path) -> None:
    out = tmp_path / "entities.csv"
    r = cli("export", "entities", "--out", str(out), env=governed.env("analyst"))
    assert r.code == 0, r.stderr
    assert _mode(out) == 0o600
    assert cli("login", "--user", "ana", input=f"{governed.password}\n").code == 0
    assert _mode(governed.home / ".token") == 0o600
