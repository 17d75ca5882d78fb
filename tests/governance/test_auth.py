"""Users and logins as an operator meets them: first admin, passwords, lockout, tokens."""

from __future__ import annotations

import json
import stat
from datetime import UTC, datetime, timedelta

import pytest

from docket.errors import Forbidden, InputError, NotAuthenticated
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
        ("root", "started", ["ana"]),
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


def test_wrong_passwords_throttle_the_client_not_the_account(governed, con) -> None:
    """Guessing from one place slows that place down; the owner elsewhere is not locked out."""
    for _ in range(auth.MAX_FAILURES):
        with pytest.raises(NotAuthenticated, match="wrong password"):
            auth.authenticate(con, "ana", "not-the-password", client="http:10.9.9.9")
    with pytest.raises(NotAuthenticated, match=r"too many failed logins .* wait until"):
        auth.authenticate(con, "ana", PASSWORD, client="http:10.9.9.9")  # even the right one
    assert auth.authenticate(con, "ana", PASSWORD, client="http:10.1.1.1").user == "ana"
    failures = [x for x in _rows("auth.login") if x.user == "ana" and x.outcome != "ok"]
    assert [x.detail for x in failures][-2:] == [
        "wrong password", "throttled after repeated failures"
    ]  # fmt: skip
    # The wait runs out (here: the failures are older than the window).
    con.execute('UPDATE login_failures SET "at" = "at" - INTERVAL 1 HOUR')
    assert auth.authenticate(con, "ana", PASSWORD, client="http:10.9.9.9").user == "ana"


def test_guessing_many_accounts_from_one_client_is_throttled(governed, con) -> None:
    for i in range(auth.CLIENT_FAILURES):
        with pytest.raises(NotAuthenticated):
            auth.authenticate(con, f"nobody{i}", "whatever-it-is", client="http:10.6.6.6")
    with pytest.raises(NotAuthenticated, match="too many failed logins"):
        auth.authenticate(con, "sup", PASSWORD, client="http:10.6.6.6")
    assert auth.authenticate(con, "sup", PASSWORD, client="http:10.7.7.7").user == "sup"


@pytest.mark.parametrize(
    "password", ["aaaaaaaaaaaa", "1234567890", "password123", "qwertyuiop", "ana-ana-ana-ana"]
)
def test_guessable_passwords_are_refused(governed, password: str) -> None:
    with governed.session("admin") as adm, pytest.raises(InputError, match="password"):
        adm.users.add("newbie", "analyst", password)


def test_a_powerful_grant_needs_a_second_admin_once_there_are_two(governed, cli) -> None:
    with governed.session("admin") as adm:
        assert adm.users.add("adm2", "admin", "second-admin-passphrase") is False  # one admin
        assert adm.users.add("sup3", "supervisor", "third-supervisor-pass") is True
        assert adm.users.add("ana3", "analyst", "another-analyst-pass") is False
        with pytest.raises(Forbidden, match="another admin"):
            adm.users.approve("sup3")
    r = cli("whoami", env={"DOCKET_USER": "sup3", "DOCKET_PASSWORD": "third-supervisor-pass"})
    assert r.code == 3 and "awaits approval by a second admin" in r.stderr
    admin2 = {"DOCKET_USER": "adm2", "DOCKET_PASSWORD": "second-admin-passphrase"}
    assert cli("user", "approve", "sup3", env=admin2).code == 0
    r = cli("whoami", env={"DOCKET_USER": "sup3", "DOCKET_PASSWORD": "third-supervisor-pass"})
    assert r.stdout.strip() == "sup3 (supervisor)"
    r = cli("report", "grants", env=governed.env("auditor"))
    grants = {line.split("\t")[0]: line.split("\t") for line in r.lines[1:]}
    assert grants["sup3"][1:2] + grants["sup3"][3:6] == ["supervisor", "adm", "adm2", "active"]
    assert grants["adm"][3] == "(first user)"


def test_disabling_an_account_revokes_its_open_sessions(governed, cli) -> None:
    assert cli("login", "--user", "ana", input=f"{PASSWORD}\n").code == 0
    assert cli("whoami").stdout.strip() == "ana (analyst)"
    assert cli("user", "disable", "ana", env=governed.env("admin")).code == 0
    r = cli("whoami")
    assert r.code == 3 and "revoked" in r.stderr


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
