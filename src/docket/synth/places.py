"""Places of the world: cities (from the reference regions), counties valid for ID numbers,
airports, stations, hotels, cell towers and plate cameras."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from stdnum import numdb

from docket.reference import regions

# Most residents live in one province: the world is "a province and the country around it".
HOME_PROVINCE = "440000"
HOME_SHARE = 0.6
BIG_CITIES = {"110100", "310100", "440100", "440300", "500100", "510100"}
FIRST_YEAR = 1925  # earliest birth year the generator produces

PROVINCE_ABBR = {
    "11": "京", "12": "津", "13": "冀", "14": "晋", "15": "蒙", "21": "辽", "22": "吉", "23": "黑",
    "31": "沪", "32": "苏", "33": "浙", "34": "皖", "35": "闽", "36": "赣", "37": "鲁", "41": "豫",
    "42": "鄂", "43": "湘", "44": "粤", "45": "桂", "46": "琼", "50": "渝", "51": "川", "52": "贵",
    "53": "云", "54": "藏", "61": "陕", "62": "甘", "63": "青", "64": "宁", "65": "新",
}  # fmt: skip

# Provinces split off late: older birth years take the code of the province they left.
_OLDER_PROVINCE = {"46": "440000", "50": "510000"}

# IATA code → prefecture code (one main airport per city).
AIRPORTS = {
    "PEK": "110100", "TSN": "120100", "SJW": "130100", "TYN": "140100", "HET": "150100",
    "BAV": "150200", "SHE": "210100", "DLC": "210200", "CGQ": "220100", "HRB": "230100",
    "PVG": "310100", "NKG": "320100", "WUX": "320200", "XUZ": "320300", "HGH": "330100",
    "NGB": "330200", "WNZ": "330300", "HFE": "340100", "FOC": "350100", "XMN": "350200",
    "JJN": "350500", "KHN": "360100", "KOW": "360700", "TNA": "370100", "TAO": "370200",
    "YNT": "370600", "WEH": "371000", "LYI": "371300", "CGO": "410100", "LYA": "410300",
    "WUH": "420100", "YIH": "420500", "XFN": "420600", "CSX": "430100", "CAN": "440100",
    "SZX": "440300", "ZUH": "440400", "SWA": "440500", "ZHA": "440800", "NNG": "450100",
    "KWL": "450300", "LZH": "450200", "HAK": "460100", "SYX": "460200", "CKG": "500100",
    "CTU": "510100", "MIG": "510700", "KWE": "520100", "ZYI": "520300", "KMG": "530100",
    "LXA": "540100", "XIY": "610100", "LHW": "620100", "XNN": "630100", "INC": "640100",
    "URC": "650100", "KRY": "650200",
}  # fmt: skip
CARRIERS = ("CA", "MU", "CZ", "HU", "3U", "ZH", "MF", "SC")

ROADS = (
    "人民", "解放", "建设", "中山", "和平", "新华", "胜利", "文化", "青年", "长江", "黄河", "朝阳",
    "东风", "幸福", "光明", "建国", "民主", "友谊", "滨江", "环城", "工业", "科技", "学府", "花园",
    "新城", "迎宾", "金融", "体育", "公园", "春晖",
)  # fmt: skip
HOTEL_BRANDS = (
    "如家",
    "汉庭",
    "锦江之星",
    "7天",
    "全季",
    "维也纳",
    "亚朵",
    "格林豪泰",
    "城市便捷",
    "宜必思",
)
STATION_SUFFIX = ("", "南", "北", "东", "西")


@dataclass(frozen=True)
class Cities:
    """The prefecture-level cities, indexed 0..k-1 everywhere in the generator."""

    code: np.ndarray  # str codes
    name: list[str]
    short: list[str]  # without 市
    province_code: np.ndarray
    province_name: list[str]
    lat: np.ndarray
    lon: np.ndarray
    weight: np.ndarray  # share of residents
    plate_prefix: list[str]  # 粤B
    station: list[str]  # 深圳北
    airport: np.ndarray  # IATA or ''
    county_code: np.ndarray  # (k, m) candidate county codes per city ('' = none)
    county_name: np.ndarray  # (k, m)
    county_from: np.ndarray  # (k, m) first birth year the code is valid for
    county_n: np.ndarray  # (k,)
    fallback_code: np.ndarray  # (k,) an area code valid for every birth year
    city_from: np.ndarray  # (k,) first birth year the prefecture's own code is valid for
    fallback_name: list[str]
    dist_km: np.ndarray  # (k, k)


def _valid_from(code: str) -> int | None:
    """First year a GB/T 2260 code is valid in python-stdnum's table (None: not valid now)."""
    info = {k: v for _, p in numdb.get("cn/loc").info(code) for k, v in p.items()}
    if "county" not in info:
        return None
    first: int | None = None
    for span in info["county"].split(","):
        m = re.match(r"^\[(\d*)-(\d*)\]", span)
        if not m:
            return FIRST_YEAR
        start, end = m.groups()
        if end:
            continue
        first = int(start) if start else FIRST_YEAR
    return first


