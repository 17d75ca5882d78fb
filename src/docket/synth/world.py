"""`generate`: draw a world and write its source files and ground truth."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from docket.errors import InputError
from docket.synth import assets, events, movement, names, population, stories, writers
from docket.synth import sources_events as se
from docket.synth import sources_people as sp
from docket.synth import sources_travel as stv
from docket.synth.config import NoiseConfig, SynthSummary
from docket.synth.places import cities, facilities
from docket.synth.render import Source

Progress = Callable[[str, int, int], None]

# File stem → (file name, format). The order is the order of writing and of truth/mentions.csv.
FILES: dict[str, tuple[str, str]] = {
    "registry": ("registry.csv", "csv-gb18030"),
    "telecom_subscribers": ("telecom_subscribers.csv", "csv"),
    "telecom_cdr": ("telecom_cdr.parquet", "parquet"),
    "telecom_towers": ("telecom_towers.csv", "csv"),
    "hotel_checkins": ("hotel_checkins.jsonl", "jsonl"),
    "rail_tickets": ("rail_tickets.csv", "csv"),
    "air_manifests": ("air_manifests.txt", "psv"),
    "bank_accounts": ("bank_accounts.csv", "csv"),
    "bank_transfers": ("bank_transfers.parquet", "parquet"),
    "vehicle_registry": ("vehicle_registry.csv", "csv"),
    "plate_sightings": ("plate_sightings.csv", "csv"),
    "cameras": ("cameras.csv", "csv"),
    "social_accounts": ("social_accounts.jsonl", "jsonl"),
}
PERSON_SOURCES = (
    "registry", "telecom_subscribers", "hotel_checkins", "rail_tickets", "air_manifests",
    "bank_accounts", "vehicle_registry", "social_accounts",
)  # fmt: skip
STAGES = ("people", "holdings", "trips", "stories", "events", *FILES, "truth")
MAX_DAYS = 3660


def _check(people: int, seed: int, days: int) -> None:
    if people < 1:
        raise InputError(
            "--people", f"must be at least 1, got {people}", hint="e.g. --people 20000"
        )
    if seed < 0:
        raise InputError("--seed", f"must be 0 or more, got {seed}")
    if not 1 <= days <= MAX_DAYS:
        raise InputError("--days", f"must be between 1 and {MAX_DAYS}, got {days}")


def generate(
    out: Path | str,
    people: int = 20_000,
    seed: int = 0,
    start: date = date(2026, 1, 1),
    days: int = 90,
    noise: NoiseConfig | None = None,
    progress: Progress | None = None,
) -> SynthSummary:
    """Write a world of `people` people over `days` days from `start` into `out`.

    `out/sources` and `out/truth` are replaced; nothing else in `out` is touched.
    Same arguments give byte-identical files.
    """
    _check(people, seed, days)
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise InputError(
            "--out", f"{out} exists and is not a directory", hint="choose another path"
        )
    t0 = time.perf_counter()
    noise = noise or NoiseConfig()
    say: Progress = progress or (lambda _s, _d, _t: None)
    day0 = np.datetime64(start.isoformat(), "D")

    def rng(stage: int) -> np.random.Generator:
        return np.random.default_rng([seed, stage])

    say("people", 0, len(STAGES))
    cities()
    names.vocab()
    fac = facilities(rng(1), people)
    pop = population.build(rng(2), people, day0, noise)
    ties = population.ties(rng(3), pop)
    say("holdings", 1, len(STAGES))
    ph = assets.phones(rng(4), pop, day0, noise)
    acc = assets.accounts(rng(5), pop, day0)
    veh = assets.vehicles(rng(6), pop, day0)
    so = assets.socials(rng(7), pop, day0, ph)
    email = sp.emails(rng(8), pop)
    say("trips", 2, len(STAGES))
    mv = movement.trips(rng(9), pop, days)
    say("stories", 3, len(STAGES))
    plan = stories.plan(rng(10), pop, ph, acc, veh, mv, fac, days, start.year)
    say("events", 4, len(STAGES))
    calls = events.calls(rng(11), pop, ties, ph, mv, fac, days, plan.gone_after)
    tr = events.transfers(rng(12), pop, ties, acc, days, plan.gone_after)
    movement.concat(tr, plan.transfers)
    si = events.sightings(rng(13), pop, veh, mv, fac, days, plan.gone_after)
    movement.concat(si, plan.sightings)
    mv.stays.checkout = np.where(
        (mv.stays.checkout >= 0) & (mv.stays.checkout > plan.gone_after[mv.stays.person]),
        -1,
        mv.stays.checkout,
    )

    builders: dict[str, Callable[[], Source]] = {
        "registry": lambda: sp.registry(rng(20), pop, day0, noise),
        "telecom_subscribers": lambda: sp.telecom_subscribers(rng(21), pop, ph, day0, noise),
        "telecom_cdr": lambda: se.telecom_cdr(rng(22), calls, ph, fac, day0),
        "telecom_towers": lambda: se.telecom_towers(fac),
        "hotel_checkins": lambda: stv.hotel_checkins(rng(23), pop, mv.stays, ph, fac, day0, noise),
        "rail_tickets": lambda: stv.rail_tickets(rng(24), pop, mv.legs, ph, day0, noise),
        "air_manifests": lambda: stv.air_manifests(rng(25), pop, mv.legs, ph, day0, noise),
        "bank_accounts": lambda: sp.bank_accounts(rng(26), pop, acc, ph, noise),
        "bank_transfers": lambda: se.bank_transfers(tr, acc, day0),
        "vehicle_registry": lambda: sp.vehicle_registry(rng(27), pop, veh, ph, noise),
        "plate_sightings": lambda: se.plate_sightings(rng(28), si, veh, fac, day0, noise),
        "cameras": lambda: se.cameras(fac),
        "social_accounts": lambda: sp.social_accounts(rng(29), pop, so, ph, email, day0, noise),
    }
    src_dir, truth_dir = out / "sources", out / "truth"
    for d in (src_dir, truth_dir):
        if d.exists():
            shutil.rmtree(d)
        d.mkdir(parents=True)
    summary = SynthSummary(out=out, people=people, seed=seed, start=start, days=days)
    uid = pop.uid()
    mention_parts: list[pa.Table] = []
    story_records: dict[int, list[dict[str, str]]] = {k: [] for k in plan.meta}
    for i, (stem, build) in enumerate(builders.items()):
        say(stem, 5 + i, len(STAGES))
        src = writers.finalize(rng(40 + i), build())
        _write(src, src_dir / FILES[stem][0], FILES[stem][1])
        summary.rows[stem] = src.table.num_rows
        key_col = src.key_column or src.table.column_names[0]
        if src.tag is not None and src.tag.any():
            col = src.table[key_col]
            for tag in story_records:
                for k in pc.filter(col, pa.array(src.tag == tag)).to_pylist():
                    story_records[tag].append({"source": stem, "record_key": k})
        if stem in PERSON_SOURCES and src.person is not None:
            mention_parts.append(
                pa.table(
                    {
                        "source": pa.repeat(stem, src.table.num_rows),
                        "record_key": src.table[key_col].combine_chunks(),
                        "person_uid": pc.take(uid, pa.array(src.person)),
                    }
                )
            )
        del src
    say("truth", len(STAGES) - 1, len(STAGES))
    mentions = pa.concat_tables(mention_parts)
    writers.write_csv(mentions, truth_dir / "mentions.csv")
    summary.mentions = mentions.num_rows
    writers.write_parquet(_people_table(pop, ph, acc, veh, so, email), truth_dir / "people.parquet")
    doc = _stories_doc(plan, story_records, ph, acc, veh, day0, start, days, seed)
    (truth_dir / "stories.json").write_text(
        json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    summary.stories = [s["kind"] for s in doc["stories"]]
    summary.seconds = time.perf_counter() - t0
    say("done", len(STAGES), len(STAGES))
    return summary


def _write(src: Source, path: Path, fmt: str) -> None:
    if fmt == "csv":
        writers.write_csv(src.table, path)
    elif fmt == "csv-gb18030":
        writers.write_csv(src.table, path, encoding="gb18030")
    elif fmt == "psv":
        writers.write_csv(src.table, path, delimiter="|")
    elif fmt == "jsonl":
        writers.write_jsonl(src.table, path)
    else:
        writers.write_parquet(src.table, path)


def _lists(count: np.ndarray, values: pa.Array) -> pa.Array:
    """One list per person from values sorted by person and per-person counts."""
    offsets = np.concatenate([[0], np.cumsum(count)]).astype(np.int32)
    return pa.ListArray.from_arrays(pa.array(offsets), values)


def _people_table(
    pop: population.Population,
    ph: assets.Phones,
    acc: assets.Accounts,
    veh: assets.Vehicles,
    so: assets.Socials,
    email: pa.Array,
) -> pa.Table:
    v = names.vocab()
    c = cities()
    phone_str = pc.cast(pa.array(ph.number), pa.string())
    by_rel = ph.registrant != ph.user.holder
    rel_count = np.bincount(ph.user.holder[by_rel], minlength=pop.n)
    platform = pc.take(pa.array(list(assets.PLATFORMS)), pa.array(so.platform))
    social_ids = pc.binary_join_element_wise(
        platform, ":", pc.cast(pa.array(so.number), pa.string()), ""
    )
    return pa.table(
        {
            "person_uid": pop.uid(),
            "name": names.hanzi(pop.s, pop.g1, pop.g2),
            "family_name": names.render(v.text, pop.s),
            "given_name": names.join(names.render(v.text, pop.g1), names.render(v.text, pop.g2)),
            "name_pinyin": names.truth_pinyin(pop.s, pop.g1, pop.g2),
            "sex": pc.if_else(pa.array(pop.male), "M", "F"),
            "birth_date": pa.array(pop.birth, type=pa.date32()),
            "id_number": pop.id_strings(),
            "passport": pop.passport,
            "region_code": pc.cast(pa.array(pop.area_code), pa.string()),
            "registered_county": pa.array(pop.county_code.astype(object), type=pa.string()),
            "hukou_city": pa.array(c.code[pop.hukou_city].astype(object), type=pa.string()),
            "home_city": pa.array(c.code[pop.live_city].astype(object), type=pa.string()),
            "address": pop.hukou_address,
            "live_address": pop.live_address,
            "household_id": pc.binary_join_element_wise(
                "H", pc.utf8_lpad(pc.cast(pa.array(pop.household + 1), pa.string()), 9, "0"), ""
            ),
            "household_role": pc.take(pa.array(["head", "spouse", "child"]), pa.array(pop.role)),
            "workplace_id": pc.if_else(
                pa.array(pop.workplace >= 0),
                pc.binary_join_element_wise(
                    "W", pc.utf8_lpad(pc.cast(pa.array(pop.workplace + 1), pa.string()), 7, "0"), ""
                ),
                pa.scalar(None, pa.string()),
            ),
            "phones": _lists(ph.user.count, phone_str),
            "phones_registered_by_relative": _lists(
                rel_count, pc.filter(phone_str, pa.array(by_rel))
            ),
            "accounts": _lists(acc.holder.count, acc.number),
            "plates": _lists(veh.owner.count, veh.plate),
            "social_accounts": _lists(so.holder.count, social_ids),
            "email": email,
        }
    )


def _stories_doc(
    plan: stories.Plan,
    records: dict[int, list[dict[str, str]]],
    ph: assets.Phones,
    acc: assets.Accounts,
    veh: assets.Vehicles,
    day0: np.datetime64,
    start: date,
    days: int,
    seed: int,
) -> dict[str, Any]:
    out = []
    for tag, meta in sorted(plan.meta.items()):
        m = dict(meta)
        if "relative_phone_index" in m:
            m["relative_phone"] = str(ph.number[m.pop("relative_phone_index")])
        if "collector_account_index" in m:
            m["collector_account"] = acc.number[m.pop("collector_account_index")].as_py()
            m["mule_accounts"] = [acc.number[i].as_py() for i in m.pop("mule_account_indexes")]
        if "vehicle_index" in m:
            m["plate"] = veh.plate[m.pop("vehicle_index")].as_py()
        if "last_seen_time_offset_s" in m:
            t = day0.astype("datetime64[s]") + np.timedelta64(
                int(m.pop("last_seen_time_offset_s")), "s"
            )
            m["last_seen_time"] = str(t).replace("T", " ")
        m["records"] = sorted(records.get(tag, []), key=lambda r: (r["source"], r["record_key"]))
        out.append(m)
    return {"seed": seed, "start": start.isoformat(), "days": days, "stories": out}
