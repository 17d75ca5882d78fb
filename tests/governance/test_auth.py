"""Users and logins as an operator meets them: first admin, passwords, lockout, tokens."""

from __future__ import annotations

import json
import stat
from datetime import UTC, datetime, timedelta

import pytest

from docket.errors import NotAuthenticated
from docket.governance import audit, auth
from tests.conftest import PASSWORD, open_store


def _rows(action: str) -> list[audit.AuditRow]:
    con = open_store()
    try:
        return audit.show(con, action=action, limit=1000)
    finally:
        con.close()


def test_first_user_needs_no_login_but_must_be_admin(cli, monkeypatch) -> None:
    monkeypatch.setenv("PW", PASSWORD)
    r = cli("user", "add", "ana", "--role", "analyst", "--password-env", "PW")
    assert r.code == 3 and "first user of a store must be an admin" in r.stderr
    r = cli("user", "add", "root", "--role", "admin", "--password-env", "PW")
    assert r.code == 0, r.stderr
    # Now the store has a user: adding another one needs an admin's login.
    r = cli("user", "add", "ana", "--role", "analyst", "--password-env", "PW")
    assert r.code == 3 and "not logged in" in r.stderr
    admin = {"DOCKET_USER": "root", "DOCKET_PASSWORD": PASSWORD}
    r = cli("user", "add", "ana", "--role", "analyst", "--password-env", "PW", env=admin)
    assert r.code == 0, r.stderr
    r = cli("user", "list", env=admin)
    assert [line.split("\t")[:3] for line in r.lines[1:]] == [
        ["ana", "analyst", "active"],
        ["root", "admin", "active"],
    ]
    adds = _rows("user.add")
    assert [(x.user, x.outcome, json.loads(x.objects)) for x in adds] == [
        (None, "ok", ["root"]),
        ("root", "ok", ["ana"]),
    ]


def test_password_is_prompted_and_stored_as_argon2id(cli, con) -> None:
    r = cli("user", "add", "root", "--role", "admin", input=f"{PASSWORD}\n{PASSWORD}\n")
    assert r.code == 0, r.stderr
    (stored,) = con.execute("SELECT password_hash FROM users").fetchall()[0]
    assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_short_password_and_bad_names_are_refused(cli, monkeypatch) -> None:
    monkeypatch.setenv("PW", "short")
    r = cli("user", "add", "root", "--role", "admin", "--password-env", "PW")
    assert r.code == 2 and "password" in r.stderr and "Traceback" not in r.stderr
    monkeypatch.setenv("PW", PASSWORD)
    r = cli(
        "user", "add", "Robert'); DROP TABLE users;--", "--role", "admin", "--password-env", "PW"
    )
    assert r.code == 2 and "NAME" in r.stderr
    r = cli("user", "add", "root", "--role", "god", "--password-env", "PW")
    assert r.code == 2 and "analyst" in r.stderr


def test_five_wrong_passwords_lock_the_account_and_are_audited(governed, cli) -> None:
    wrong = {**governed.env("analyst"), "DOCKET_PASSWORD": "not-the-password"}
    for _ in range(auth.MAX_FAILURES):
        r = cli("whoami", env=wrong)
        assert r.code == 3 and "wrong password" in r.stderr
    r = cli("whoami", env=governed.env("analyst"))
    assert r.code == 3 and "locked" in r.stderr
    failures = [x for x in _rows("auth.login") if x.user == "ana" and x.outcome != "ok"]
    assert [x.outcome for x in failures] == ["refused"] * (auth.MAX_FAILURES + 1)
    assert "account locked" in (failures[-2].detail or "")
    # An admin re-enabling the account clears the lockout.
    assert cli("user", "enable", "ana", env=governed.env("admin")).code == 0
    assert cli("whoami", env=governed.env("analyst")).stdout.strip() == "ana (analyst)"


def test_a_success_resets_the_failure_count(governed, con) -> None:
    for _ in range(auth.MAX_FAILURES - 1):
        with pytest.raises(NotAuthenticated):
            auth.authenticate(con, "ana", "nope-nope-nope")
    auth.authenticate(con, "ana", PASSWORD)
    with pytest.raises(NotAuthenticated):
        auth.authenticate(con, "ana", "nope-nope-nope")
    assert auth.authenticate(con, "ana", PASSWORD).role == "analyst"


def test_disabled_user_cannot_log_in_and_admin_cannot_disable_self(governed, cli) -> None:
    admin = governed.env("admin")
    assert cli("user", "disable", "ana", env=admin).code == 0
    r = cli("whoami", env=governed.env("analyst"))
    assert r.code == 3 and "disabled" in r.stderr
    r = cli("user", "disable", "adm", env=admin)
    assert r.code == 3 and "your own account" in r.stderr
    r = cli("user", "disable", "ana", env=governed.env("supervisor"))
    assert r.code == 3 and "admin" in r.stderr


def test_login_caches_a_private_expiring_token(governed, cli, store) -> None:
    r = cli("login", "--user", "ana", input=f"{PASSWORD}\n")
    assert r.code == 0 and "logged in as ana (analyst)" in r.stdout, r.stderr
    token = store.parent / ".token"
    assert stat.S_IMODE(token.stat().st_mode) == 0o600
    assert cli("whoami").stdout.strip() == "ana (analyst)"
    # The token works for reads with --case/--why too.
    r = cli("watchlist", "list", "--case", governed.case, "--why", "checking my entries")
    assert r.code == 0, r.stderr
    # Expired: refused with a clear message.
    con = open_store()
    con.execute("UPDATE sessions SET expires_at = ?", [datetime.now(UTC) - timedelta(minutes=1)])
    con.close()
    r = cli("whoami")
    assert r.code == 3 and "expired" in r.stderr
    assert cli("logout").code == 0 and not token.exists()
    r = cli("whoami")
    assert r.code == 3 and "not logged in" in r.stderr


def test_wrong_password_at_login_writes_no_token(governed, cli, store) -> None:
    r = cli("login", "--user", "ana", input="wrong-password\n")
    assert r.code == 3 and "wrong password" in r.stderr
    assert not (store.parent / ".token").exists()


def test_logout_revokes_the_session_even_if_the_file_is_copied(governed, cli, store) -> None:
    cli("login", "--user", "sup", input=f"{PASSWORD}\n")
    saved = (store.parent / ".token").read_text()
    cli("logout")
    (store.parent / ".token").write_text(saved)
    r = cli("whoami")
    assert r.code == 3 and "revoked" in r.stderr


def test_a_server_passes_its_session_token_to_the_gate(governed, con) -> None:
    from docket.governance.gate import person_data

    who, token, _ = auth.open_session(con, "sup", PASSWORD, client="10.1.2.3")
    assert who.role == "supervisor"
    with person_data(
        con, action="api.profile", case=governed.case, why="api", token=token, client="10.1.2.3"
    ) as pd:
        pd.result_count = 0
    row = audit.show(con, limit=1)[-1]
    assert (row.user, row.client, row.outcome) == ("sup", "10.1.2.3", "ok")
    with pytest.raises(NotAuthenticated):
        auth.principal_for_token(con, "forged-token")


def test_the_library_has_no_ambient_identity(governed, monkeypatch) -> None:
    """Credentials in the environment mean nothing to the library: a call needs a session."""
    from docket.session import Docket

    for key, value in governed.env("analyst").items():
        monkeypatch.setenv(key, value)
    with Docket(governed.home) as d:
        with pytest.raises(NotAuthenticated, match="user name and a password"):
            d.session()
        with pytest.raises(NotAuthenticated):
            d.session(token="not-a-token")
