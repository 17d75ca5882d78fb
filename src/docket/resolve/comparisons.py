"""The model's comparisons: Splink comparison levels over profile columns, with labels.

Each comparison needs one profile column (`REQUIRES`); `comparisons(present)` keeps those
whose column the data fills, so a list with no ID numbers is not scored on them, and a
list with address parts is scored part by part. Levels are tried in order; the first
that holds is the pair's level. Every level carries the label an analyst sees in
`docket explain` and a starting m (kept where EM has too little evidence).

Names tolerate what registers contain: the same syllables in another order (given and
family swapped, also misspelt), typos, a nickname (Bill / William, `nicknames.csv`), an
initial or a missing given name, Hanzi homophones; agreement on a family name is
weighted by how rare it is (Splink's term-frequency adjustment). Address
parts each have their own comparison; the one-line address is compared only when the
parts are not there. A declared identifier (any scheme) is compared exactly and at one
edit, within its scheme.
"""

from __future__ import annotations

from typing import Any

# Strong identifiers: error rates are a property of the source systems, not of the
# pairs EM happens to see (relatives sharing one ID would teach EM that matches
# disagree on IDs), so their m values are fixed, documented here.
FIXED_M = ("id_number", "passport")
# Counted once: with the same ID number, date of birth and sex say nothing more.
_IMPLIED_BY_ID = ("birth_date", "sex")
# Not counted on top of the same ID number under another name (pinyin Jaro-Winkler < 0.8): an
# ID borrowed by a relative comes with the lender's address, so the two agree together far
# more often than independently (at a million people they made most false links).
ADDRESS_WITH_ID = "address missing, or not counted: the same ID number under another name"

RELATIVES = "same family name, other given name"
# comparison → the profile column it needs
REQUIRES = {
    "name": "name_pinyin",
    "birth_date": "birth_date",
    "id_number": "id_number",
    "passport": "passport",
    "identifier": "identifier",
    "phone": "phone",
    "email": "email",
    "region": "region_code",
    "address": "address",
    "street": "street",
    "house_number": "house_number",
    "locality": "locality",
    "postal_code": "postal_code",
    "address_region": "region",
    "sex": "sex",
}


def _null(col: str) -> dict[str, Any]:
    return {
        "sql_condition": f'"{col}_l" IS NULL OR "{col}_r" IS NULL',
        "label_for_charts": f"{col} missing",
        "is_null_level": True,
    }


def _level(sql: str, label: str, m: float, **extra: Any) -> dict[str, Any]:
    # m is the starting value for EM (and the value kept where EM cannot estimate it)
    return {"sql_condition": sql, "label_for_charts": label, "m_probability": m, **extra}


def _level_fixed(sql: str, label: str, m: float, **extra: Any) -> dict[str, Any]:
    """A level whose m EM must not move: its agreeing pairs are mostly relatives (same
    family name, other given name; household members share address and often birth
    data), which EM on blocked pairs would take for matches."""
    return {**_level(sql, label, m, **extra), "fix_m_probability": True}


def _tf(column: str, weight: float = 1.0) -> dict[str, Any]:
    """Splink's term-frequency adjustment on `column` (its exact level gives the base u)."""
    return {"tf_adjustment_column": column, "tf_adjustment_weight": weight}


def _else(m: float) -> dict[str, Any]:
    return {"sql_condition": "ELSE", "label_for_charts": "different", "m_probability": m}


def _with_null(null: dict[str, Any], condition: str, label: str) -> dict[str, Any]:
    return {
        **null,
        "sql_condition": f"{null['sql_condition']} OR {condition}",
        "label_for_charts": label,
    }


def _comparison(
    name: str, description: str, null_col: str, *levels: dict[str, Any]
) -> dict[str, Any]:
    null = _null(null_col)
    if name in _IMPLIED_BY_ID:  # ingest derives birth date and sex from the ID number
        null = _with_null(
            null,
            '"id_number_l" = "id_number_r"',
            f"{null_col} missing, or implied by the same ID number",
        )
    out: dict[str, Any] = {
        "output_column_name": name,
        "comparison_description": description,
        "comparison_levels": [null, *levels],
    }
    if name in FIXED_M:
        for level in out["comparison_levels"][1:]:
            level["fix_m_probability"] = True
    return out


