"""Entity ids: a keyed hash of the anchor the model ranks first; not recomputable without
the key."""

from __future__ import annotations

import hashlib
import hmac

import duckdb
from hypothesis import given
from hypothesis import strategies as st

from docket.resolve.ids import ID_HEX, hmac_sql
from tests.conftest import TEST_ID_KEY, run_resolve
from tests.resolve import world

ZHANG = world.valid_id("110101", "19850312", "041")


@given(key=st.binary(min_size=16, max_size=100), message=st.text(max_size=60))
def test_the_sql_hmac_is_rfc_2104_hmac_sha256(key: bytes, message: str) -> None:
    got = duckdb.sql(f"SELECT {hmac_sql(key, '$1')}", params=[message]).fetchall()[0][0]
    assert got == hmac.new(key, message.encode("utf-8"), hashlib.sha256).hexdigest()


def _entities(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, str, str]]:
    rows = con.execute(
        "SELECT m.mention_id, e.entity_id, e.anchor_kind, e.anchor_value FROM entity_mentions m "
        "JOIN entities e USING (entity_id)"
    ).fetchall()
    return {r[0]: (r[1], r[2], r[3]) for r in rows}


def test_an_id_number_cannot_be_turned_into_its_entity_id_without_the_key(
    con: duckdb.DuckDBPyConnection,
) -> None:
    world.insert(
        con,
        [world.person_row("registry:1", "zhang wei", name_hanzi="张伟", id_number=ZHANG),
         world.person_row("hotel:1", "zhang wei", name_hanzi="张伟", id_number=ZHANG)],
    )  # fmt: skip
    run_resolve(con, progress=False)
    entity_id, kind, value = _entities(con)["registry:1"]
    assert (kind, value) == ("idNumber", ZHANG)
    message = f"{kind}:{value}".encode()
    # the keyed hash, and nothing an enumeration of ID numbers could reproduce
    assert entity_id == "P" + hmac.new(TEST_ID_KEY, message, hashlib.sha256).hexdigest()[:ID_HEX]
    assert entity_id != "P" + hashlib.sha256(message).hexdigest()[:ID_HEX]
    assert entity_id != "P" + hashlib.sha256(f"id_number:{value}".encode()).hexdigest()[:ID_HEX]
    # another deployment's key gives other ids; the same key the same ids
    run_resolve(con, id_key=b"another-deployment-key-32-bytes!", progress=False)
    assert _entities(con)["registry:1"][0] != entity_id
    run_resolve(con, progress=False)
    assert _entities(con)["registry:1"][0] == entity_id


def test_anchors_follow_the_model_and_the_declared_strengths(
    con: duckdb.DuckDBPyConnection,
) -> None:
    """person.yaml ranks the resident ID (1) over phone (3); a declared identifier of
    strength 2 ranks between them; a cluster with none is anchored by name + birth date."""
    world.insert(
        con,
        [
            world.person_row("a:1", "li na", name_hanzi="李娜", id_number=ZHANG,
                             phone="+8613800000001", identifier="X1", identifier_scheme="club",
                             identifier_strength=2),
            world.person_row("b:1", "wang fang", name_hanzi="王芳", phone="+8613800000002",
                             identifier="X2", identifier_scheme="club", identifier_strength=2),
            world.person_row("c:1", "zhao lei", name_hanzi="赵磊", phone="+8613800000003"),
            world.person_row("d:1", "sun li", name_hanzi="孙丽", birth_date="1990-01-02"),
        ],
    )  # fmt: skip
    run_resolve(con, progress=False)
    anchors = {m: (k, v) for m, (_, k, v) in _entities(con).items()}
    assert anchors["a:1"] == ("idNumber", ZHANG)
    assert anchors["b:1"] == ("club", "X2")
    assert anchors["c:1"] == ("phone", "+8613800000003")
    assert anchors["d:1"] == ("name+birthDate", "lisun 1990-01-02")
