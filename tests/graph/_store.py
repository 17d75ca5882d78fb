"""A small hand-written store: four people, their phones and accounts, a call, a transfer,
a shared train and hotel stay; enough to see every edge kind of the model."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import duckdb

T0 = datetime(2026, 1, 2, 8, 0, tzinfo=UTC)
SHA = "f" * 64
ALICE, BOB, CAROL, DAVE, OLD = (
    "Palice000001",
    "Pbob00000002",
    "Pcarol000003",
    "Pdave0000004",
    "Pold00000009",
)


def at(hours: float) -> datetime:
    from datetime import timedelta

    return T0 + timedelta(hours=hours)


def mention(con: duckdb.DuckDBPyConnection, mid: str, entity: str) -> None:
    src, key = mid.split(":", 1)
    con.execute(
        "INSERT INTO mentions (mention_id, source, record_key, file_sha256, loaded_at) "
        "VALUES (?, ?, ?, ?, ?)",
        [mid, src, key, SHA, T0],
    )
    con.execute("INSERT INTO entity_mentions VALUES (?, ?)", [mid, entity])


def thing(con: duckdb.DuckDBPyConnection, tid: str, **cols: object) -> None:
    kind, key = tid.split(":", 1)
    names = ["thing_id", "kind", "key", "source", "record_key", *cols]
    con.execute(
        f"INSERT INTO things ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
        [tid, kind, key, "test", key, *cols.values()],
    )


def holding(con: duckdb.DuckDBPyConnection, mid: str, tid: str) -> None:
    src, key = mid.split(":", 1)
    con.execute("INSERT INTO holdings VALUES (?, ?, 'Holding', ?, ?)", [mid, tid, src, key])


def event(
    con: duckdb.DuckDBPyConnection,
    eid: str,
    kind: str,
    start: datetime,
    parties: dict[str, str],
    *,
    end: datetime | None = None,
    place: str | None = None,
    props: dict[str, str] | None = None,
) -> None:
    src, key = eid.split(":", 1)
    con.execute(
        "INSERT INTO events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [eid, kind, start, end, place, json.dumps(props or {}), src, key, SHA],
    )
    for role, ref in parties.items():
        person = ref.count(":") == 1 and ref.split(":")[0] in ("hotel", "rail", "reg")
        con.execute(
            "INSERT INTO event_parties VALUES (?, ?, ?, ?, ?)",
            [eid, role, ref if person else None, None if person else ref, src],
        )


def graph(con: duckdb.DuckDBPyConnection) -> Any:
    """`build_graph` as the admin, on `con`: the GraphSummary."""
    from docket.graph import build_graph
    from tests.conftest import as_admin

    with as_admin(con, action="graph.build") as op:
        return build_graph(op)


def update(con: duckdb.DuckDBPyConnection, **kw: Any) -> Any:
    """`update_graph` as the admin, on `con`."""
    from docket.graph import update_graph
    from tests.conftest import as_admin

    with as_admin(con, action="graph.update") as op:
        return update_graph(op, **kw)


def tables(con: duckdb.DuckDBPyConnection, *, rebuild: bool) -> dict[str, list[tuple[Any, ...]]]:
    """Every graph table's rows, in order (after a rebuild, when asked)."""
    if rebuild:
        graph(con)
    return {
        t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()
        for t in ("graph_nodes", "graph_edges", "graph_whereabouts", "graph_spots")
    }


def hold_back(con: duckdb.DuckDBPyConnection, events: list[str], holders: list[str]) -> None:
    """Take these events and these mentions' holdings out of the store, to put back later."""
    for t, col in (("events", "event_id"), ("event_parties", "event_id")):
        con.execute(f"CREATE TEMP TABLE held_{t} AS SELECT * FROM {t} WHERE {col} IN "
                    "(SELECT unnest(?::VARCHAR[]))", [events])  # fmt: skip
        con.execute(f"DELETE FROM {t} WHERE {col} IN (SELECT unnest(?::VARCHAR[]))", [events])
    con.execute("CREATE TEMP TABLE held_holdings AS SELECT * FROM holdings WHERE mention_id IN "
                "(SELECT unnest(?::VARCHAR[]))", [holders])  # fmt: skip
    con.execute("DELETE FROM holdings WHERE mention_id IN (SELECT unnest(?::VARCHAR[]))", [holders])


def restore(con: duckdb.DuckDBPyConnection) -> None:
    """Put back what hold_back took (as if it arrived now)."""
    for t in ("events", "event_parties", "holdings"):
        con.execute(f"INSERT INTO {t} SELECT * FROM held_{t}")


def build(con: duckdb.DuckDBPyConnection) -> None:
    """The store: alice and carol hold one phone (a household line)."""
    for eid, n in ((ALICE, 3), (BOB, 3), (CAROL, 1), (DAVE, 1)):
        con.execute("INSERT INTO entities VALUES (?, 'mention', ?, ?, ?)", [eid, eid, n, T0])
    con.execute("INSERT INTO entity_redirects VALUES (?, ?, ?, 'merged')", [OLD, ALICE, T0])
    for mid, ent in (("reg:a", ALICE), ("reg:b", BOB), ("reg:c", CAROL), ("rail:a1", ALICE),
                     ("rail:b1", BOB), ("rail:d1", DAVE), ("hotel:a1", ALICE),
                     ("hotel:b1", BOB)):  # fmt: skip
        mention(con, mid, ent)
    for tid in ("Phone:+861", "Phone:+862", "BankAccount:X", "BankAccount:Y"):
        thing(con, tid)
    thing(con, "Hotel:H1", name="Hotel One", region_code="4403", latitude=22.5, longitude=114.0)
    thing(con, "Station:S1", name="Shenzhen North", region_code="4403")
    thing(con, "Station:S2", name="Changsha South", region_code="4301")
    thing(con, "CellTower:T1", name="Tower", region_code="4403", latitude=22.6, longitude=114.1)
    for mid, tid in (("reg:a", "Phone:+861"), ("reg:c", "Phone:+861"), ("reg:b", "Phone:+862"),
                     ("reg:a", "BankAccount:X"), ("reg:b", "BankAccount:Y")):  # fmt: skip
        holding(con, mid, tid)
    event(con, "cdr:1", "Call", at(0), {"caller": "Phone:+861", "receiver": "Phone:+862"},
          place="CellTower:T1")  # fmt: skip
    event(con, "cdr:2", "Call", at(0.2), {"caller": "Phone:+862", "receiver": "Phone:+861"},
          place="CellTower:T1")  # fmt: skip
    accounts = {"payer": "BankAccount:X", "beneficiary": "BankAccount:Y"}
    event(con, "bank:1", "Transfer", at(1), accounts, props={"amount": "100"})
    for mid, seat, booking in (("rail:a1", "05 12A", "EB1"), ("rail:b1", "05 12B", "EB2"),
                               ("rail:d1", "10 01A", "EB9")):  # fmt: skip
        event(con, mid, "Trip", at(24), {"passenger": mid, "origin": "Station:S1",
              "destination": "Station:S2"},
              props={"service": "G1", "seat": seat, "bookingRef": booking})  # fmt: skip
    event(con, "hotel:a1", "Stay", at(30), {"guest": "hotel:a1", "place": "Hotel:H1"},
          end=at(50), place="Hotel:H1", props={"room": "1203"})  # fmt: skip
    event(con, "hotel:b1", "Stay", at(31), {"guest": "hotel:b1", "place": "Hotel:H1"},
          end=at(49), place="Hotel:H1", props={"room": "1203"})  # fmt: skip
