"""A small generated population of person mentions with ground truth, for resolve tests.

Rows are written straight into `mentions` in normalised form (what ingest would
store): Chinese names in Hanzi and pinyin with homophone / look-alike noise,
Latin transcriptions (`ZHANG/WEI`, swapped order), English and accented Latin
names, ID typos, relatives' phones and IDs, duplicates within one source.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import duckdb
import numpy as np
import pyarrow as pa

SURNAMES = [
    ("王", "wang"),
    ("李", "li"),
    ("张", "zhang"),
    ("刘", "liu"),
    ("陈", "chen"),
    ("杨", "yang"),
    ("黄", "huang"),
    ("赵", "zhao"),
    ("吴", "wu"),
    ("周", "zhou"),
    ("徐", "xu"),
    ("孙", "sun"),
    ("马", "ma"),
    ("朱", "zhu"),
    ("胡", "hu"),
    ("郭", "guo"),
    ("何", "he"),
    ("高", "gao"),
    ("林", "lin"),
    ("罗", "luo"),
    ("郑", "zheng"),
    ("梁", "liang"),
    ("谢", "xie"),
    ("宋", "song"),
    ("欧阳", "ou yang"),
    ("司马", "si ma"),
]
GIVEN = [
    ("伟", "wei"),
    ("芳", "fang"),
    ("娜", "na"),
    ("敏", "min"),
    ("静", "jing"),
    ("丽", "li"),
    ("强", "qiang"),
    ("磊", "lei"),
    ("军", "jun"),
    ("洋", "yang"),
    ("勇", "yong"),
    ("艳", "yan"),
    ("杰", "jie"),
    ("娟", "juan"),
    ("涛", "tao"),
    ("明", "ming"),
    ("超", "chao"),
    ("秀", "xiu"),
    ("霞", "xia"),
    ("平", "ping"),
    ("刚", "gang"),
    ("桂", "gui"),
    ("英", "ying"),
    ("华", "hua"),
    ("建", "jian"),
    ("国", "guo"),
    ("文", "wen"),
    ("红", "hong"),
    ("玉", "yu"),
    ("兰", "lan"),
    ("海", "hai"),
    ("燕", "yan"),
    ("鹏", "peng"),
    ("辉", "hui"),
    ("婷", "ting"),
    ("宇", "yu"),
]
# homophones (same pinyin, other character) and look-alikes (other character, other pinyin)
HOMOPHONE = {"伟": "卫", "芳": "方", "静": "晶", "丽": "莉", "明": "铭", "华": "化", "玉": "钰"}
LOOKALIKE = {"伟": ("传", "chuan"), "勇": ("涌", "yong"), "国": ("图", "tu"), "明": ("朋", "peng")}
LATIN_FIRST = [
    "john",
    "mary",
    "james",
    "anna",
    "peter",
    "linda",
    "michael",
    "sarah",
    "david",
    "laura",
    "josé",
    "zoë",
    "rené",
    "chloé",
    "thomas",
    "emma",
    "robert",
    "julia",
]
LATIN_LAST = [
    "smith",
    "jones",
    "brown",
    "taylor",
    "müller",
    "garcía",
    "martin",
    "dupont",
    "williams",
    "davies",
    "evans",
    "wilson",
    "lópez",
    "schmidt",
    "moore",
    "clark",
]
REGIONS = [
    "110101",
    "110105",
    "310101",
    "310104",
    "440103",
    "440106",
    "320102",
    "330102",
    "420102",
    "510104",
    "610102",
    "370102",
]
_W = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def check_digit(body17: str) -> str:
    """GB 11643 check character for the first 17 digits."""
    s = sum(int(c) * w for c, w in zip(body17, _W, strict=True)) % 11
    return "10X98765432"[s]


def id_valid(idn: str) -> bool:
    """Check digit and date of an 18-character ID number."""
    if len(idn) != 18 or not idn[:17].isdigit():
        return False
    try:
        date(int(idn[6:10]), int(idn[10:12]), int(idn[12:14]))
    except ValueError:
        return False
    return check_digit(idn[:17]) == idn[17]


def fold(s: str) -> str:
    """Strip accents the way a Latin-name normaliser would."""
    import unicodedata

    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


@dataclass
class Person:
    uid: int
    latin: bool
    family: list[tuple[str, str]]  # (hanzi, pinyin) per character, or (latin, latin)
    given: list[tuple[str, str]]
    dob: date
    sex: str
    region: str
    id_number: str | None
    passport: str | None
    phone: str
    email: str | None
    household: int


@dataclass
class World:
    people: list[Person] = field(default_factory=list)
    rows: list[dict[str, object]] = field(default_factory=list)


def _name_cols(
    fam: list[tuple[str, str]],
    giv: list[tuple[str, str]],
    *,
    latin: bool,
    hanzi: bool,
    swapped: bool = False,
) -> dict[str, object]:
    fam_py = " ".join(p for _, p in fam)
    giv_py = " ".join(p for _, p in giv)
    if latin:
        fam_py, giv_py = fold(fam_py), fold(giv_py)
    tokens = (giv_py + " " + fam_py) if swapped else (fam_py + " " + giv_py)
    syll = tokens.split()
    return {
        "name_raw": tokens,
        "name_hanzi": "".join(h for h, _ in fam + giv) if hanzi and not latin else None,
        "name_pinyin": tokens,
        "family_name": None if swapped else fam_py,
        "given_name": None if swapped else giv_py,
        "name_key": "".join(sorted(syll)),
        "initials": "".join(s[0] for s in (fam_py + " " + giv_py).split()),
    }


def generate(n_people: int, seed: int = 7) -> World:
    """People and their mentions across sources, with noise; deterministic for a seed."""
    rng = np.random.default_rng(seed)
    w = World()
    household = 0
    for uid in range(n_people):
        relative = w.people[-1] if w.people and rng.random() < 0.3 else None
        if relative is None:
            household += 1
        latin = bool(rng.random() < 0.2) if relative is None else relative.latin
        if latin:
            fam = relative.family if relative else [(x, x) for x in [str(rng.choice(LATIN_LAST))]]
            giv = [(x, x) for x in [str(rng.choice(LATIN_FIRST))]]
        else:
            fam = relative.family if relative else [SURNAMES[int(rng.integers(len(SURNAMES)))]]
            giv = [GIVEN[int(rng.integers(len(GIVEN)))] for _ in range(int(rng.integers(1, 3)))]
        dob = date(1950, 1, 1) + timedelta(days=int(rng.integers(0, 20000)))
        sex = "M" if rng.random() < 0.5 else "F"
        region = relative.region if relative else str(rng.choice(REGIONS))
        idn = None
        if not latin:
            body = f"{region}{dob:%Y%m%d}{int(rng.integers(0, 1000)):03d}"
            idn = body + check_digit(body)
        passport = f"E{int(rng.integers(10**7, 10**8))}" if rng.random() < 0.3 else None
        phone = f"+861{int(rng.integers(3 * 10**9, 9 * 10**9))}"
        email = f"{giv[0][1]}{uid}@example.com" if rng.random() < 0.5 else None
        w.people.append(
            Person(uid, latin, fam, giv, dob, sex, region, idn, passport, phone, email, household)
        )
    households: dict[int, list[Person]] = {}
    for p in w.people:
        households.setdefault(p.household, []).append(p)
    for p in w.people:
        _mentions(w, p, [q for q in households[p.household] if q.uid != p.uid], rng)
    return w


def _typo(idn: str, rng: np.random.Generator) -> str:
    i = int(rng.integers(0, 17))
    if rng.random() < 0.5:  # transposition
        chars = list(idn)
        chars[i], chars[i + 1] = chars[i + 1], chars[i]
        return "".join(chars)
    return idn[:i] + str((int(idn[i]) + 1 + int(rng.integers(0, 8))) % 10) + idn[i + 1 :]


def _noisy_given(p: Person, rng: np.random.Generator) -> list[tuple[str, str]]:
    giv = list(p.given)
    r = rng.random()
    if not p.latin and r < 0.08 and giv[0][0] in HOMOPHONE:
        giv[0] = (HOMOPHONE[giv[0][0]], giv[0][1])
    elif not p.latin and r < 0.12 and giv[0][0] in LOOKALIKE:
        giv[0] = LOOKALIKE[giv[0][0]]
    elif p.latin and r < 0.1 and len(giv[0][1]) > 4:
        s = giv[0][1]
        giv[0] = (s, s[:2] + s[3:])  # dropped letter: 'michael' → 'mihael'
    return giv


def _mentions(w: World, p: Person, rel: list[Person], rng: np.random.Generator) -> None:
    count = {
        "registry": 1,
        "hotel": int(rng.integers(0, 4)),
        "telecom": int(rng.integers(1, 3)),
        "air": int(rng.integers(0, 3)),
        "social": int(rng.integers(0, 2)),
    }
    if p.latin:
        count = {
            "crm": int(rng.integers(1, 4)),
            "hotel": int(rng.integers(0, 3)),
            "social": int(rng.integers(0, 2)),
        }
    if rng.random() < 0.03:
        count["registry" if not p.latin else "crm"] += 1  # registered twice in one source
    for source, n in count.items():
        for k in range(n):
            row: dict[str, object] = {
                "mention_id": f"{source}:{p.uid}-{k}",
                "source": source,
                "record_key": f"{p.uid}-{k}",
                "person_uid": p.uid,
                "birth_date": None,
                "sex": None,
                "id_number": None,
                "passport": None,
                "phone": None,
                "email": None,
                "region_code": None,
            }
            giv = _noisy_given(p, rng)
            if source in ("registry", "crm"):
                row.update(_name_cols(p.family, giv if k else p.given, latin=p.latin, hanzi=True))
                dob = p.dob
                if k and rng.random() < 0.5:
                    dob = date(dob.year, dob.month, max(1, (dob.day + 1) % 28))
                row.update(
                    birth_date=dob,
                    sex=p.sex,
                    region_code=p.region,
                    id_number=p.id_number,
                    address=f"{p.household % 300} {'Road' if p.latin else '路'} {p.region}",
                )
                if p.latin:
                    row.update(email=p.email, phone=p.phone if rng.random() < 0.6 else None)
            elif source == "hotel":
                row.update(_name_cols(p.family, giv, latin=p.latin, hanzi=True))
                if p.latin:
                    row.update(
                        passport=p.passport,
                        birth_date=p.dob if rng.random() < 0.7 else None,
                        phone=p.phone if rng.random() < 0.5 else None,
                    )
                    if row["passport"] is None:
                        row["email"] = p.email
                else:
                    idn = p.id_number or ""
                    row.update(id_number=_typo(idn, rng) if rng.random() < 0.05 else idn)
            elif source == "telecom":
                row.update(_name_cols(p.family, giv, latin=p.latin, hanzi=True), phone=p.phone)
                idn = p.id_number or ""
                if rel and rng.random() < 0.1:
                    idn = rel[0].id_number or ""  # someone else's ID
                row.update(id_number=idn)
            elif source == "air":
                row.update(_name_cols(p.family, p.given, latin=False, hanzi=False))
                if p.passport and rng.random() < 0.6:
                    row.update(passport=p.passport, birth_date=p.dob)
                else:
                    row.update(id_number=p.id_number)
            elif source == "social":
                row.update(
                    _name_cols(
                        p.family, giv, latin=p.latin, hanzi=False, swapped=bool(rng.random() < 0.5)
                    )
                )
                phone = rel[0].phone if rel and rng.random() < 0.1 else p.phone
                row.update(phone=phone, email=p.email if rng.random() < 0.5 else None)
            idn = row["id_number"]
            row["id_valid"] = id_valid(idn) if isinstance(idn, str) else None
            if not idn:
                row["id_number"], row["id_valid"] = None, None
            w.rows.append(row)


OPTIONAL = ("street", "house_number", "locality", "postal_code", "region", "identifier",
            "identifier_scheme", "identifier_valid", "identifier_strength")  # fmt: skip


def load(con: duckdb.DuckDBPyConnection, world: World, *, order_seed: int | None = None) -> None:
    """Insert the world's mentions (optionally in a shuffled order) and its truth table."""
    rows = list(world.rows)
    if order_seed is not None:
        perm = np.random.default_rng(order_seed).permutation(len(rows))
        rows = [rows[i] for i in perm]
    cols = [
        "mention_id",
        "source",
        "record_key",
        "name_raw",
        "name_hanzi",
        "name_pinyin",
        "family_name",
        "given_name",
        "name_key",
        "initials",
        "birth_date",
        "sex",
        "id_number",
        "id_valid",
        "passport",
        "phone",
        "email",
        "region_code",
    ]
    # columns hand-made rows may set (address parts, declared identifiers)
    cols += [c for c in OPTIONAL if any(r.get(c) is not None for r in rows)]
    table = pa.table({c: [r.get(c) for r in rows] for c in [*cols, "person_uid"]})
    con.register("_world", table)
    con.execute(
        f"INSERT INTO mentions ({', '.join(cols)}, file_sha256, loaded_at) "
        f"SELECT {', '.join(cols)}, 'test', now() FROM _world"
    )
    con.execute("CREATE OR REPLACE TABLE truth AS SELECT mention_id, person_uid FROM _world")
    con.unregister("_world")


