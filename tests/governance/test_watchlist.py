"""Watchlist entries match only while approved, unexpired and bound to an open case."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from docket.errors import Forbidden, InputError
from docket.governance import watchlist
from tests.conftest import Governed, open_store
from tests.governance import _world as w


def _add(g: Governed, who: str = "analyst", **kw: object) -> str:
    args: dict[str, object] = {
        "case": g.case, "entity": None, "criteria": {"phone": "13812345678"},
        "warrant": "WR-1", "authority": "Municipal court",
    }  # fmt: skip
    args.update(kw)
    with g.session(who) as s:
        return s.watchlist.add(**args)  # type: ignore[arg-type]


def _approve(g: Governed, entry: str, who: str = "supervisor") -> watchlist.Entry:
    with g.session(who) as s:
        return s.watchlist.approve(entry)


def _active(con, at: datetime | None = None) -> list[str]:
    return [e.entry_id for e in watchlist.active_entries(con, at)]


def test_entry_is_active_only_after_approval_and_until_expiry(governed, con) -> None:
    entry = _add(governed)
    assert _active(con) == []  # not approved
    e = _approve(governed, entry)
    assert _active(con) == [entry]
    assert e.criteria == {"phone": "+8613812345678"}
    # Default expiry: 90 days.
    assert timedelta(days=89) < e.expires_at - datetime.now(UTC) <= timedelta(days=90)
    assert _active(con, e.expires_at + timedelta(seconds=1)) == []
    assert _active(con, e.expires_at - timedelta(seconds=1)) == [entry]


def test_expired_entry_stops_matching_by_itself(governed, con) -> None:
    entry = _add(governed, expires=date.today() + timedelta(days=1))
    _approve(governed, entry)
    con.execute(
        "UPDATE watchlist SET expires_at = ? WHERE entry_id = ?",
        [datetime.now(UTC) - timedelta(minutes=1), entry],
    )
    assert _active(con) == []
    # A supervisor renews it (at most 90 days): it matches again.
    with governed.session("supervisor") as sup:
        renewed = sup.watchlist.renew(entry)
    assert renewed.active() and _active(con) == [entry]


def test_closing_the_case_deactivates_its_entries(governed, con) -> None:
    entry = _add(governed)
    _approve(governed, entry)
    with governed.session("supervisor") as sup:
        sup.cases.close(governed.case)
    assert _active(con) == []


def test_four_eyes_and_limits(governed, con) -> None:
    entry = _add(governed, "supervisor", criteria={"passport": "E12345678"}, warrant="WR-2")
    with pytest.raises(Forbidden, match="another supervisor"):
        _approve(governed, entry)
    with pytest.raises(Forbidden, match="supervisor"):
        _approve(governed, entry, "analyst")
    _approve(governed, entry, "supervisor2")
    with pytest.raises(InputError, match="90 days"):
        _add(governed, expires=date.today() + timedelta(days=120))
    with pytest.raises(InputError, match="past"):
        _add(governed, expires=date.today() - timedelta(days=1))
    with pytest.raises(Forbidden, match="not a member"):
        _add(governed, "outsider")


def test_criteria_cannot_name_a_special_category_or_be_too_broad(governed, con) -> None:
    for field in ("religion", "ethnicity", "health_status", "sexual_orientation", "民族"):
        with pytest.raises(InputError, match="special category"):
            _add(governed, criteria={field: "x"})
    with pytest.raises(InputError, match="too broad"):
        _add(governed, criteria={"region_code": "110101"})
    with pytest.raises(InputError, match="unknown field"):
        _add(governed, criteria={"nationality": "CN"})
    entry = _add(governed, criteria={"name": "Zhang Wei", "birth_date": "1990-03-07"})
    assert _approve(governed, entry).criteria == {
        "name_key": "weizhang", "birth_date": "1990-03-07",
    }  # fmt: skip


def test_entity_entries_follow_redirects(governed, con) -> None:
    w.source(con, "hotel", "h1", w.days_ago(1), None)
    w.mention(con, "hotel:1", "h1", w.days_ago(1))
    w.entity(con, "P0000000000a2", ["hotel:1"])
    with pytest.raises(InputError, match="no entity"):
        _add(governed, entity="P0000000000a1", criteria={})
    w.redirect(con, "P0000000000a1", "P0000000000a2")
    entry = _add(governed, entity="P0000000000a1", criteria={})
    _approve(governed, entry)
    assert [e.entity_id for e in watchlist.active_entries(con)] == ["P0000000000a2"]


def test_watchlist_cli(governed, cli) -> None:
    ana, sup = governed.env("analyst"), governed.env("supervisor")
    r = cli("watchlist", "add", "--case", governed.case, "--id-number", "11010119900307001X",
            "--warrant", "WR-9", "--authority", "court", env=ana)  # fmt: skip
    assert r.code == 0, r.stderr
    entry = r.lines[-1]
    assert entry.startswith("W-")
    r = cli("watchlist", "add", "--field", "religion=x", "--warrant", "w", "--authority", "a",
            env=ana)  # fmt: skip
    assert r.code == 2 and "special category" in r.stderr
    r = cli("watchlist", "approve", entry, env=ana)
    assert r.code == 3
    assert cli("watchlist", "approve", entry, env=sup).code == 0
    r = cli("watchlist", "list", "--active", env=ana)
    assert r.code == 0 and entry in r.stdout and "id_number=11010119900307001X" in r.stdout
    r = cli("watchlist", "renew", entry, "--expires", "2999-01-01", env=sup)
    assert r.code == 2 and "90 days" in r.stderr
    con = open_store()
    assert [e.entry_id for e in watchlist.active_entries(con)] == [entry]
    con.close()