@cache
def cities() -> Cities:
    """Load the prefectures and their counties from the reference table."""
    reg = regions().to_pylist()
    prov_name = {r["code"]: r["name"] for r in reg if r["level"] == "province"}
    prefs = [r for r in reg if r["level"] == "prefecture"]
    counties: dict[str, list[tuple[str, str]]] = {}
    for r in reg:
        if r["level"] == "county":
            counties.setdefault(r["parent_code"], []).append((r["code"], r["name"]))
    k = len(prefs)
    m = max(len(v) for v in counties.values())
    ccode = np.full((k, m), "", dtype=object)
    cname = np.full((k, m), "", dtype=object)
    cfrom = np.full((k, m), 9999, dtype=np.int32)
    cn = np.zeros(k, dtype=np.int32)
    fallback, fallback_name = [], []
    letter_count: dict[str, int] = {}
    plate, station = [], []
    for i, p in enumerate(prefs):
        known = [(c, n, _valid_from(c)) for c, n in counties.get(p["code"], [])]
        usable = [(c, n, f) for c, n, f in known if f is not None and f <= 2010]
        for j, (c, n, f) in enumerate(usable):
            ccode[i, j], cname[i, j], cfrom[i, j] = c, n, f
        cn[i] = len(usable)
        always = [(c, n) for c, n, f in usable if f <= FIRST_YEAR]
        if not always and _valid_from(p["code"]) == FIRST_YEAR:
            always = [(p["code"], "")]
        if not always:  # a young city: people born before it get a county of its province
            always = [
                (c, n)
                for pc_, lst in sorted(counties.items())
                if pc_[:2] == p["code"][:2]
                for c, n in lst
                if _valid_from(c) == FIRST_YEAR
            ] or [(p["parent_code"], "")]
            if _valid_from(always[0][0]) != FIRST_YEAR:  # provinces created late
                always = [(_OLDER_PROVINCE[p["code"][:2]], "")]
        fallback.append(always[0][0])
        fallback_name.append(always[0][1])
        prov = p["parent_code"][:2]
        idx = letter_count.get(prov, 0)
        letter_count[prov] = idx + 1
        plate.append(PROVINCE_ABBR[prov] + "ABCDEFGHJKLMNPQRSTUVWXYZ"[idx])
        short = p["name"].removesuffix("市")
        station.append(short + STATION_SUFFIX[int(p["code"]) // 100 % len(STATION_SUFFIX)])
    codes = np.array([p["code"] for p in prefs], dtype=object)
    lat = np.array([p["latitude"] for p in prefs], dtype=np.float64)
    lon = np.array([p["longitude"] for p in prefs], dtype=np.float64)
    base = np.array([6.0 if c in BIG_CITIES else 1.0 for c in codes])
    home = np.array([c[:2] == HOME_PROVINCE[:2] for c in codes])
    weight = np.where(
        home, base / base[home].sum() * HOME_SHARE, base / base[~home].sum() * (1 - HOME_SHARE)
    )
    by_city = {v: key for key, v in AIRPORTS.items()}
    airport = np.array([by_city.get(c, "") for c in codes], dtype=object)
    la, lo = np.radians(lat), np.radians(lon)
    d = (
        np.sin((la[:, None] - la[None, :]) / 2) ** 2
        + np.cos(la[:, None]) * np.cos(la[None, :]) * np.sin((lo[:, None] - lo[None, :]) / 2) ** 2
    )
    dist = 2 * 6371.0 * np.arcsin(np.sqrt(d))
    return Cities(
        code=codes,
        name=[p["name"] for p in prefs],
        short=[p["name"].removesuffix("市") for p in prefs],
        province_code=np.array([p["parent_code"] for p in prefs], dtype=object),
        province_name=[prov_name[p["parent_code"]] for p in prefs],
        lat=lat,
        lon=lon,
        weight=weight / weight.sum(),
        plate_prefix=plate,
        station=station,
        airport=airport,
        county_code=ccode,
        county_name=cname,
        county_from=cfrom,
        county_n=cn,
        fallback_code=np.array(fallback, dtype=object),
        city_from=np.array([_valid_from(p["code"]) or 9999 for p in prefs], dtype=np.int32),
        fallback_name=fallback_name,
        dist_km=dist,
    )


def area_codes(
    rng: np.random.Generator, city: np.ndarray, birth_year: np.ndarray, county_pick: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Pick, per person, a county of `city` whose code is valid for the birth year.

    Otherwise the city's own code if valid then, else a code valid for every year.

    `county_pick` (per person, in [0, 1)) keeps household members in the same county
    where the code allows. Returns (city-county column index or -1 for the fallback, codes).
    """
    c = cities()
    n_c = c.county_n[city]
    j = np.floor(county_pick * np.maximum(n_c, 1)).astype(np.int64)
    ok = (n_c > 0) & (c.county_from[city, np.minimum(j, c.county_code.shape[1] - 1)] <= birth_year)
    j = np.where(ok, j, -1)
    own = np.where(c.city_from[city] <= birth_year, c.code[city], c.fallback_code[city])
    codes = np.where(ok, c.county_code[city, np.maximum(j, 0)], own)
    return j, codes


@dataclass(frozen=True)
class Facilities:
    """Per-city hotels, towers and cameras as flat tables plus per-city offsets."""

    hotels: pa.Table
    hotel_start: np.ndarray
    hotel_n: np.ndarray
    towers: pa.Table
    tower_start: np.ndarray
    tower_n: np.ndarray
    cameras: pa.Table
    camera_start: np.ndarray
    camera_n: np.ndarray


def _spread(
    rng: np.random.Generator, counts: np.ndarray, sd: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    c = cities()
    city = np.repeat(np.arange(len(counts)), counts)
    lat = np.round(c.lat[city] + rng.normal(0, sd, len(city)), 6)
    lon = np.round(c.lon[city] + rng.normal(0, sd, len(city)), 6)
    return city, lat, lon


def _offsets(counts: np.ndarray) -> np.ndarray:
    return np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)


def facilities(rng: np.random.Generator, people: int) -> Facilities:
    """Hotels, towers and cameras, sized to the population of each city."""
    c = cities()
    share = c.weight
    scale = max(people, 1000)
    n_hotel = np.maximum(3, np.round(share * scale / 400)).astype(np.int64)
    n_tower = np.maximum(4, np.round(share * scale / 250)).astype(np.int64)
    n_cam = np.maximum(3, np.round(share * scale / 500)).astype(np.int64)

    city, lat, lon = _spread(rng, n_hotel, 0.05)
    short = np.array(c.short, dtype=object)[city]
    road = np.array(ROADS, dtype=object)[rng.integers(0, len(ROADS), len(city))]
    brand = np.array(HOTEL_BRANDS, dtype=object)[rng.integers(0, len(HOTEL_BRANDS), len(city))]
    hotel_name = [f"{b}酒店({s}{r}路店)" for b, s, r in zip(brand, short, road, strict=True)]
    hotels = pa.table(
        {
            "hotel_id": [f"HOT{i:05d}" for i in range(len(city))],
            "hotel_name": hotel_name,
            "city": city,
            "lat": lat,
            "lon": lon,
        }
    )
    city_t, lat_t, lon_t = _spread(rng, n_tower, 0.06)
    lac = 10000 + city_t * 10
    ci = (
        rng.choice(90000, len(city_t), replace=False) + 10000
        if len(city_t) <= 90000
        else np.arange(len(city_t)) + 10000
    )
    road_t = np.array(ROADS, dtype=object)[rng.integers(0, len(ROADS), len(city_t))]
    towers = pa.table(
        {
            "cell_id": [f"46000-{a}-{b}" for a, b in zip(lac, ci, strict=True)],
            "lac": lac.astype(np.int64),
            "ci": ci.astype(np.int64),
            "longitude": lon_t,
            "latitude": lat_t,
            "city_code": c.code[city_t].astype(str),
            "address": [
                f"{c.name[k]}{r}路{n}号"
                for k, r, n in zip(city_t, road_t, rng.integers(1, 400, len(city_t)), strict=True)
            ],
        }
    )
    city_c, lat_c, lon_c = _spread(rng, n_cam, 0.05)
    r1 = np.array(ROADS, dtype=object)[rng.integers(0, len(ROADS), len(city_c))]
    r2 = np.array(ROADS, dtype=object)[rng.integers(0, len(ROADS), len(city_c))]
    cameras = pa.table(
        {
            "camera_id": [f"CAM{i:06d}" for i in range(len(city_c))],
            "name": [
                f"{c.name[k]}{a}路与{b}街交叉口" for k, a, b in zip(city_c, r1, r2, strict=True)
            ],
            "city_code": c.code[city_c].astype(str),
            "latitude": lat_c,
            "longitude": lon_c,
        }
    )
    return Facilities(
        hotels=hotels,
        hotel_start=_offsets(n_hotel),
        hotel_n=n_hotel,
        towers=towers,
        tower_start=_offsets(n_tower),
        tower_n=n_tower,
        cameras=cameras,
        camera_start=_offsets(n_cam),
        camera_n=n_cam,
    )


def pick_in_city(
    rng: np.random.Generator, city: np.ndarray, start: np.ndarray, count: np.ndarray
) -> np.ndarray:
    """A random facility row index in each given city."""
    out: np.ndarray = start[city] + np.floor(rng.random(len(city)) * count[city]).astype(np.int64)
    return out


def strs(a: np.ndarray | list[str]) -> pa.Array:
    """A numpy object array of str as an Arrow string array."""
    return pa.array(np.asarray(a, dtype=object), type=pa.string())


def take_str(values: list[str] | np.ndarray, idx: np.ndarray) -> pa.Array:
    """values[idx] as an Arrow string array (values small, idx large)."""
    return pc.take(pa.array(list(values), type=pa.string()), pa.array(idx))
