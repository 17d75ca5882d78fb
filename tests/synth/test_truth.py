"""Ground truth: valid IDs, full mention coverage, the promised noise, coherent movement."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
from opencc import OpenCC
from stdnum.cn import ric

from docket.synth import PERSON_SOURCES, NoiseConfig, SynthSummary, generate, population
from docket.synth.places import AIRPORTS
from tests.synth.conftest import DAYS, KEY, START, mentions, people, read_source


def _con(out: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    src = out / "sources"
    views = {
        "people": f"read_parquet('{out}/truth/people.parquet')",
        "mentions": f"read_csv('{out}/truth/mentions.csv', all_varchar=true)",
        "rail": f"read_csv('{src}/rail_tickets.csv', all_varchar=true)",
        "air": f"read_csv('{src}/air_manifests.txt', delim='|', all_varchar=true)",
        "hotel": f"read_json('{src}/hotel_checkins.jsonl', format='newline_delimited')",
        "cdr": f"read_parquet('{src}/telecom_cdr.parquet')",
        "towers": f"read_csv('{src}/telecom_towers.csv', all_varchar=true)",
    }
    for name, reader in views.items():
        con.execute(f"CREATE VIEW {name} AS SELECT * FROM {reader}")
    return con


def test_every_id_number_in_the_people_table_is_valid(world: SynthSummary) -> None:
    ids = people(world.out)["id_number"].to_pylist()
    assert len(ids) == world.people == len(set(ids))
    assert all(ric.is_valid(i) for i in ids)


def test_ids_agree_with_birth_date_and_sex(world: SynthSummary) -> None:
    t = people(world.out).to_pylist()
    for p in t:
        assert ric.get_birth_date(p["id_number"]) == p["birth_date"]
        assert (int(p["id_number"][16]) % 2 == 1) == (p["sex"] == "M")


def test_mentions_cover_every_row_of_every_person_source(world: SynthSummary) -> None:
    by_source: dict[str, set[str]] = {}
    rows = mentions(world.out)
    for m in rows:
        by_source.setdefault(m["source"], set()).add(m["record_key"])
    assert set(by_source) == set(PERSON_SOURCES)
    total = 0
    for stem in PERSON_SOURCES:
        keys = [r[KEY[stem]] for r in read_source(world.out, stem)]
        assert set(keys) == by_source[stem], stem
        total += len(keys)
    assert total == len(rows) == world.mentions
    uids = set(people(world.out)["person_uid"].to_pylist())
    assert {m["person_uid"] for m in rows} <= uids


def test_mentions_point_at_the_person_the_row_names(world: SynthSummary) -> None:
    truth = {p["person_uid"]: p for p in people(world.out).to_pylist()}
    uid = {
        m["record_key"]: m["person_uid"] for m in mentions(world.out) if m["source"] == "registry"
    }
    rows = read_source(world.out, "registry")
    same_id = sum(r["公民身份号码"] == truth[uid[r["记录编号"]]]["id_number"] for r in rows)
    same_name = sum(r["姓名"] == truth[uid[r["记录编号"]]]["name"] for r in rows)
    assert 0.97 < same_id / len(rows) < 1.0  # noise, but not much
    assert 0.88 < same_name / len(rows) < 1.0


def test_the_promised_noise_is_there(world: SynthSummary) -> None:
    t2s = OpenCC("t2s")
    truth = {p["person_uid"]: p for p in people(world.out).to_pylist()}
    ms = {(m["source"], m["record_key"]): m["person_uid"] for m in mentions(world.out)}
    reg = read_source(world.out, "registry")
    names = [(r["姓名"], truth[ms["registry", r["记录编号"]]]["name"]) for r in reg]
    assert any(a != b and t2s.convert(a) == b for a, b in names), "traditional characters"
    assert any(a != b and t2s.convert(a) != b for a, b in names), "homophones / look-alikes"
    assert any(not ric.is_valid(r["公民身份号码"]) for r in reg), "wrong check digits"
    twice = Counter(ms["registry", r["记录编号"]] for r in reg)
    assert max(twice.values()) == 2, "someone registered twice"
    hotel = read_source(world.out, "hotel_checkins")
    assert any(r["id_no"] is None for r in hotel) and any(r["phone"] is None for r in hotel)
    subs = read_source(world.out, "telecom_subscribers")
    relative = [
        r
        for r in subs
        if r["msisdn"] not in truth[ms["telecom_subscribers", r["subscriber_id"]]]["phones"]
    ]
    assert relative, "phones registered under a relative"
    assert any(not r["cert_no"] for r in subs)
    addresses = Counter(p["address"] for p in truth.values())
    assert max(addresses.values()) >= 3, "households share an address"
    same = Counter((p["name"], p["birth_date"].year) for p in truth.values())
    assert max(same.values()) >= 2, "same common name and birth year, different people"
    air = read_source(world.out, "air_manifests")
    assert all(r["PAX_NAME"].isascii() and r["PAX_NAME"].count("/") == 1 for r in air)
    assert any(" " in r["PAX_NAME"] for r in air)
    social = read_source(world.out, "social_accounts")
    assert any(r["display_name"] and r["display_name"][0].isascii() for r in social)
    # real-name registration: every account is bound to one of its holder's own phones
    holders = [truth[ms["social_accounts", r["account_id"]]] for r in social]
    assert all(
        r["phone"] and r["phone"].removeprefix("+86") in {str(p) for p in h["phones"]}
        for r, h in zip(social, holders, strict=True)
    )
    assert any(
        r["phone"][3:] in {str(p) for p in h["phones_registered_by_relative"]}
        for r, h in zip(social, holders, strict=True)
    ), "some accounts bound to a phone registered under a relative"


def test_surname_frequencies_look_chinese() -> None:
    pop = population.build(
        np.random.default_rng(5), 20000, np.datetime64("2026-01-01"), NoiseConfig()
    )
    from docket.synth import names

    fam = Counter(names.render(names.vocab().text, pop.s).to_pylist())
    top = [s for s, _ in fam.most_common(5)]
    assert set(top[:3]) == {"王", "李", "张"}
    assert any(len(s) == 2 for s in fam), "compound surnames present"
    # The table covers the ~100 commonest surnames (about 85% of people), so shares run high.
    assert 0.06 < fam["王"] / 20000 < 0.12
    assert fam["王"] > 10 * fam["孔"]


def test_a_trip_is_followed_by_a_hotel_stay_at_the_destination(world: SynthSummary) -> None:
    con = _con(world.out)
    con.execute(
        "CREATE TABLE ap AS SELECT * FROM (VALUES "
        + ",".join(f"('{k}','{v}')" for k, v in AIRPORTS.items())
        + ") t(iata, city)"
    )
    arrivals = """
        SELECT m.person_uid, r.to_city_code AS city, strptime(r.travel_date, '%Y%m%d')::DATE AS d
        FROM rail r JOIN mentions m ON m.source = 'rail_tickets' AND m.record_key = r.ticket_no
        UNION ALL
        SELECT m.person_uid, ap.city, strptime(a.FLT_DATE, '%d%b%Y')::DATE
        FROM air a JOIN mentions m ON m.source = 'air_manifests' AND m.record_key = a.TKTNO
        JOIN ap ON ap.iata = a.ARR
    """
    total, matched = con.execute(f"""
        WITH arr AS ({arrivals}),
        h AS (SELECT m.person_uid, h.hotel_city_code AS city,
                     strptime(h.checkin_time, '%Y/%m/%d %H:%M')::DATE AS d
              FROM hotel h JOIN mentions m
                ON m.source = 'hotel_checkins' AND m.record_key = h.checkin_id)
        SELECT count(*), count(*) FILTER (WHERE EXISTS (
            SELECT 1 FROM arr WHERE arr.person_uid = h.person_uid AND arr.city = h.city
              AND h.d - arr.d BETWEEN 0 AND 1))
        FROM h
    """).fetchall()[0]
    assert total > 100
    assert matched / total > 0.97


def test_calls_go_through_towers_where_the_caller_is(world: SynthSummary) -> None:
    con = _con(world.out)
    total, same = con.execute("""
        WITH phone_user AS (SELECT person_uid, unnest(phones) AS phone FROM people),
        stays AS (SELECT m.person_uid, h.hotel_city_code AS city,
                         strptime(h.checkin_time, '%Y/%m/%d %H:%M') AS t0,
                         strptime(h.checkout_time, '%Y/%m/%d %H:%M') AS t1
                  FROM hotel h JOIN mentions m
                ON m.source = 'hotel_checkins' AND m.record_key = h.checkin_id
                  WHERE h.checkout_time IS NOT NULL)
        SELECT count(*), count(*) FILTER (WHERE tw.city_code = s.city)
        FROM cdr c JOIN phone_user u ON u.phone = c.calling
        JOIN stays s ON s.person_uid = u.person_uid
             AND strptime(c.start_time, '%Y%m%d%H%M%S') BETWEEN s.t0 AND s.t1
        JOIN towers tw ON tw.cell_id = c.cell_id
    """).fetchall()[0]
    assert total > 20
    assert same == total


def test_zero_noise_gives_clean_records(tmp_path: Path) -> None:
    quiet = NoiseConfig(**{f: 0.0 for f in NoiseConfig.__dataclass_fields__})
    s = generate(tmp_path, 300, 3, START, DAYS, noise=quiet)
    truth = {p["person_uid"]: p for p in people(s.out).to_pylist()}
    ms = {m["record_key"]: m["person_uid"] for m in mentions(s.out) if m["source"] == "registry"}
    for r in read_source(s.out, "registry"):
        p = truth[ms[r["记录编号"]]]
        assert (r["姓名"], r["公民身份号码"]) == (p["name"], p["id_number"])


def test_a_world_of_one_person_is_written(tmp_path: Path) -> None:
    s = generate(tmp_path, 1, 0, START, 3)
    assert s.rows["registry"] == 1
    assert pa.ipc is not None and (tmp_path / "truth" / "stories.json").exists()


def test_friend_circles_are_heavy_tailed_and_mostly_local() -> None:
    rng = np.random.default_rng(9)
    pop = population.build(rng, 20000, np.datetime64("2026-01-01"), NoiseConfig())
    ties = population.ties(rng, pop)
    friends = ties.kind == 2
    a, b = ties.a[friends], ties.b[friends]
    degree = np.bincount(np.concatenate([a, b]), minlength=pop.n)
    adults = degree[pop.age >= 18]
    assert np.median(adults) <= 5 and adults.max() >= 10 * np.median(adults)
    assert np.mean(pop.live_city[a] == pop.live_city[b]) > 0.8
    household = ties.kind == 0
    assert (pop.household[ties.a[household]] == pop.household[ties.b[household]]).all()
    work = ties.kind == 1
    assert (pop.workplace[ties.a[work]] == pop.workplace[ties.b[work]]).all()
