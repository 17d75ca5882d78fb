"""Event sources (no person names): call records, towers, transfers, plate reads, cameras."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from docket.synth import ids
from docket.synth import render as r
from docket.synth.assets import Accounts, Phones, Vehicles
from docket.synth.config import NoiseConfig
from docket.synth.events import Calls, Sightings, Transfers
from docket.synth.places import Facilities

_MISREADS = (("8", "B"), ("0", "D"), ("1", "7"), ("5", "6"), ("2", "Z"), ("B", "8"))


def _by_time(t: np.ndarray, *tie: np.ndarray) -> np.ndarray:
    return np.lexsort((*tie[::-1], t))


def telecom_cdr(
    rng: np.random.Generator, calls: Calls, ph: Phones, fac: Facilities, start: np.datetime64
) -> r.Source:
    """Call-detail records in time order."""
    o = _by_time(calls.t, calls.calling, calls.called)
    n = len(o)
    called = ids.fmt_int(ph.number[calls.called[o]])
    called = pc.if_else(
        pa.array(rng.random(n) < 0.1), pc.binary_join_element_wise("86", called, ""), called
    )
    table = pa.table(
        {
            "cdr_id": r.keys("C", n, 12, 1),
            "call_type": pc.if_else(pa.array(calls.sms[o]), "SMS", "MOC"),
            "calling": ids.fmt_int(ph.number[calls.calling[o]]),
            "called": called,
            "start_time": r.fmt_time(start, calls.t[o], "%Y%m%d%H%M%S"),
            "duration": pa.array(calls.duration[o], type=pa.int32()),
            "cell_id": pc.take(fac.towers["cell_id"], pa.array(calls.tower[o])),
        }
    )
    return r.Source("telecom_cdr", table, None, tag=calls.tag[o], shuffle=False)


def telecom_towers(fac: Facilities) -> r.Source:
    """The tower table."""
    return r.Source("telecom_towers", fac.towers, None, shuffle=False)


def bank_transfers(tr: Transfers, acc: Accounts, start: np.datetime64) -> r.Source:
    """Transfers in time order; amounts as decimal128(14, 2)."""
    o = _by_time(tr.t, tr.debit, tr.credit)
    n = len(o)
    fen = tr.fen[o].astype(np.int64)
    words = np.empty(2 * n, np.int64)
    words[0::2], words[1::2] = fen, np.where(fen < 0, -1, 0)
    amount = pa.Array.from_buffers(pa.decimal128(14, 2), n, [None, pa.py_buffer(words.tobytes())])
    table = pa.table(
        {
            "txn_id": r.keys("T", n, 14, 20260000000000),
            "txn_time": r.ts(start, tr.t[o]),
            "debit_account": pc.take(acc.number, pa.array(tr.debit[o])),
            "credit_account": pc.take(acc.number, pa.array(tr.credit[o])),
            "amount": amount,
            "currency": pa.repeat("CNY", n),
            "channel": pc.take(
                pa.array(["MOBILE", "ONLINE", "ATM", "COUNTER"]), pa.array(tr.channel[o])
            ),
        }
    )
    return r.Source("bank_transfers", table, None, tag=tr.tag[o], shuffle=False)


def plate_sightings(
    rng: np.random.Generator,
    si: Sightings,
    veh: Vehicles,
    fac: Facilities,
    start: np.datetime64,
    noise: NoiseConfig,
) -> r.Source:
    """Camera reads in time order; a few plates misread by one character."""
    o = _by_time(si.t, si.camera, si.vehicle)
    n = len(o)
    plate = pc.take(veh.plate, pa.array(si.vehicle[o]))
    misread = (rng.random(n) < noise.plate_misread) & (si.tag[o] == 0)
    which = rng.integers(0, len(_MISREADS), n)
    head, body = pc.utf8_slice_codeunits(plate, 0, 2), pc.utf8_slice_codeunits(plate, 2, 10)
    for i, (a, b) in enumerate(_MISREADS):
        m = pa.array(misread & (which == i))
        changed = pc.binary_join_element_wise(
            head, pc.replace_substring(body, a, b, max_replacements=1), ""
        )
        plate = pc.if_else(m, changed, plate)
    table = pa.table(
        {
            "sighting_id": r.keys("LPR", n, 11, 1),
            "camera_id": pc.take(fac.cameras["camera_id"], pa.array(si.camera[o])),
            "plate": plate,
            "pass_time": r.fmt_time(start, si.t[o], "%Y-%m-%d %H:%M:%S"),
            "direction": r.pick(rng, ("E", "W", "S", "N"), n),
            "speed_kmh": pa.array(rng.integers(15, 80, n), type=pa.int32()),
        }
    )
    return r.Source("plate_sightings", table, None, tag=si.tag[o], shuffle=False)


def cameras(fac: Facilities) -> r.Source:
    """The camera table."""
    return r.Source("cameras", fac.cameras, None, shuffle=False)
