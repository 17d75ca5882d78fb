"""`docket serve` owns the store; the CLI with DOCKET_URL is its client, with the same output.

The service runs as a real process on 127.0.0.1 (uvicorn), started by the store's owner.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import Governed, open_store
from tests.governance import _world as w


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(home: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCKET_")}
    env.update(DOCKET_HOME=str(home), DOCKET_DB=str(home / "docket.duckdb"))
    proc = subprocess.Popen(
        [sys.executable, "-m", "docket.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            _, err = proc.communicate()
            raise AssertionError(f"docket serve exited: {err.decode()}")
        try:
            httpx.get(f"{url}/api/v1/openapi.json", timeout=1)
            return proc, url
        except httpx.TransportError:
            time.sleep(0.2)
    proc.kill()
    proc.communicate()
    raise AssertionError("docket serve did not start within 60 s")


@pytest.fixture
def service(governed: Governed) -> Iterator[str]:
    """The governed store with two resolved people, served on a free port; its URL."""
    con = open_store()
    w.source(con, "hotel", "h1", w.days_ago(1), None)
    w.mention(con, "hotel:1", "h1", w.days_ago(1), name_raw="Zhang Wei", name_pinyin="zhang wei")
    w.mention(con, "hotel:2", "h1", w.days_ago(1), name_raw="Wang Fang", name_pinyin="wang fang")
    w.entity(con, "P0000000000a1", ["hotel:1"])
    w.entity(con, "P0000000000a2", ["hotel:2"])
    con.close()
    proc, url = _serve(governed.home)
    try:
        yield url
    finally:
        proc.terminate()
        proc.communicate(timeout=20)


def _token(url: str, user: str, password: str) -> str:
    r = httpx.post(f"{url}/api/v1/token", json={"user": user, "password": password})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["token_type"] == "bearer" and body["user"] == user
    return str(body["token"])


def test_the_token_endpoint_and_bearer_calls(service: str, governed: Governed) -> None:
    token = _token(service, "ana", governed.password)
    r = httpx.get(f"{service}/api/v1/whoami", headers={"Authorization": f"Bearer {token}"})
    assert r.json() == {"user": "ana", "role": "analyst"}
    bad = httpx.post(f"{service}/api/v1/token", json={"user": "ana", "password": "wrong-one"})
    assert bad.status_code == 401
    assert bad.json()["error"]["code"] == "not_authenticated"
    anonymous = httpx.get(f"{service}/api/v1/cases")
    assert anonymous.status_code == 401 and set(anonymous.json()) == {"error"}


def test_the_cli_is_a_client_and_reads_are_audited_under_the_user(
    service: str, governed: Governed, cli
) -> None:
    remote = {"DOCKET_URL": service}
    r = cli("export", "entities", "--case", governed.case, "--why", "remote read",
            env={**governed.env("analyst"), **remote})  # fmt: skip
    assert r.code == 0, r.stderr
    lines = r.stdout.strip().splitlines()
    assert lines[0].startswith('"entity_id"') and len(lines) == 3
    assert {line.split(",")[0].strip('"') for line in lines[1:]} == {
        "P0000000000a1", "P0000000000a2"
    }  # fmt: skip
    r = cli(
        "audit", "show", "--action", "export", "--json", env={**governed.env("auditor"), **remote}
    )
    assert r.code == 0, r.stderr
    (row,) = [json.loads(line) for line in r.lines]
    assert (row["user"], row["case"], row["why"], row["result_count"], row["outcome"]) == (
        "ana", governed.case, "remote read", 2, "ok",
    )  # fmt: skip
    assert row["client"] == "http:127.0.0.1"


def test_refusals_and_errors_travel_as_the_same_messages(
    service: str, governed: Governed, cli
) -> None:
    remote = {"DOCKET_URL": service}
    r = cli("export", "entities", env={**governed.env("admin"), **remote})
    assert r.code == 3 and "separation of duties" in r.stderr and not r.stdout
    r = cli("case", "approve", "C-12x", env={**governed.env("supervisor"), **remote})
    assert r.code == 2 and "C-12x" in r.stderr and "expected a case id" in r.stderr
    r = cli("whoami", env={"DOCKET_URL": service})
    assert r.code == 3 and "not logged in" in r.stderr
    r = cli("case", "list", env={**governed.env("analyst"), **remote})
    assert r.code == 0 and "C-0001\topen\tFixture case" in r.stdout


def test_login_over_the_service_caches_a_token_for_that_service(
    service: str, governed: Governed, cli
) -> None:
    remote = {"DOCKET_URL": service}
    r = cli("login", "--user", "sup", input=f"{governed.password}\n", env=remote)
    assert r.code == 0 and "logged in as sup (supervisor)" in r.stdout, r.stderr
    assert cli("whoami", env=remote).stdout.strip() == "sup (supervisor)"
    assert not (governed.home / ".token").exists()  # the local store's cache is untouched
    assert cli("logout", env=remote).stdout.strip() == "logged out sup"
    assert cli("whoami", env=remote).code == 3


def test_the_service_refuses_a_store_others_can_read(governed: Governed) -> None:
    (governed.home / "docket.duckdb").chmod(0o644)
    with pytest.raises(AssertionError, match="mode 644"):
        _serve(governed.home)