def _name() -> dict[str, Any]:
    jw = 'jaro_winkler_similarity("name_pinyin_l", "name_pinyin_r")'
    same_family = '"family_name_l" = "family_name_r"'
    short_form = (
        '("given_name_l" IS NULL OR "given_name_r" IS NULL'
        ' OR starts_with("given_name_l", "given_name_r")'
        ' OR starts_with("given_name_r", "given_name_l"))'
    )
    jw_given = 'jaro_winkler_similarity("given_name_l", "given_name_r")'
    # the first letters are compared first: they rule out almost every pair cheaply
    swapped = (
        'left("given_name_l", 1) = left("family_name_r", 1) AND '
        'left("family_name_l", 1) = left("given_name_r", 1) AND '
        'jaro_winkler_similarity("given_name_l", "family_name_r") >= 0.88 AND '
        'jaro_winkler_similarity("family_name_l", "given_name_r") >= 0.88'
    )
    squeezed = "replace(\"name_pinyin_{}\", ' ', '')"
    comp = _comparison(
        "name",
        "name: Hanzi, pinyin or Latin",
        "name_pinyin",
        _level('"name_hanzi_l" = "name_hanzi_r"', "same Hanzi name", 0.70),
        # no term frequencies on the whole name: scaling a common full name (zhang wei)
        # down lost true pairs in the province and helped no list (docs/benchmarks.md)
        _level(
            f"{squeezed.format('l')} = {squeezed.format('r')}", "same name (pinyin / Latin)", 0.10
        ),
        _level('"name_key_l" = "name_key_r"', "same name, other order", 0.05),
        _level(
            'length("name_hanzi_l") = length("name_hanzi_r") '
            'AND levenshtein("name_hanzi_l", "name_hanzi_r") = 1',
            "Hanzi name, one character differs",
            0.04,
        ),
        _level(
            f'{same_family} AND list_has_any("given_roots_l", "given_roots_r")',
            "same family name, given name a nickname or variant of the other",
            0.02,
            **_tf("family_name"),
        ),
        _level(
            f"{same_family} AND {short_form}",
            "same family name, given name an initial, short form or missing",
            0.03,
            **_tf("family_name"),
        ),
        _level(
            f"{same_family} AND {jw_given} >= 0.88",
            "same family name, given name nearly the same",
            0.03,
            **_tf("family_name"),
        ),
        _level(
            '"given_name_l" = "given_name_r" AND jaro_winkler_similarity('
            '"family_name_l", "family_name_r") >= 0.88',
            "same given name, family name nearly the same",
            0.02,
        ),
        _level(swapped, "given and family name swapped, nearly the same", 0.01),
        # a relative far more often than a nickname: m fixed low (see _level_fixed)
        # no term frequencies here: a rare family name makes a relative likelier, not a match
        _level_fixed(f"{same_family}", RELATIVES, 0.002),
        _level(f"{jw} >= 0.9", "name nearly the same (Jaro-Winkler >= 0.9)", 0.01),
        _level(
            '"initials_l" = "initials_r" OR "initials_l" = reverse("initials_r")',
            "same initials",
            0.005,
        ),
        # fixed: EM on pairs sharing an ID would learn from IDs lent to relatives
        {**_else(0.003), "fix_m_probability": True},
    )
    null = comp["comparison_levels"][0]
    # an alias ('Sunny', '奔跑的蜗牛') is no name evidence either way
    comp["comparison_levels"][0] = _with_null(
        null, 'NOT "person_name_l" OR NOT "person_name_r"', "name missing, or an alias"
    )
    return comp


def _birth_date() -> dict[str, Any]:
    swapped = (  # day and month swapped
        'year("birth_date_l") = year("birth_date_r") AND month("birth_date_l") = '
        'day("birth_date_r") AND day("birth_date_l") = month("birth_date_r")'
    )
    parts_equal = (
        '(CAST(year("birth_date_l") = year("birth_date_r") AS INT)'
        ' + CAST(month("birth_date_l") = month("birth_date_r") AS INT)'
        ' + CAST(day("birth_date_l") = day("birth_date_r") AS INT))'
    )
    return _comparison(
        "birth_date",
        "date of birth",
        "birth_date",
        _level('"birth_date_l" = "birth_date_r"', "same date of birth", 0.90),
        _level(f"{parts_equal} = 2 OR ({swapped})", "date of birth one part off", 0.06),
        _level('year("birth_date_l") = year("birth_date_r")', "same birth year", 0.02),
        _else(0.02),
    )


