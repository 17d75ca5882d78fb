"""Personal names: Hanzi (simplified or traditional) and Latin forms reach one key.

- Hanzi: traditional → simplified with OpenCC 't2s' (character by character, memoised),
  tone-less pinyin from pypinyin (memoised per character), surname readings and compound
  surnames from `_pinyin_tables`. Minority names written with a middle dot (阿依古丽·买买提)
  keep the dot and get no family/given split.
- Latin: tone marks stripped, ü written u/v/ü/yu folded to u, 'SURNAME/Given' and
  'SURNAME, Given' give the family ('/Given' says there is none); otherwise an ALL-CAPS
  token, else the more common surname of the first and last token, else the first token.
  Run-together pinyin is split into syllables ('XIAOMING' → xiao ming), preferring the
  split that needs no apostrophe (pinyin writes xi'an, so 'xian' is one syllable).
- Other names: casefolded, accents stripped, punctuation dropped; family is the last token
  unless the comma or slash form says otherwise.

`key` is the sorted syllables (or tokens) joined: '张伟', '張偉', 'ZHANG/WEI', 'Wei Zhang'
and 'Zhāng Wěi' all give 'weizhang'. It is a matching key, not a display form.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal, NamedTuple

from opencc import OpenCC
from pypinyin import Style, lazy_pinyin

from docket.normalize._pinyin_tables import (
    COMPOUND_SURNAME_PINYIN,
    COMPOUND_SURNAMES,
    SURNAME_RANK,
    SURNAME_READINGS,
    SYLLABLE_ALIASES,
    SYLLABLES,
)
from docket.normalize._text import as_text, empty_reason, strip_accents
from docket.normalize.result import Result, fail, ok

Script = Literal["han", "latin"]
_MAX_LEN = 200


class NameParts(NamedTuple):
    """A normalised personal name. `family`/`given` are pinyin (or Latin) without spaces."""

    hanzi: str | None
    pinyin: str
    family: str | None
    given: str | None
    key: str
    initials: str
    script: Script

    @property
    def canonical(self) -> str:
        """A text form that normalises back to these parts: simplified Hanzi, or
        'family/given' with pinyin syllables kept apart by apostrophes ("e/a'o")."""
        if self.hanzi is not None:
            return self.hanzi
        words = self.pinyin.split()
        pinyin = all(w in SYLLABLES for w in words)
        glue = "'" if pinyin else " "
        cut = 0
        if self.family is not None:
            joiner = "" if pinyin else " "
            prefixes = (
                k for k in range(1, len(words) + 1) if joiner.join(words[:k]) == self.family
            )
            cut = next(prefixes, len(words))
        return f"{glue.join(words[:cut])}/{glue.join(words[cut:])}"


_HAN_RANGES = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_NAME_DOTS = "·•・‧∙⋅"
_HAN = re.compile(f"[{_HAN_RANGES}]")
_HAN_OR_DOT = re.compile(f"[{_HAN_RANGES}{_NAME_DOTS}]")
_CC: OpenCC | None = None
_SIMPLIFIED: dict[str, str] = {}
_PINYIN: dict[str, str | None] = {}


def _simplify(ch: str) -> str:
    try:
        return _SIMPLIFIED[ch]
    except KeyError:
        pass
    global _CC
    if _CC is None:
        _CC = OpenCC("t2s")
    out = str(_CC.convert(ch))
    _SIMPLIFIED[ch] = out = out if len(out) == 1 else ch
    return out


def _fold_v(syllable: str) -> str:
    return SYLLABLE_ALIASES.get(syllable, syllable)


def _char_pinyin(ch: str) -> str | None:
    try:
        return _PINYIN[ch]
    except KeyError:
        pass
    reading = lazy_pinyin(ch, style=Style.NORMAL, errors="ignore")
    syllable = reading[0] if reading else ""
    out = _fold_v(syllable) if syllable.isascii() and syllable.isalpha() else None
    _PINYIN[ch] = out
    return out


def _han(text: str) -> Result[NameParts]:
    chars = [("·" if c in _NAME_DOTS else _simplify(c)) for c in _HAN_OR_DOT.findall(text)]
    hanzi = "·".join(p for p in "".join(chars).split("·") if p)
    plain = hanzi.replace("·", "")
    family_chars = ""
    if "·" not in hanzi and len(plain) >= 2:
        family_chars = plain[:2] if len(plain) >= 3 and plain[:2] in COMPOUND_SURNAMES else plain[0]
    if family_chars in COMPOUND_SURNAMES:
        family_syl = COMPOUND_SURNAMES[family_chars].split()
    elif family_chars:
        reading = SURNAME_READINGS.get(family_chars) or _char_pinyin(family_chars)
        family_syl = [reading] if reading else []
    else:
        family_syl = []
    given_syl = [s for c in plain[len(family_chars) :] if (s := _char_pinyin(c))]
    syllables = family_syl + given_syl
    if not syllables:
        return fail("no readable Chinese characters")
    return ok(
        NameParts(
            hanzi=hanzi,
            pinyin=" ".join(syllables),
            family="".join(family_syl) if family_chars else None,
            given=("".join(given_syl) or None) if family_chars else None,
            key="".join(sorted(syllables)),
            initials="".join(s[0] for s in syllables),
            script="han",
        )
    )


_VOWELS = frozenset("aoe")
_SEGMENTS: dict[str, tuple[str, ...] | None] = {}


# Each spelling a syllable may take inside a token → (syllable, 1 if an alias spelling).
_PIECES: dict[str, tuple[str, int]] = {
    **{alias: (syl, 1) for alias, syl in SYLLABLE_ALIASES.items()},
    **{syl: (syl, 0) for syl in SYLLABLES},
}


def _segment(piece: str) -> tuple[str, ...] | None:
    """Split run-together pinyin into syllables, or None when it is not pinyin.

    Among all splits, prefer the one with fewest non-initial syllables starting with a, o or e
    (pinyin would have written an apostrophe there), then fewest alias spellings, then fewest
    syllables.
    """
    if piece in _SEGMENTS:
        return _SEGMENTS[piece]
    n = len(piece)
    # for piece[i:]: the best score (vowel starts, aliases, syllables), its first syllable
    # and where the rest starts; None when piece[i:] does not split into syllables
    score: list[tuple[int, int, int] | None] = [None] * (n + 1)
    first: list[str] = [""] * (n + 1)
    after = [0] * (n + 1)
    score[n] = (0, 0, 0)
    for i in range(n - 1, -1, -1):
        for j in range(i + 1, (i + 6 if i + 6 < n else n) + 1):
            rest = score[j]
            if rest is None:
                continue
            hit = _PIECES.get(piece[i:j])
            if hit is None:
                continue
            cand, alias = hit
            mine = (rest[0] + (i > 0 and cand[0] in _VOWELS), rest[1] + alias, rest[2] + 1)
            best = score[i]
            if best is None or mine < best:
                score[i], first[i], after[i] = mine, cand, j
    out: tuple[str, ...] | None = None
    if n and score[0] is not None:
        syllables, i = [], 0
        while i < n:
            syllables.append(first[i])
            i = after[i]
        out = tuple(syllables)
    if len(_SEGMENTS) < 200_000:
        _SEGMENTS[piece] = out
    return out


_TOKEN = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
_APOSTROPHES = re.compile(r"['’-]")


def _tokens(part: str) -> list[str]:
    """Words of a name part (original case kept); apostrophes and hyphens stay inside words."""
    return _TOKEN.findall(part)


def _token_syllables(token: str) -> tuple[str, ...] | None:
    """Syllables of a token, split at apostrophes and hyphens first; when a piece is not
    pinyin, of the token without them ("AK'E" → a ke: the other reading, 'ake', would read
    as pinyin when normalised again)."""
    out: list[str] = []
    folded = token.casefold()
    pieces = _APOSTROPHES.split(folded)
    for piece in pieces:
        seg = _segment(piece)
        if seg is None:
            return _segment("".join(pieces)) if len(pieces) > 1 else None
        out.extend(seg)
    return tuple(out)


def _rank(token_syl: tuple[str, ...]) -> int | None:
    return SURNAME_RANK.get("".join(token_syl))


def _latin(text: str) -> Result[NameParts]:
    text = strip_accents(text).replace("ü", "u").replace("Ü", "U")
    family_part: str | None = None
    if text.startswith("/"):  # '/Given': explicitly no family name
        given_part = text[1:]
    elif "/" in text:
        family_part, _, given_part = text.partition("/")
    elif "," in text:
        family_part, _, given_part = text.partition(",")
    else:
        given_part = text
    fam_tokens = _tokens(family_part) if family_part is not None else []
    given_tokens = _tokens(given_part)
    tokens = fam_tokens + given_tokens
    if not tokens:
        return fail("no letters in the name")
    # n_family: how many leading tokens are the family name; -1 when unmarked, 0 when none.
    n_family = 0 if text.startswith("/") else len(fam_tokens) if family_part is not None else -1
    syl = [_token_syllables(t) for t in tokens]
    if all(s is not None for s in syl):
        return _latin_pinyin(tokens, [s for s in syl if s is not None], n_family)
    return _latin_other([t.casefold() for t in tokens], n_family)


def _family_index(tokens: list[str], syl: list[tuple[str, ...]]) -> int:
    """Which token of an unmarked Latin name is the family name."""
    caps = [i for i, t in enumerate(tokens) if t.isupper() and len(t) > 1]
    if len(caps) == 1 and len(tokens) > 1 and not all(t.isupper() for t in tokens):
        return caps[0]
    first, last = _rank(syl[0]), _rank(syl[-1])
    if last is not None and (first is None or last < first):
        return len(tokens) - 1
    return 0


def _latin_pinyin(
    tokens: list[str], syl: list[tuple[str, ...]], n_family: int
) -> Result[NameParts]:
    if n_family >= 0:
        family_syl = [s for t in syl[:n_family] for s in t]
        given_syl = [s for t in syl[n_family:] for s in t]
    elif len(tokens) == 1:
        whole = syl[0]
        cut = 2 if "".join(whole[:2]) in COMPOUND_SURNAME_PINYIN and len(whole) > 2 else 1
        if len(whole) > cut and "".join(whole[:cut]) in SURNAME_RANK:
            family_syl, given_syl = list(whole[:cut]), list(whole[cut:])
        else:
            family_syl, given_syl = [], list(whole)
    else:
        fi = _family_index(tokens, syl)
        family_syl = list(syl[fi])
        given_syl = [s for i, t in enumerate(syl) if i != fi for s in t]
    syllables = family_syl + given_syl
    return ok(
        NameParts(
            hanzi=None,
            pinyin=" ".join(syllables),
            family="".join(family_syl) or None,
            given=("".join(given_syl) or None) if family_syl else None,
            key="".join(sorted(syllables)),
            initials="".join(s[0] for s in syllables),
            script="latin",
        )
    )


def _latin_other(tokens: list[str], n_family: int) -> Result[NameParts]:
    words = [_APOSTROPHES.sub("", t) for t in tokens]
    if n_family >= 0:
        family, given = words[:n_family], words[n_family:]
    elif len(words) > 1:
        family, given = words[-1:], words[:-1]
    else:
        family, given = [], words
    ordered = family + given
    return ok(
        NameParts(
            hanzi=None,
            pinyin=" ".join(ordered),
            family=" ".join(family) or None,
            given=(" ".join(given) or None) if family else None,
            key="".join(sorted(ordered)),
            initials="".join(w[0] for w in ordered),
            script="latin",
        )
    )


def normalize_name(raw: object) -> Result[NameParts]:
    """Normalise a personal name written in Hanzi or in Latin letters."""
    text = as_text(raw)
    if text is None:
        return fail(empty_reason(raw))
    if len(text) > _MAX_LEN:
        return fail(f"longer than {_MAX_LEN} characters")
    if _HAN.search(text):
        return _han(text)
    if not any(c.isalpha() for c in text):
        return fail("no letters in the name")
    return _latin(unicodedata.normalize("NFC", text))


__all__ = ["NameParts", "normalize_name"]
