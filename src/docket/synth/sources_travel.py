"""Travel sources: hotel check-ins (JSON lines), rail tickets, air manifests."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from docket.synth import ids, spelling
from docket.synth import render as r
from docket.synth.assets import Phones
from docket.synth.config import NoiseConfig
from docket.synth.movement import AIR, RAIL, Legs, Stays
from docket.synth.places import CARRIERS, Facilities, cities, pick_in_city
from docket.synth.population import Population

_PNR_CHARS = np.frombuffer(b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789", dtype=np.uint8)


def _parties(party: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """Dense party index per row, and the first row of each party."""
    _, first, inv = np.unique(party, return_index=True, return_inverse=True)
    return inv.reshape(-1), first, len(first)


def _contact(
    rng: np.random.Generator,
    ph: Phones,
    person: np.ndarray,
    forced: np.ndarray,
    noise: NoiseConfig,
    variants: bool,
) -> pa.Array:
    own = np.where(ph.user.count[person] > 0, ph.user.start[person], -1)
    idx = np.where(forced >= 0, forced, own)
    return r.phone_strings(
        rng, ph.number, idx, noise, variants, noise.phone_missing, keep=forced >= 0
    )


def _passport_or_id(
    rng: np.random.Generator,
    pop: Population,
    person: np.ndarray,
    noise: NoiseConfig,
    forced: np.ndarray,
    p_passport: float,
) -> tuple[np.ndarray, pa.Array]:
    """(uses passport per row, document number)."""
    pp = pc.take(pop.passport, pa.array(person))
    use_pp = (np.asarray(pp.is_valid())) & (rng.random(len(person)) < p_passport) & (forced < 0)
    idn = r.id_numbers(rng, pop, person, noise, forced)
    return use_pp, pc.if_else(pa.array(use_pp), pp, idn)


def hotel_checkins(
    rng: np.random.Generator,
    pop: Population,
    st: Stays,
    ph: Phones,
    fac: Facilities,
    start: np.datetime64,
    noise: NoiseConfig,
) -> r.Source:
    """One row per guest per stay; a party shares a hotel (and a room when it is a family)."""
    inv, first, k = _parties(st.party)
    hotel = pick_in_city(rng, st.city[first], fac.hotel_start, fac.hotel_n)[inv]
    room = (rng.integers(2, 21, k) * 100 + rng.integers(1, 30, k))[inv]
    room = np.where(st.shared_room, room, room + st.member)
    use_pp, doc = _passport_or_id(rng, pop, st.person, noise, st.id_kind, 0.03)
    phone = _contact(rng, ph, st.person, st.phone, noise, True)
    phone = pc.if_else(
        pa.array(st.shared_room & (st.member > 0)), pa.scalar(None, pa.string()), phone
    )
    h = fac.hotels
    hi = pa.array(hotel)
    table = pa.table(
        {
            "hotel_id": pc.take(h["hotel_id"], hi),
            "hotel_name": pc.take(h["hotel_name"], hi),
            "hotel_city_code": pc.take(pa.array(cities().code.astype(str)), pc.take(h["city"], hi)),
            "hotel_lat": pc.take(h["lat"], hi),
            "hotel_lon": pc.take(h["lon"], hi),
            "guest_name": r.hanzi_names(rng, pop, st.person, noise, st.name_kind),
            "id_type": pc.if_else(pa.array(use_pp), "93", "11"),
            "id_no": doc,
            "phone": phone,
            "room": ids.fmt_int(room),
            "checkin_time": r.fmt_time(start, st.checkin, "%Y/%m/%d %H:%M"),
            "checkout_time": r.fmt_time(start, st.checkout, "%Y/%m/%d %H:%M"),
        }
    )
    return r.Source(
        "hotel_checkins", table, "checkin_id", st.person, st.tag, key_prefix="HT", key_width=10
    )


def rail_tickets(
    rng: np.random.Generator,
    pop: Population,
    lg: Legs,
    ph: Phones,
    start: np.datetime64,
    noise: NoiseConfig,
) -> r.Source:
    """One row per passenger per rail leg; a party shares a booking, a car and adjacent seats."""
    m = lg.mode == RAIL
    person, party, member = lg.person[m], lg.party[m], lg.member[m]
    src, dst, dep, arr = lg.src[m], lg.dst[m], lg.depart[m], lg.arrive[m]
    c = cities()
    inv, _, k = _parties(party)
    d = c.dist_km[src, dst]
    hour = (dep % 86400) // 3600
    letter = np.where(d >= 200, 0, np.where(d >= 80, 1, 2))
    number = 1 + (src * 37 + dst * 11 + hour * 7) % 8999
    train = pc.binary_join_element_wise(
        pc.take(pa.array(["G", "D", "K"]), pa.array(letter)), ids.fmt_int(number), ""
    )
    car = ids.fmt_int(rng.integers(1, 17, k)[inv], 2)
    row = rng.integers(1, 19, k)[inv]
    seat_letter = (rng.integers(0, 5, k)[inv] + member) % 5
    seat = pc.binary_join_element_wise(
        ids.fmt_int(row + (rng.integers(0, 5, k)[inv] + member) // 5),
        pc.take(pa.array(list("ABCDF")), pa.array(seat_letter)),
        "",
    )
    booking = pc.binary_join_element_wise(
        "EB", ids.fmt_int(ids.unique_numbers(rng, k, 10**7, 10**8)[inv]), ""
    )
    use_pp, doc = _passport_or_id(rng, pop, person, noise, lg.id_kind[m], 0.02)
    stations = pa.array(c.station)
    codes = pa.array(c.code.astype(str))
    table = pa.table(
        {
            "booking_ref": booking,
            "passenger_name": r.hanzi_names(rng, pop, person, noise, lg.name_kind[m]),
            "id_type": pc.if_else(pa.array(use_pp), "B", "1"),
            "id_no": doc,
            "phone": _contact(rng, ph, person, lg.phone[m], noise, False),
            "train_no": train,
            "travel_date": r.fmt_time(start, dep, "%Y%m%d"),
            "depart_time": r.fmt_time(start, dep, "%H:%M"),
            "arrive_time": r.fmt_time(start, arr, "%H:%M"),
            "from_station": pc.take(stations, pa.array(src)),
            "to_station": pc.take(stations, pa.array(dst)),
            "from_city_code": pc.take(codes, pa.array(src)),
            "to_city_code": pc.take(codes, pa.array(dst)),
            "car": car,
            "seat": seat,
        }
    )
    return r.Source(
        "rail_tickets", table, "ticket_no", person, lg.tag[m], key_prefix="E", key_width=10
    )


def air_manifests(
    rng: np.random.Generator,
    pop: Population,
    lg: Legs,
    ph: Phones,
    start: np.datetime64,
    noise: NoiseConfig,
) -> r.Source:
    """One row per passenger per flight; a party shares a PNR and adjacent seats."""
    m = lg.mode == AIR
    person, party, member = lg.person[m], lg.party[m], lg.member[m]
    src, dst, dep = lg.src[m], lg.dst[m], lg.depart[m]
    c = cities()
    inv, _, k = _parties(party)
    pnr_num = ids.unique_numbers(rng, k, 0, 32**6)
    pnr_chars = _PNR_CHARS[(pnr_num[:, None] // 32 ** np.arange(5, -1, -1)) % 32]
    pnr = pc.take(ids.ascii_strings(pnr_chars), pa.array(inv))
    carrier = pc.take(pa.array(list(CARRIERS)), pa.array((src * 7 + dst) % len(CARRIERS)))
    flt = pc.binary_join_element_wise(carrier, ids.fmt_int(1000 + (src * 53 + dst * 29) % 8999), "")
    row = rng.integers(10, 46, k)[inv]
    base = rng.integers(0, 6, k)[inv] + member
    seat = pc.binary_join_element_wise(
        ids.fmt_int(row + base // 6), pc.take(pa.array(list("ABCJKL")), pa.array(base % 6)), ""
    )
    use_pp, doc = _passport_or_id(rng, pop, person, noise, lg.id_kind[m], 0.3)
    airports = pa.array(c.airport.astype(str))
    table = pa.table(
        {
            "PNR": pnr,
            "PAX_NAME": spelling.manifest_names(
                rng, pop.s[person], pop.g1[person], pop.g2[person], noise
            ),
            "DOC_TYPE": pc.if_else(pa.array(use_pp), "PP", "NI"),
            "DOC_NO": doc,
            "FLT": flt,
            "DEP": pc.take(airports, pa.array(src)),
            "ARR": pc.take(airports, pa.array(dst)),
            "FLT_DATE": pc.utf8_upper(r.fmt_time(start, dep, "%d%b%Y")),
            "STD": r.fmt_time(start, dep, "%H%M"),
            "SEAT": seat,
            "CABIN": pc.take(
                pa.array(["Y", "C", "F"]), pa.array(rng.choice(3, k, p=[0.9, 0.08, 0.02])[inv])
            ),
            "CTC_PHONE": _contact(rng, ph, person, lg.phone[m], noise, False),
        }
    )
    return r.Source(
        "air_manifests", table, "TKTNO", person, lg.tag[m], key_prefix="784", key_width=10
    )