def _id_number() -> dict[str, Any]:
    # hamming on padded strings: a typo differs in one digit, a transposition in two;
    # ~6x cheaper than damerau_levenshtein on 18 characters
    digits_apart = "hamming(rpad(\"id_number_l\", 18, '_'), rpad(\"id_number_r\", 18, '_'))"
    return _comparison(
        "id_number",
        "resident identity number",
        "id_number",
        _level('"id_number_l" = "id_number_r"', "same ID number", 0.93),
        _level(f"{digits_apart} <= 2", "ID number one typo or transposition apart", 0.04),
        _level(f"{digits_apart} <= 4", "ID number three or four digits apart", 0.01),
        _else(0.02),
    )


def one_edit(col: str, substitutions: int = 1) -> str:
    """SQL: the two values are one edit apart — at most `substitutions` characters differ
    at equal length (2 lets a transposition through), else one character inserted or
    deleted. Hamming at equal length is several times cheaper than Damerau-Levenshtein."""
    left, right = f'"{col}_l"', f'"{col}_r"'
    return (
        f"CASE WHEN length({left}) = length({right}) "
        f"THEN hamming({left}, {right}) <= {substitutions} "
        f"WHEN abs(length({left}) - length({right})) = 1 "
        f"THEN damerau_levenshtein({left}, {right}) <= 1 ELSE false END"
    )


def _identifier() -> dict[str, Any]:
    comp = _comparison(
        "identifier",
        "identifier the mapping declares (same scheme)",
        "identifier",
        _level('"identifier_l" = "identifier_r"', "same identifier", 0.85),
        _level(one_edit("identifier", 2), "identifier one typo or transposition apart", 0.07),
        _else(0.08),
    )
    comp["comparison_levels"][0] = _with_null(
        comp["comparison_levels"][0],
        '"identifier_scheme_l" <> "identifier_scheme_r"',
        "identifier missing, or of another scheme",
    )
    return comp


def _address() -> dict[str, Any]:
    addr = 'lower("address_l"), lower("address_r")'
    comp = _comparison(
        "address",
        "address (one line)",
        "address",
        _level('lower("address_l") = lower("address_r")', "same address", 0.70),
        _level(f"jaro_winkler_similarity({addr}) >= 0.9", "address nearly the same", 0.12),
        _else(0.18),
    )
    comp["comparison_levels"][0] = _with_null(
        comp["comparison_levels"][0],
        '("id_number_l" = "id_number_r" AND coalesce(jaro_winkler_similarity('
        '"name_pinyin_l", "name_pinyin_r"), 0) < 0.8) '
        'OR ("street_l" IS NOT NULL AND "street_r" IS NOT NULL)',
        ADDRESS_WITH_ID + "; or compared by its parts",
    )
    return comp


def _tokens_overlap(col: str) -> str:
    """SQL: the two values share at least half the words of the longer one (the words are
    the profile column `<col>_words`). Sharing the first or the last word is tested first:
    it is cheap, and without it the words can hardly overlap by half."""
    left, right = f'"{col}_words_l"', f'"{col}_words_r"'
    guard = (
        f"(list_extract({left}, 1) = list_extract({right}, 1) "
        f"OR list_extract({left}, -1) = list_extract({right}, -1))"
    )
    share = f"2 * len(list_intersect({left}, {right})) >= greatest(len({left}), len({right}))"
    return f"({guard} AND {share})"


# Both given names are there and clearly differ — other first two letters (a typo seldom
# hits both), not an initial or short form, not a nickname of each other, not the family
# name swapped in — and no personal identifier agrees: two people of one household (a
# relative, a flatmate) far more often than one person.
def _other_given_name() -> str:
    """SQL, ordered cheapest first (random pairs stop at the first false)."""
    return (
        '("given_name_l" <> "given_name_r" '
        'AND left("given_name_l", 2) <> left("given_name_r", 2) '
        'AND NOT starts_with("given_name_l", "given_name_r") '
        'AND NOT starts_with("given_name_r", "given_name_l") '
        'AND coalesce(left("given_name_l", 2) <> left("family_name_r", 2), true) '
        # a personal identifier in common (or one typo apart) makes them more than
        # housemates — a given name misrecorded: then the address counts
        'AND NOT coalesce(lower("email_l") = lower("email_r"), false) '
        f"AND NOT coalesce({one_edit('identifier', 2)}, false) "
        'AND NOT list_has_any("given_roots_l", "given_roots_r"))'
    )


ADDRESS_OF_ANOTHER = "missing, or not counted: another given name at this address"