def pairwise_scores(con: duckdb.DuckDBPyConnection) -> tuple[float, float, float]:
    """Pairwise (precision, recall, F1) of entity_mentions against the truth table."""
    tp, pred, true = con.execute(
        """
        WITH j AS (SELECT t.mention_id, t.person_uid, e.entity_id
                   FROM truth t JOIN entity_mentions e USING (mention_id)),
        c AS (SELECT person_uid, entity_id, count(*) AS n FROM j GROUP BY ALL)
        SELECT (SELECT sum(n * (n - 1) / 2) FROM c),
               (SELECT sum(n * (n - 1) / 2) FROM (SELECT count(*) n FROM j GROUP BY entity_id)),
               (SELECT sum(n * (n - 1) / 2) FROM (SELECT count(*) n FROM j GROUP BY person_uid))
        """
    ).fetchall()[0]
    p = float(tp) / float(pred) if pred else 1.0
    r = float(tp) / float(true) if true else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def person_row(mention_id: str, name: str | None, **cols: object) -> dict[str, object]:
    """One hand-made mention: `name` is pinyin / Latin (family first); keys derived from it."""
    row: dict[str, object] = {"mention_id": mention_id, "source": mention_id.split(":")[0],
                              "record_key": mention_id.split(":", 1)[1]}  # fmt: skip
    if name is not None:
        tokens = name.split()
        row.update(name_raw=name, name_pinyin=name, family_name=tokens[0],
                   given_name=" ".join(tokens[1:]) or None,
                   name_key="".join(sorted(tokens)),
                   initials="".join(t[0] for t in tokens))  # fmt: skip
    idn = cols.get("id_number")
    if isinstance(idn, str):
        cols.setdefault("id_valid", id_valid(idn))
    row.update(cols)
    row.setdefault("person_uid", -1)
    return row


def insert(con: duckdb.DuckDBPyConnection, rows: list[dict[str, object]]) -> None:
    """Insert hand-made mention rows (see person_row)."""
    load(con, World(rows=rows))


def valid_id(region: str, birth: str, seq: str = "123") -> str:
    """A valid resident ID for a region code, a YYYYMMDD birth date and a sequence."""
    body = region + birth + seq
    return body + check_digit(body)
