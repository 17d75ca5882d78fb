"""resolve(): stable ids, judgements, redirects, stored model, Latin names, atomic swap."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from docket.errors import InputError
from docket.resolve import model as model_mod
from docket.resolve.pipeline import compared_pairs
from docket.store.db import connect
from docket.store.entities import cursor_query, require_current
from tests.conftest import run_judge, run_resolve
from tests.resolve import world


def entity_of(con: duckdb.DuckDBPyConnection, mention_id: str) -> str:
    return str(
        con.execute(
            "SELECT entity_id FROM entity_mentions WHERE mention_id = ?", [mention_id]
        ).fetchall()[0][0]
    )


def assignment(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    return dict(con.execute("SELECT mention_id, entity_id FROM entity_mentions").fetchall())


@pytest.fixture(scope="module")
def small_world() -> world.World:
    return world.generate(400, seed=21)


def test_shuffled_rows_give_identical_entity_ids(tmp_path: Path, small_world: world.World) -> None:
    results = []
    for seed in (None, 1, 2):
        con = connect(tmp_path / f"s{seed}.duckdb")
        world.load(con, small_world, order_seed=seed)
        run_resolve(con, progress=False)
        results.append(assignment(con))
        con.close()
    assert results[0] == results[1] == results[2]
    assert len(results[0]) == len(small_world.rows)


def test_resolving_again_changes_nothing(
    con: duckdb.DuckDBPyConnection, small_world: world.World
) -> None:
    world.load(con, small_world)
    first = run_resolve(con, progress=False)
    before = assignment(con)
    second = run_resolve(con, progress=False)
    assert assignment(con) == before
    assert second.redirects == 0 and second.entities == first.entities
    assert con.execute("SELECT count(*) FROM entity_redirects").fetchall()[0][0] == 0


def test_generated_world_resolves_accurately(con: duckdb.DuckDBPyConnection) -> None:
    world.load(con, world.generate(1500, seed=5))
    summary = run_resolve(con, progress=False)
    precision, recall, f1 = world.pairwise_scores(con)
    assert precision >= 0.995, (precision, recall)
    assert f1 >= 0.96, (precision, recall)
    # blocking stays a small multiple of the mentions, and is reported
    assert 0 < summary.comparisons < 5 * summary.mentions
    n_pairs = compared_pairs(con).aggregate("count(*)").fetchall()[0][0]
    assert n_pairs >= summary.comparisons


ZHANG = world.valid_id("110101", "19850312", "041")
ZHANG_WIFE = world.valid_id("110101", "19870705", "062")


def couple(con: duckdb.DuckDBPyConnection) -> None:
    world.insert(
        con,
        [
            world.person_row("registry:1", "zhang wei", name_hanzi="张伟", id_number=ZHANG,
                             birth_date="1985-03-12", sex="M", region_code="110101"),
            world.person_row("hotel:9", "zhang wei", name_hanzi="张伟", id_number=ZHANG),
            world.person_row("telecom:4", "zhang wei", name_hanzi="张伟", id_number=ZHANG,
                             phone="+8613812345678"),
            world.person_row("social:2", "wei zhang", phone="+8613812345678"),
            world.person_row("registry:2", "li na", name_hanzi="李娜", id_number=ZHANG_WIFE,
                             birth_date="1987-07-05", sex="F", region_code="110101"),
            world.person_row("air:7", "li na", passport="E12345678", birth_date="1987-07-05"),
        ],
    )  # fmt: skip


def test_a_different_judgement_splits_linked_mentions_and_the_old_id_redirects(
    con: duckdb.DuckDBPyConnection,
) -> None:
    couple(con)
    run_resolve(con, progress=False)
    old = entity_of(con, "registry:1")
    assert entity_of(con, "social:2") == old  # linked by phone and name
    run_judge(con, "registry:1", "social:2", "different", note="another Zhang Wei")
    run_resolve(con, progress=False)
    assert entity_of(con, "registry:1") != entity_of(con, "social:2")
    # the anchor (valid ID) stays with registry:1; had the id changed, it would redirect
    moved = entity_of(con, "social:2")
    assert require_current(cursor_query(con), entity_of(con, "registry:1")) == entity_of(
        con, "registry:1"
    )
    assert moved != old
    # now make the entity id itself disappear: judge the ID-bearing mentions apart
    run_judge(con, "registry:1", "hotel:9", "different", note="stolen ID")
    run_judge(con, "registry:1", "telecom:4", "different", note="stolen ID")
    run_resolve(con, progress=False)
    assert require_current(cursor_query(con), old) in {
        entity_of(con, "registry:1"),
        entity_of(con, "hotel:9"),
    }


def test_a_later_judgement_supersedes_and_same_joins_two_entities(
    con: duckdb.DuckDBPyConnection,
) -> None:
    couple(con)
    run_resolve(con, progress=False)
    husband, wife = entity_of(con, "registry:1"), entity_of(con, "registry:2")
    assert husband != wife
    run_judge(con, husband, wife, "same", note="test: same")
    summary = run_resolve(con, progress=False)
    assert entity_of(con, "registry:1") == entity_of(con, "registry:2")
    assert summary.judgements == 1
    redirected = {husband, wife} - {entity_of(con, "registry:1")}
    for gone in redirected:
        assert require_current(cursor_query(con), gone) == entity_of(con, "registry:1")
    run_judge(con, "registry:1", "registry:2", "different", note="test: undo")
    run_resolve(con, progress=False)
    assert entity_of(con, "registry:1") != entity_of(con, "registry:2")


def test_links_keep_their_evidence(con: duckdb.DuckDBPyConnection) -> None:
    couple(con)
    world.insert(con, [world.person_row("social:5", "sunny", phone="+8613812345678")])
    run_resolve(con, progress=False)
    evidence = {
        (left, right): (stage, rule, comparisons)
        for left, right, stage, rule, comparisons in con.execute(
            "SELECT mention_id_l, mention_id_r, stage, rule, comparisons FROM match_evidence"
        ).fetchall()
    }
    stage, rule, _ = evidence[("hotel:9", "registry:1")]
    assert (stage, rule) == ("deterministic", "same valid ID number, compatible names")
    stage, _, comparisons = evidence[("social:2", "telecom:4")]
    assert stage == "probabilistic"
    assert {c["comparison"]: c["level"] for c in comparisons}["phone"] == "same phone"
    # an alias ('sunny') is no name evidence: the phone alone ties it to Zhang Wei
    (stage, rule, comparisons), *_ = (v for k, v in evidence.items() if "social:5" in k)
    assert "phone" in rule or {c["comparison"]: c["level"] for c in comparisons}["phone"] == (
        "same phone"
    )
    assert entity_of(con, "social:5") == entity_of(con, "registry:1")
    stage, _, comparisons = evidence[("air:7", "registry:2")]
    assert stage == "probabilistic"
    levels = {c["comparison"]: c["level"] for c in comparisons}
    assert levels["birth_date"] == "same date of birth"
    assert levels["name"] == "same name (pinyin / Latin)"


def test_unknown_ids_are_refused_with_a_hint(con: duckdb.DuckDBPyConnection) -> None:
    couple(con)
    run_resolve(con, progress=False)
    with pytest.raises(InputError, match="no entity"):
        require_current(cursor_query(con), "P000000000000")
    with pytest.raises(InputError, match="neither a mention id nor an entity id"):
        run_judge(con, "nope:1", "registry:1", "same", note=None)


def test_latin_names_deduplicate_within_one_source(con: duckdb.DuckDBPyConnection) -> None:
    rows = [
        world.person_row("crm:1", "garcia jose", birth_date="1970-02-01", email="jg@x.org"),
        world.person_row("crm:2", "garcia jose", birth_date="1970-02-01", phone="+441632960001"),
        world.person_row("crm:3", "jose garcia", birth_date="1970-02-01", email="jg@x.org"),
        world.person_row("crm:4", "garcia josef", birth_date="1970-01-02", email="jg@x.org"),
        world.person_row("crm:5", "smith mary", birth_date="1981-06-30", phone="+441632960002"),
        world.person_row("crm:6", "smith mary", birth_date="1981-06-30", email="ms@y.org"),
        world.person_row("crm:7", "smith mary", birth_date="1990-11-11", phone="+441632960099"),
    ]
    world.insert(con, rows)
    run_resolve(con, progress=False)
    garcia = {entity_of(con, f"crm:{i}") for i in (1, 2, 3, 4)}
    assert len(garcia) == 1
    assert entity_of(con, "crm:5") == entity_of(con, "crm:6") != entity_of(con, "crm:7")


def test_model_is_stored_and_reused_until_retrain(
    con: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    world.load(con, world.generate(300, seed=8))
    monkeypatch.setattr(model_mod, "MIN_PROFILES_TO_TRAIN", 100)
    first = run_resolve(con, progress=False)
    assert first.trained and first.model_version == 1
    again = run_resolve(con, progress=False)
    assert not again.trained and again.model_version == 1
    retrained = run_resolve(con, retrain=True, progress=False)
    assert retrained.trained and retrained.model_version == 2
    origins = con.execute("SELECT origin FROM resolve_models ORDER BY version").fetchall()
    assert origins == [("trained",), ("trained",)]


def test_tiny_store_uses_the_shipped_default_model(con: duckdb.DuckDBPyConnection) -> None:
    couple(con)
    summary = run_resolve(con, progress=False)
    assert not summary.trained
    assert con.execute("SELECT origin FROM resolve_models").fetchall() == [("default",)]


def test_empty_store_resolves_to_nothing(con: duckdb.DuckDBPyConnection) -> None:
    summary = run_resolve(con, progress=False)
    assert summary.entities == 0 and summary.mentions == 0


def test_a_crash_while_writing_leaves_the_previous_resolution(
    con: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch
) -> None:
    couple(con)
    run_resolve(con, progress=False)
    before = assignment(con)
    run_judge(con, "registry:1", "social:2", "different", note=None)

    class Boom:
        @staticmethod
        def dumps(_: object) -> str:
            raise RuntimeError("disk full")

    import docket.resolve.pipeline as pipeline

    monkeypatch.setattr(pipeline, "json", Boom)
    with pytest.raises(RuntimeError, match="disk full"):
        run_resolve(con, progress=False)
    assert assignment(con) == before


def test_an_alias_on_a_second_phone_attaches_only_when_its_email_spells_the_name(
    con: duckdb.DuckDBPyConnection,
) -> None:
    """After clustering, a lone alias on a line that only one record of an entity shows (a
    child's line in a parent's name?) stays apart, unless its e-mail spells the name; another
    account on the same line follows it (one line, one holder)."""
    from docket.resolve.deterministic import ATTACH, attach_contacts
    from docket.resolve.profiles import PROFILES, build_profiles

    second, third = "+8613900000001", "+8613900000002"
    world.insert(
        con,
        [
            world.person_row("registry:1", "zhang wei", name_hanzi="张伟", id_number=ZHANG,
                             birth_date="1985-03-12"),
            world.person_row("telecom:4", "zhang wei", name_hanzi="张伟", id_number=ZHANG,
                             phone="+8613812345678"),
            world.person_row("telecom:8", "zhang wei", name_hanzi="张伟", id_number=ZHANG,
                             phone=second),
            world.person_row("telecom:9", "zhang wei", name_hanzi="张伟", id_number=ZHANG,
                             phone=third),
            world.person_row("social:10", "qing tian", name_hanzi="晴天", phone=third),
            world.person_row("social:11", "da cheng zi", name_hanzi="大橙子", phone=second,
                             email="zhangwei1985@qq.com"),
            world.person_row("social:12", "xing chen", name_hanzi="星辰", phone=second),
        ],
    )  # fmt: skip
    build_profiles(con)
    con.execute("CREATE TEMP TABLE _rs_judged (mention_id_l VARCHAR, mention_id_r VARCHAR)")
    con.execute(  # clustering's outcome: Zhang Wei's three records together, the aliases alone
        f"""CREATE TEMP TABLE labels AS SELECT node, CASE WHEN starts_with(unique_id, 'social')
            THEN node ELSE -1 END AS cluster FROM {PROFILES}"""
    )
    attach_contacts(con, "labels")
    attached = con.execute(
        f"SELECT p.unique_id, a.cluster, a.kind FROM {ATTACH} a JOIN {PROFILES} p USING (node) "
        "ORDER BY 1"
    ).fetchall()
    assert attached == [("social:11", -1, "p"), ("social:12", -1, "s")]