def _address_parts() -> list[dict[str, Any]]:
    """Each part its own comparison. A household shares all of them, so they are not
    counted for two people with clearly different given names (_other_given_name):
    otherwise strangers at one address — twins above all — add up to a match."""
    comps = _parts()
    for comp in comps:
        null = comp["comparison_levels"][0]
        comp["comparison_levels"][0] = _with_null(
            null, _other_given_name(), f"{comp['output_column_name']} {ADDRESS_OF_ANOTHER}"
        )
    return comps


def _parts() -> list[dict[str, Any]]:
    def near(col: str) -> str:
        return f'jaro_winkler_similarity("{col}_l", "{col}_r") >= 0.88'

    return [
        _comparison(
            "street",
            "street",
            "street",
            _level('"street_l" = "street_r"', "same street", 0.80, **_tf("street")),
            _level(
                f"{near('street')} OR {_tokens_overlap('street')}", "street nearly the same", 0.10
            ),
            _else(0.10),
        ),
        _comparison(
            "house_number",
            "house number",
            "house_number",
            _level('"house_number_l" = "house_number_r"', "same house number", 0.80),
            _level(one_edit("house_number"), "house number one edit apart", 0.06),
            _else(0.14),
        ),
        _comparison(
            "locality",
            "locality (city, town or suburb)",
            "locality",
            _level('"locality_l" = "locality_r"', "same locality", 0.85, **_tf("locality")),
            _level(
                f"{near('locality')} OR {_tokens_overlap('locality')}",
                "locality nearly the same",
                0.07,
            ),
            _else(0.08),
        ),
        _comparison(
            "postal_code",
            "postal code",
            "postal_code",
            _level(
                '"postal_code_l" = "postal_code_r"', "same postal code", 0.85, **_tf("postal_code")
            ),
            _level(one_edit("postal_code"), "postal code one edit apart", 0.07),
            _else(0.08),
        ),
        _comparison(
            "address_region",
            "region or state of the address",
            "region",
            _level('"region_l" = "region_r"', "same region", 0.90),
            _else(0.10),
        ),
    ]


def _others() -> list[dict[str, Any]]:
    return [
        _comparison(
            "passport",
            "passport number",
            "passport",
            _level('"passport_l" = "passport_r"', "same passport", 0.95),
            _level(
                'damerau_levenshtein("passport_l", "passport_r") <= 1', "passport one typo", 0.03
            ),
            _else(0.02),
        ),
        _comparison(
            "phone",
            "phone (E.164)",
            "phone",
            _level('"phone_l" = "phone_r"', "same phone", 0.85),
            _else(0.15),
        ),
        _comparison(
            "email",
            "e-mail",
            "email",
            _level('lower("email_l") = lower("email_r")', "same e-mail", 0.85),
            _level(
                "split_part(lower(\"email_l\"), '@', 1) = split_part(lower(\"email_r\"), '@', 1)",
                "same e-mail user name",
                0.05,
            ),
            _else(0.10),
        ),
        _comparison(
            "region",
            "registration region (GB/T 2260)",
            "region_code",
            _level('"region_code_l" = "region_code_r"', "same region", 0.85),
            _level('left("region_code_l", 4) = left("region_code_r", 4)', "same prefecture", 0.07),
            _level('left("region_code_l", 2) = left("region_code_r", 2)', "same province", 0.04),
            _else(0.04),
        ),
    ]


def _sex() -> dict[str, Any]:
    return _comparison(
        "sex", "sex", "sex", _level('"sex_l" = "sex_r"', "same sex", 0.97), _else(0.03)
    )


def all_comparisons() -> list[dict[str, Any]]:
    """Every comparison the model knows, in scoring order."""
    others = {c["output_column_name"]: c for c in _others()}
    return [
        _name(),
        _birth_date(),
        _id_number(),
        others["passport"],
        _identifier(),
        others["phone"],
        others["email"],
        others["region"],
        _address(),
        *_address_parts(),
        _sex(),
    ]


def comparisons(present: frozenset[str] | None = None) -> list[dict[str, Any]]:
    """The comparisons whose column is in `present` (every comparison when None)."""
    out = all_comparisons()
    if present is None:
        return out
    if "id_number" not in present:
        # The relatives' levels are fixed because relatives lend each other resident ID
        # numbers, which EM on pairs sharing one would take for matches. Without ID numbers
        # EM learns them from the data: a register that misrecords given names (FEBRL)
        # shows the same family name with another given name in many true pairs.
        for level in out[0]["comparison_levels"]:
            if level["label_for_charts"] == RELATIVES:
                level.pop("fix_m_probability", None)
    return [c for c in out if REQUIRES[c["output_column_name"]] in present]
