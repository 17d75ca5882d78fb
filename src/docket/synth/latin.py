"""An English-language person list from an "unrelated source", with ground truth.

`generate_people_csv(path, n, seed)` writes `n` distinct people as about 1.95·n
rows of a CSV (record_id, first_name, last_name, date_of_birth, address, city,
email) such as a membership or customer list would hold, and their truth to
`<stem>.truth.csv` (source, record_key, person_uid) — the format of the synthetic
world's `truth/mentions.csv`.

The people are Anglo and European: accented names delivered with and without
their accents, nicknames (William → Bill), typos (substitution, deletion,
transposition, doubled letter), first and last name swapped, initials,
upper-case rows, missing fields, moved house, abbreviated street types,
dates of birth with day and month swapped or one part off — and hard negatives:
siblings sharing surname and address, twins sharing a birth date too.

Everything is drawn with numpy from one seeded generator: the same (n, seed)
gives byte-identical files.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.csv as pacsv

from docket.errors import InputError

__all__ = ["COLUMNS", "generate_people_csv", "truth_path_for"]

COLUMNS = ("record_id", "first_name", "last_name", "date_of_birth", "address", "city", "email")

StrArray = npt.NDArray[np.str_]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

# (name, nickname or "") — a nickname is used instead of the name on some records.
_FIRST = [
    ("James", "Jim"), ("John", "Jack"), ("Robert", "Bob"), ("Michael", "Mike"),
    ("William", "Bill"), ("David", "Dave"), ("Richard", "Rick"), ("Joseph", "Joe"),
    ("Thomas", "Tom"), ("Charles", "Charlie"), ("Christopher", "Chris"), ("Daniel", "Dan"),
    ("Matthew", "Matt"), ("Anthony", "Tony"), ("Edward", "Ted"), ("Samuel", "Sam"),
    ("Benjamin", "Ben"), ("Nicholas", "Nick"), ("Alexander", "Alex"), ("Jonathan", "Jon"),
    ("Peter", "Pete"), ("Andrew", "Andy"), ("George", ""), ("Oliver", "Ollie"),
    ("Harry", ""), ("Jack", ""), ("Liam", ""), ("Sean", ""), ("Patrick", "Paddy"),
    ("Mary", "Molly"), ("Elizabeth", "Liz"), ("Margaret", "Peggy"), ("Katherine", "Kate"),
    ("Jennifer", "Jenny"), ("Patricia", "Pat"), ("Susan", "Sue"), ("Rebecca", "Becky"),
    ("Victoria", "Vicky"), ("Deborah", "Debbie"), ("Sarah", ""), ("Emma", ""), ("Olivia", ""),
    ("Sophie", ""), ("Charlotte", "Lottie"), ("Emily", "Em"), ("Jessica", "Jess"),
    ("Hannah", ""), ("Grace", ""), ("Amelia", "Millie"), ("Lucy", ""), ("Siobhán", ""),
    ("Aoife", ""), ("Niamh", ""), ("Seán", ""), ("Ciarán", ""), ("José", "Pepe"),
    ("María", ""), ("Lucía", ""), ("Javier", ""), ("Inés", ""), ("François", ""),
    ("Hélène", ""), ("Chloé", ""), ("Zoë", ""), ("Renée", ""), ("Jérôme", ""), ("Noël", ""),
    ("Jürgen", ""), ("Jörg", ""), ("Björn", ""), ("Søren", ""), ("Åsa", ""), ("Małgorzata", ""),
    ("Łukasz", ""), ("Wojciech", ""), ("Agnieszka", ""), ("João", ""), ("Conceição", ""),
    ("Ana", ""), ("Marco", ""), ("Giulia", ""), ("Niccolò", ""), ("Dominik", ""),
    ("Tomáš", ""), ("Jiří", ""), ("Zoltán", ""), ("Ferenc", ""), ("Ülle", ""),
    ("Adam", ""), ("Aidan", ""), ("Alan", ""), ("Arthur", "Art"), ("Brian", ""), ("Callum", ""),
    ("Colin", ""), ("Connor", ""), ("Craig", ""), ("Dylan", ""), ("Ethan", ""), ("Frank", ""),
    ("Gareth", ""), ("Gavin", ""), ("Graham", ""), ("Henry", "Hal"), ("Ian", ""), ("Isaac", ""),
    ("Jacob", "Jake"), ("Jamie", ""), ("Jason", ""), ("Keith", ""), ("Kevin", ""), ("Kieran", ""),
    ("Leo", ""), ("Lewis", ""), ("Luke", ""), ("Mark", ""), ("Martin", ""), ("Neil", ""),
    ("Owen", ""), ("Philip", "Phil"), ("Raymond", "Ray"), ("Rhys", ""), ("Ryan", ""),
    ("Simon", ""), ("Stephen", "Steve"), ("Stuart", ""), ("Terence", "Terry"), ("Tobias", "Toby"),
    ("Alice", ""), ("Amy", ""), ("Abigail", "Abby"), ("Beth", ""), ("Bethany", ""), ("Caitlin", ""),
    ("Carol", ""), ("Catherine", "Cathy"), ("Claire", ""), ("Dorothy", "Dot"), ("Eleanor", "Ellie"),
    ("Ella", ""), ("Evie", ""), ("Fiona", ""), ("Florence", "Flo"), ("Gemma", ""), ("Helen", ""),
    ("Imogen", ""), ("Isabel", "Izzy"), ("Jane", ""), ("Joanne", "Jo"), ("Julia", ""),
    ("Karen", ""), ("Laura", ""), ("Linda", ""), ("Louise", ""), ("Megan", ""), ("Natalie", ""),
    ("Nicola", "Nicky"), ("Paula", ""), ("Rachel", ""), ("Rosie", ""), ("Ruth", ""),
    ("Samantha", "Sam"), ("Sandra", ""), ("Sophia", ""), ("Teresa", "Tess"), ("Valerie", "Val"),
    ("Wendy", ""), ("Yvonne", ""),
]  # fmt: skip
_LAST = [
    "Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Thomas",
    "Johnson", "Roberts", "Robinson", "Thompson", "Wright", "Walker", "White", "Edwards",
    "Hughes", "Green", "Hall", "Lewis", "Harris", "Clarke", "Patel", "Jackson", "Wood",
    "Turner", "Martin", "Cooper", "Hill", "Ward", "Morris", "Moore", "Clark", "Lee", "King",
    "Baker", "Harrison", "Morgan", "Allen", "James", "Scott", "Phillips", "Watson", "Davis",
    "Parker", "Price", "Bennett", "Young", "Griffiths", "Mitchell", "Kelly", "Cook", "Carter",
    "Richardson", "Bailey", "Collins", "Bell", "Shaw", "Murphy", "Miller", "Cox", "Richards",
    "Khan", "Marshall", "Anderson", "Simpson", "Ellis", "Adams", "Singh", "Begum", "Wilkinson",
    "O'Brien", "O'Connor", "O'Sullivan", "McCarthy", "MacDonald", "McLeod", "Fitzgerald",
    "Ó Súilleabháin", "Müller", "Schmidt", "Schneider", "Fischer", "Weiß", "Schäfer",
    "Köhler", "Böhm", "García", "Martínez", "López", "Sánchez", "Pérez", "Gómez", "Jiménez",
    "Muñoz", "Álvarez", "Núñez", "Gonçalves", "Conceição", "Simões", "Magalhães", "Lefèvre",
    "Dubois", "Moreau", "Laurent", "Girard", "Bonnet", "Rousseau", "Mercier", "Faure",
    "Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kamiński", "Lewandowski", "Zieliński",
    "Dvořák", "Novák", "Svoboda", "Černý", "Procházka", "Horváth", "Kovács", "Szabó",
    "Tóth", "Nagy", "Sørensen", "Jørgensen", "Østergaard", "Åberg", "Söderström", "Lindqvist",
    "Håkansson", "Nyström", "Rossi", "Russo", "Bianchi", "Romano", "Colombo", "Ricci",
    "De Luca", "Van der Berg", "De Vries", "Janssen", "Van Dijk", "Bakker", "Visser",
    "Smith-Jones", "Taylor-Wood", "Ní Bhriain",
]  # fmt: skip
# English place-name surnames (Ashworth, Thornley …) widen the pool as real registers are wide.
_LAST += [
    a + b
    for a in ("Ash", "Black", "Brad", "Brook", "Bur", "Cald", "Carl", "Chad", "Clay", "Cran",
              "Dun", "East", "Fair", "Fern", "Gold", "Hal", "Hart", "Haw", "Holl", "Kings",
              "Lang", "Lock", "Mar", "Mid", "New", "Nor", "Pen", "Rad", "Ring", "Rus", "Sand",
              "Shel", "Stan", "Stock", "Sun", "Thorn", "Tun", "Wal", "Wat", "Whit")
    for b in ("ley", "ton", "well", "wood", "ford", "field", "worth", "by", "ham", "more",
              "ridge", "stone", "brook", "combe", "den", "hurst", "ington", "bury", "shaw", "wick")
]  # fmt: skip
_STREETS = [
    "High", "Station", "Church", "Main", "Park", "Victoria", "Green", "Manor", "Mill",
    "School", "Kings", "Queens", "New", "Grange", "North", "South", "West", "Chapel",
    "Springfield", "Windsor", "Albert", "London", "York", "Alexandra", "Richmond", "Elm",
    "Oak", "Beech", "Cedar", "Willow", "Orchard", "Meadow", "Hillside", "Riverside", "Bridge",
    "Castle", "Abbey", "Market", "Forest", "Highfield", "Sandy", "Mount", "Broad", "Cherry",
]  # fmt: skip
_STREET_TYPES = [
    ("Street", "St"), ("Road", "Rd"), ("Lane", "Ln"), ("Avenue", "Ave"),
    ("Close", "Cl"), ("Drive", "Dr"), ("Gardens", "Gdns"), ("Terrace", "Terr"),
]  # fmt: skip
_CITIES = [
    "London", "Birmingham", "Manchester", "Leeds", "Glasgow", "Liverpool", "Bristol",
    "Sheffield", "Edinburgh", "Cardiff", "Belfast", "Leicester", "Nottingham", "Newcastle",
    "Brighton", "Oxford", "Cambridge", "York", "Aberdeen", "Swansea", "Dublin", "Cork",
    "Galway", "Limerick", "Dún Laoghaire", "Zürich", "Genève", "München", "Köln", "Düsseldorf",
    "Malmö", "Göteborg", "Kraków", "Łódź", "Gdańsk", "Córdoba", "Málaga", "Cádiz",
    "A Coruña", "Besançon", "Orléans", "Nîmes", "Brno", "Plzeň", "Győr", "Pécs", "Tromsø",
    "Århus", "Lisboa", "Évora",
]  # fmt: skip
_DOMAINS = [
    "gmail.com", "outlook.com", "yahoo.co.uk", "hotmail.com", "icloud.com",
    "btinternet.com", "eircom.net", "gmx.de", "web.de", "orange.fr", "proton.me",
]  # fmt: skip

_WIDTH = 48  # longest generated string (emails) in code points
_LETTERS = np.array([ord(c) for c in "abcdefghijklmnopqrstuvwxyz"], dtype=np.uint32)


def _fold(s: str) -> str:
    """Strip accents ('Müller' → 'Muller'; 'Łódź' → 'Lodz'; 'Søren' → 'Soren')."""
    s = s.replace("ß", "ss").replace("Ł", "L").replace("ł", "l").replace("Ø", "O")
    s = s.replace("ø", "o").replace("Æ", "AE").replace("æ", "ae")
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def _arr(values: list[str]) -> StrArray:
    return np.array(values, dtype=f"<U{_WIDTH}")


def _zipf_choice(rng: np.random.Generator, k: int, size: int, a: float = 0.9) -> IntArray:
    """Indices 0..k-1, earlier ones more frequent (as common names are)."""
    w = 1.0 / np.arange(1, k + 1) ** a
    return rng.choice(k, size=size, p=w / w.sum()).astype(np.int64)


def _typo(rng: np.random.Generator, values: StrArray, mask: BoolArray) -> StrArray:
    """One keyboard slip in the masked values, vectorised on a code-point matrix."""
    out = values.astype(f"<U{_WIDTH}")
    lengths = np.char.str_len(out)
    rows = np.flatnonzero(mask & (lengths >= 4))
    if rows.size == 0:
        return out
    m = out.view(np.uint32).reshape(len(out), _WIDTH)
    sub = m[rows].copy()
    n_len = lengths[rows]
    pos = 1 + (rng.random(rows.size) * (n_len - 2)).astype(np.int64)  # never the first letter
    kind = rng.integers(0, 4, rows.size)
    col = np.arange(_WIDTH)[None, :]
    p = pos[:, None]
    deleted = np.take_along_axis(sub, np.minimum(np.where(col >= p, col + 1, col), _WIDTH - 1), 1)
    deleted[:, -1] = 0
    doubled = np.take_along_axis(sub, np.where(col > p, col - 1, col), 1)
    swapped = sub.copy()
    r = np.arange(rows.size)
    swapped[r, pos], swapped[r, pos + 1] = sub[r, pos + 1], sub[r, pos]
    substituted = sub.copy()
    substituted[r, pos] = _LETTERS[rng.integers(0, 26, rows.size)]
    k = kind[:, None]
    sub = np.where(
        k == 0, deleted, np.where(k == 1, doubled, np.where(k == 2, swapped, substituted))
    )
    m[rows] = sub
    return out


def truth_path_for(path: Path | str) -> Path:
    """Where `generate_people_csv` writes the truth for `path`."""
    p = Path(path)
    return p.with_name(p.stem + ".truth.csv")


def generate_people_csv(
    path: Path | str, n: int, seed: int, *, source: str = "english_people"
) -> Path:
    """Write a person CSV of `n` people (about 1.95·n rows) and its truth; return the truth path.

    `source` is the mapping name that will ingest the CSV: truth rows are keyed
    (source, record_key = record_id), as the synthetic world's truth is.
    """
    if n < 1:
        raise InputError("n", f"{n} people", hint="ask for at least one person")
    rng = np.random.default_rng(seed)
    first = _arr([f for f, _ in _FIRST])
    nick = _arr([k or f for f, k in _FIRST])
    first_fold, nick_fold = _arr([_fold(f) for f in first]), _arr([_fold(f) for f in nick])
    last = _arr(_LAST)
    last_fold = _arr([_fold(x) for x in _LAST])
    cities = _arr(_CITIES)
    cities_fold = _arr([_fold(c) for c in _CITIES])

    # --- the people -------------------------------------------------------------------
    fi = _zipf_choice(rng, len(first), n, 0.5)
    li = _zipf_choice(rng, len(last), n, 0.6)
    dob = (np.datetime64("1935-01-01") + rng.integers(0, 71 * 365, n)).astype("datetime64[D]")
    house = rng.integers(1, 300, n)
    street = rng.integers(0, len(_STREETS), n)
    stype = rng.integers(0, len(_STREET_TYPES), n)
    city = _zipf_choice(rng, len(cities), n, 1.0)
    # Siblings share surname, address and city with the person before them; twins the dob too.
    sib = np.flatnonzero(rng.random(n) < 0.04)
    sib = sib[sib > 0]
    for arr in (li, house, street, stype, city):
        arr[sib] = arr[sib - 1]
    twins = sib[rng.random(sib.size) < 0.5]
    dob[twins] = dob[twins - 1]
    mail_user_sep = np.array([".", "_", ""])[rng.integers(0, 3, n)]
    mail_num = np.where(rng.random(n) < 0.7, rng.integers(1, 999, n).astype(str), "")
    email = np.char.add(
        np.char.add(
            np.char.add(np.char.lower(first_fold[fi]), mail_user_sep),
            np.char.replace(np.char.replace(np.char.lower(last_fold[li]), " ", ""), "'", ""),
        ),
        np.char.add(np.char.add(mail_num, "@"), _arr(_DOMAINS)[rng.integers(0, len(_DOMAINS), n)]),
    )
    has_email = rng.random(n) < 0.85

    # --- their records: 1 to 4 each -------------------------------------------------------
    copies = 1 + rng.choice(4, size=n, p=[0.4, 0.35, 0.15, 0.1])
    person = np.repeat(np.arange(n), copies)
    rows = person.size
    u = rng.random((12, rows))  # one column of draws per kind of noise

    r_fi, r_li = fi[person], li[person]
    use_nick = u[0] < 0.12
    fold = u[1] < 0.5  # accents dropped by this record's system
    fname = np.where(
        use_nick,
        np.where(fold, nick_fold[r_fi], nick[r_fi]),
        np.where(fold, first_fold[r_fi], first[r_fi]),
    )
    lname = np.where(fold, last_fold[r_li], last[r_li])
    fname = _typo(rng, fname, u[2] < 0.06)
    lname = _typo(rng, lname, u[3] < 0.06)
    initial = u[4] < 0.02
    fname = np.where(initial, np.char.add(fname.astype("<U1"), "."), fname)
    upper = u[5] < 0.08
    fname = np.where(upper, np.char.upper(fname), fname)
    lname = np.where(upper, np.char.upper(lname), lname)
    swap = u[6] < 0.05
    fname, lname = np.where(swap, lname, fname), np.where(swap, fname, lname)

    rdob = dob[person].copy()
    dob_noise = rng.random(rows)
    year = rdob.astype("datetime64[Y]")
    month = (rdob.astype("datetime64[M]") - year).astype(np.int64) + 1
    day = (rdob - rdob.astype("datetime64[M]")).astype(np.int64) + 1
    y = year.astype(np.int64) + 1970
    can_swap = (day <= 12) & (day != month)
    m2 = np.where((dob_noise < 0.03) & can_swap, day, month)
    d2 = np.where((dob_noise < 0.03) & can_swap, month, day)
    y2 = np.where((dob_noise >= 0.03) & (dob_noise < 0.05), y + rng.choice([-1, 1], rows), y)
    d2 = np.where((dob_noise >= 0.05) & (dob_noise < 0.07), np.clip(d2 + 1, 1, 28), d2)
    dob_str = np.char.add(
        np.char.add(np.char.add(y2.astype(str), "-"), np.char.zfill(m2.astype(str), 2)),
        np.char.add("-", np.char.zfill(d2.astype(str), 2)),
    )
    dob_missing = u[7] < 0.05

    moved = u[8] < 0.08
    r_house = np.where(moved, rng.integers(1, 300, rows), house[person])
    r_street = np.where(moved, rng.integers(0, len(_STREETS), rows), street[person])
    r_stype = np.where(moved, rng.integers(0, len(_STREET_TYPES), rows), stype[person])
    r_city = np.where(moved, _zipf_choice(rng, len(cities), rows, 1.0), city[person])
    types = _arr([t for t, _ in _STREET_TYPES])
    abbrev = _arr([a for _, a in _STREET_TYPES])
    stype_str = np.where(u[9] < 0.3, abbrev[r_stype], types[r_stype])
    address = np.char.add(
        np.char.add(r_house.astype(str), " "),
        np.char.add(np.char.add(_arr(_STREETS)[r_street], " "), stype_str),
    )
    address_missing = u[10] < 0.1
    city_str = np.where(fold, cities_fold[r_city], cities[r_city])
    city_missing = rng.random(rows) < 0.05

    r_email = _typo(rng, email[person], u[11] < 0.03)
    email_missing = ~has_email[person] | (rng.random(rows) < 0.2)
    first_missing = rng.random(rows) < 0.01

    # --- shuffle, key, write --------------------------------------------------------------
    order = rng.permutation(rows)
    record_id = np.char.add("R", np.char.zfill(np.arange(1, rows + 1).astype(str), 7))

    def col(values: StrArray, missing: BoolArray | None = None) -> pa.Array:
        v = values[order]
        return pa.array(v, mask=None if missing is None else missing[order], type=pa.string())

    table = pa.table(
        {
            "record_id": pa.array(record_id, type=pa.string()),
            "first_name": col(fname, first_missing),
            "last_name": col(lname),
            "date_of_birth": col(dob_str, dob_missing),
            "address": col(address, address_missing),
            "city": col(city_str, city_missing),
            "email": col(r_email, email_missing),
        }
    )
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    pacsv.write_csv(table, out)
    truth = pa.table(
        {
            "source": pa.array(np.full(rows, source), type=pa.string()),
            "record_key": pa.array(record_id, type=pa.string()),
            "person_uid": pa.array(
                np.char.add("EP", np.char.zfill(person[order].astype(str), 7)), type=pa.string()
            ),
        }
    )
    tpath = truth_path_for(out)
    pacsv.write_csv(truth, tpath)
    return tpath
