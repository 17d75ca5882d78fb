"""Person sources: registry, telecom subscribers, bank accounts, vehicles, social media."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from docket.synth import ids, names, spelling
from docket.synth import render as r
from docket.synth.assets import (
    BANKS,
    COLOURS,
    MAKES,
    PLATFORMS,
    Accounts,
    Phones,
    Socials,
    Vehicles,
)
from docket.synth.config import NoiseConfig
from docket.synth.places import ROADS, cities
from docket.synth.population import HEAD, SPOUSE, Population


def registry(
    rng: np.random.Generator, pop: Population, start: np.datetime64, noise: NoiseConfig
) -> r.Source:
    """户籍: everyone once, a few twice (a second record with its own spelling)."""
    dup = np.flatnonzero(rng.random(pop.n) < noise.duplicate_registration)
    person = np.concatenate([np.arange(pop.n), dup])
    n = len(person)
    relation = np.where(
        pop.role[person] == HEAD,
        0,
        np.where(pop.role[person] == SPOUSE, 1, np.where(pop.male[person], 2, 3)),
    )
    earliest = np.maximum(pop.birth[person], start - np.timedelta64(25 * 365, "D"))
    span = np.maximum((start - earliest).astype(np.int64), 1)
    registered = earliest + (rng.random(n) * span).astype("timedelta64[D]")
    table = pa.table(
        {
            "姓名": r.hanzi_names(rng, pop, person, noise),
            "性别": pc.take(pa.array(["女", "男"]), pa.array(pop.male[person].astype(np.int8))),
            "出生日期": r.fmt_date(pop.birth[person], "%Y-%m-%d"),
            "公民身份号码": r.id_numbers(rng, pop, person, noise, missing=False),
            "户号": pc.binary_join_element_wise("H", ids.fmt_int(pop.household[person] + 1, 9), ""),
            "与户主关系": pc.take(pa.array(["户主", "配偶", "子", "女"]), pa.array(relation)),
            "户籍地址": pc.take(pop.hukou_address, pa.array(person)),
            "户籍地区划代码": pa.array(pop.county_code[person].astype(object), type=pa.string()),
            "登记日期": r.fmt_date(registered, "%Y-%m-%d"),
        }
    )
    return r.Source("registry", table, "记录编号", person, key_prefix="R", key_width=9)


def telecom_subscribers(
    rng: np.random.Generator, pop: Population, ph: Phones, start: np.datetime64, noise: NoiseConfig
) -> r.Source:
    """One row per SIM, in the name of whoever registered it."""
    reg = ph.registrant
    n = len(reg)
    head = pop.hh_start[pop.household[reg]]
    other = np.where(reg == head, np.minimum(head + 1, pop.n - 1), head)
    other = np.where(pop.household[other] == pop.household[reg], other, reg)
    u = rng.random(n)
    no_cert = u < noise.no_cert
    other_id = (u >= noise.no_cert) & (u < noise.no_cert + noise.other_id)
    cert = r.id_numbers(rng, pop, np.where(other_id, other, reg), noise, missing=False)
    cert = pc.if_else(pa.array(no_cert), pa.scalar(None, pa.string()), cert)
    table = pa.table(
        {
            "msisdn": ids.fmt_int(ph.number),
            "cust_name": r.hanzi_names(rng, pop, reg, noise),
            "cert_type": pc.if_else(
                pa.array(no_cert), pa.scalar(None, pa.string()), pa.repeat("01", n)
            ),
            "cert_no": cert,
            "activate_date": r.fmt_date(ph.activated, "%Y%m%d"),
            "address": r.maybe_null(
                rng, pc.take(pop.live_address, pa.array(reg)), noise.address_missing
            ),
            "status": r.pick(rng, ("ACTIVE", "SUSPENDED"), n, [0.97, 0.03]),
        }
    )
    return r.Source(
        "telecom_subscribers", table, "subscriber_id", reg, key_prefix="SUB", key_width=10
    )


def bank_accounts(
    rng: np.random.Generator, pop: Population, acc: Accounts, ph: Phones, noise: NoiseConfig
) -> r.Source:
    """One row per account."""
    c = cities()
    holder = acc.holder.holder
    n = len(holder)
    short = pc.take(pa.array(c.short), pa.array(pop.live_city[holder]))
    road = r.pick(rng, ROADS, n)
    primary = np.where(ph.user.count[holder] > 0, ph.user.start[holder], -1)
    table = pa.table(
        {
            "账号": acc.number,
            "开户行": pc.take(pa.array([b for b, _ in BANKS]), pa.array(acc.bank)),
            "开户网点": pc.binary_join_element_wise(short, road, "支行", ""),
            "户名": r.hanzi_names(rng, pop, holder, noise),
            "证件类型": pa.repeat("身份证", n),
            "证件号码": r.id_numbers(rng, pop, holder, noise),
            "开户日期": r.fmt_date(acc.opened, "%Y/%m/%d"),
            "预留手机号": r.phone_strings(
                rng, ph.number, primary, noise, False, noise.phone_missing
            ),
            "账户状态": r.pick(rng, ("正常", "冻结"), n, [0.98, 0.02]),
        }
    )
    return r.Source("bank_accounts", table, "账号", holder, shuffle=True)


def vehicle_registry(
    rng: np.random.Generator, pop: Population, veh: Vehicles, ph: Phones, noise: NoiseConfig
) -> r.Source:
    """Motor-vehicle registry with traffic-police field codes."""
    owner = veh.owner.holder
    n = len(owner)
    primary = np.where(ph.user.count[owner] > 0, ph.user.start[owner], -1)
    table = pa.table(
        {
            "HPHM": veh.plate,
            "HPZL": pc.if_else(pa.array(veh.new_energy), "52", "02"),
            "CLPP1": pc.take(pa.array([m for m, _ in MAKES]), pa.array(veh.make)),
            "CLXH": pc.take(pa.array([m for _, m in MAKES]), pa.array(veh.make)),
            "CSYS": pc.take(pa.array(list(COLOURS)), pa.array(veh.colour)),
            "SYR": r.hanzi_names(rng, pop, owner, noise),
            "SFZMMC": pa.repeat("A", n),
            "SFZMHM": r.id_numbers(rng, pop, owner, noise),
            "ZSXXDZ": r.maybe_null(
                rng, pc.take(pop.live_address, pa.array(owner)), noise.address_missing
            ),
            "LXDH": r.phone_strings(rng, ph.number, primary, noise, False, noise.phone_missing),
            "CCDJRQ": r.fmt_date(veh.registered, "%Y-%m-%d"),
        }
    )
    return r.Source("vehicle_registry", table, "XH", owner, key_prefix="V", key_width=12)


def emails(rng: np.random.Generator, pop: Population) -> pa.Array:
    """A personal e-mail for about a third of the people from 14 (null otherwise)."""
    v = names.vocab()
    local = names.join(names.render(v.py, pop.s), names.given_pinyin(v.py, pop.g1, pop.g2))
    digits = pc.cast(pa.array(rng.integers(1, 9999, pop.n)), pa.string())
    domain = r.pick(rng, ("qq.com", "163.com", "126.com", "sina.com", "foxmail.com"), pop.n)
    mail = pc.binary_join_element_wise(local, digits, "@", domain, "")
    has = (pop.age >= 14) & (rng.random(pop.n) < 0.35)
    return pc.if_else(pa.array(has), mail, pa.scalar(None, pa.string()))


def social_accounts(
    rng: np.random.Generator,
    pop: Population,
    so: Socials,
    ph: Phones,
    email: pa.Array,
    start: np.datetime64,
    noise: NoiseConfig,
) -> r.Source:
    """Registrations only: platform, handle, display name, bound phone, optional e-mail."""
    holder = so.holder.holder
    n = len(holder)
    s, g1, g2 = pop.s[holder], pop.g1[holder], pop.g2[holder]
    hanzi = r.hanzi_names(rng, pop, holder, noise)
    latin = spelling.free_pinyin(rng, s, g1, g2)
    nick = r.pick(rng, names.NICKNAMES, n)
    display = pc.if_else(
        pa.array(so.mode == 0), hanzi, pc.if_else(pa.array(so.mode == 1), latin, nick)
    )
    phone_raw = r.phone_strings(rng, ph.number, so.phone, noise, False, 0.0)  # never null
    phone = pc.binary_join_element_wise("+86", phone_raw, "")
    mail = pc.take(email, pa.array(holder))
    mail = pc.if_else(pa.array(rng.random(n) < 0.6), mail, pa.scalar(None, pa.string()))
    platform = pc.take(pa.array(list(PLATFORMS)), pa.array(so.platform))
    account_id = pc.binary_join_element_wise(platform, ":", ids.fmt_int(so.number), "")
    table = pa.table(
        {
            "account_id": account_id,
            "platform": platform,
            "handle": spelling.handles(rng, s, g1, g2, so.number),
            "display_name": display,
            "phone": phone,
            "email": mail,
            "registered_at": pc.strftime(
                pa.array(so.registered, type=pa.timestamp("s")), format="%Y-%m-%dT%H:%M:%S+08:00"
            ),
        }
    )
    return r.Source("social_accounts", table, "account_id", holder)
