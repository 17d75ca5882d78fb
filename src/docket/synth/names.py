"""Chinese names as token arrays: surname and given-name tables, pinyin, noise substitutions.

A name is three token columns (surname, given 1, given 2; token 0 is the empty string).
Every rendering (Hanzi, traditional, pinyin with or without tones) is a vocabulary lookup,
so a million names render with a few `pyarrow.compute` calls.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from opencc import OpenCC
from pypinyin import Style, lazy_pinyin, pinyin

# Surname frequencies (percent of the population, rounded public survey figures).
SURNAMES: tuple[tuple[str, float], ...] = (
    ("王", 7.1), ("李", 7.0), ("张", 6.7), ("刘", 5.4), ("陈", 4.5), ("杨", 3.1), ("黄", 2.2),
    ("赵", 2.0), ("吴", 2.0), ("周", 1.9), ("徐", 1.3), ("孙", 1.2), ("马", 1.2), ("朱", 1.1),
    ("胡", 1.0), ("郭", 1.0), ("何", 0.9), ("高", 0.9), ("林", 0.9), ("罗", 0.9), ("郑", 0.8),
    ("梁", 0.8), ("谢", 0.6), ("宋", 0.6), ("唐", 0.6), ("许", 0.6), ("韩", 0.5), ("冯", 0.5),
    ("邓", 0.5), ("曹", 0.5), ("彭", 0.5), ("曾", 0.4), ("肖", 0.4), ("田", 0.4), ("董", 0.4),
    ("袁", 0.4), ("潘", 0.35), ("于", 0.35), ("蒋", 0.35), ("蔡", 0.35), ("余", 0.3), ("杜", 0.3),
    ("叶", 0.3), ("程", 0.3), ("苏", 0.3), ("魏", 0.3), ("吕", 0.3), ("丁", 0.3), ("任", 0.3),
    ("沈", 0.3), ("姚", 0.25), ("卢", 0.25), ("姜", 0.25), ("崔", 0.2), ("钟", 0.2), ("谭", 0.2),
    ("陆", 0.2), ("汪", 0.2), ("范", 0.2), ("金", 0.2), ("石", 0.2), ("廖", 0.2), ("贾", 0.2),
    ("夏", 0.2), ("韦", 0.2), ("付", 0.2), ("方", 0.2), ("白", 0.2), ("邹", 0.2), ("孟", 0.2),
    ("熊", 0.2), ("秦", 0.2), ("邱", 0.2), ("江", 0.2), ("尹", 0.15), ("薛", 0.15), ("闫", 0.15),
    ("段", 0.15), ("雷", 0.15), ("侯", 0.15), ("龙", 0.15), ("史", 0.15), ("陶", 0.1), ("黎", 0.1),
    ("贺", 0.1), ("顾", 0.1), ("毛", 0.1), ("郝", 0.1), ("龚", 0.1), ("邵", 0.1), ("万", 0.1),
    ("钱", 0.1), ("严", 0.1), ("覃", 0.1), ("武", 0.1), ("戴", 0.1), ("莫", 0.1), ("孔", 0.1),
    ("向", 0.1), ("汤", 0.1), ("单", 0.05), ("解", 0.03), ("仇", 0.02),
    ("欧阳", 0.05), ("司马", 0.01), ("诸葛", 0.005), ("上官", 0.005), ("司徒", 0.01),
    ("皇甫", 0.003), ("令狐", 0.002), ("东方", 0.003),
)  # fmt: skip

# Surname readings pypinyin gets wrong (it reads them as common words).
_SURNAME_PINYIN = {
    "曾": ("zeng", "zēng"), "单": ("shan", "shàn"), "解": ("xie", "xiè"), "仇": ("qiu", "qiú"),
    "覃": ("qin", "qín"), "区": ("ou", "ōu"), "朴": ("piao", "piáo"), "查": ("zha", "zhā"),
}  # fmt: skip

MALE_CHARS = (
    "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆帅旭宁龙林"
    "阳建国文志海东亮成峰鸿博然轩泽睿晨宏振洋毅卫兵庆春生德福永祥"
)
FEMALE_CHARS = (
    "芳娜敏静丽艳娟霞秀英慧玲婷雪琳颖倩洁梅兰晶莉燕萍红玉欣"
    "怡佳雨思梦璐涵悦琪瑶蕾丹薇月婧妍君桂凤美秋"
)

# The most frequent full names (surname, given, sex): the "same name, different person" noise.
COMMON_NAMES: tuple[tuple[str, str, str], ...] = (
    ("张", "伟", "M"), ("王", "伟", "M"), ("王", "芳", "F"), ("李", "伟", "M"), ("李", "娜", "F"),
    ("张", "敏", "F"), ("李", "静", "F"), ("王", "静", "F"), ("刘", "伟", "M"), ("王", "秀英", "F"),
    ("张", "丽", "F"), ("李", "秀英", "F"), ("王", "丽", "F"), ("张", "静", "F"), ("李", "强", "M"),
    ("王", "敏", "F"), ("李", "敏", "F"), ("王", "磊", "M"), ("刘", "洋", "M"), ("王", "勇", "M"),
)  # fmt: skip

# Same (or nearly the same) reading, different character: what a clerk types from hearing.
HOMOPHONES: dict[str, str] = {
    "伟": "炜玮", "丽": "莉俪", "芳": "方舫", "静": "婧净", "敏": "珉闵", "军": "君钧",
    "明": "铭鸣", "华": "骅桦", "杰": "捷洁", "涛": "滔焘", "强": "蔷", "磊": "垒",
    "娜": "那", "婷": "亭庭", "勇": "永咏", "刚": "钢", "平": "萍苹", "辉": "晖", "鹏": "朋",
    "飞": "菲斐", "宇": "雨羽", "浩": "昊皓", "凯": "楷恺", "健": "建剑", "俊": "峻骏",
    "龙": "隆", "林": "琳霖", "阳": "洋扬", "文": "雯闻", "志": "智致", "东": "冬栋",
    "成": "诚承", "峰": "锋枫", "鸿": "宏弘", "晨": "辰琛", "振": "震", "秀": "绣", "英": "瑛莹",
    "慧": "惠蕙", "玲": "铃", "琳": "霖", "颖": "莹", "倩": "茜", "洁": "婕", "梅": "玫",
    "兰": "岚澜", "晶": "菁", "莉": "俐", "燕": "雁", "红": "虹", "玉": "钰", "欣": "馨昕",
    "怡": "宜仪", "佳": "嘉", "思": "斯", "涵": "晗", "悦": "越", "琪": "琦祺", "瑶": "遥",
    "月": "玥", "帆": "凡", "旭": "煦", "博": "搏", "宏": "弘", "洋": "扬", "毅": "艺",
    "王": "汪", "张": "章", "刘": "柳", "李": "黎", "杨": "阳", "黄": "皇", "吴": "武",
    "周": "舟", "徐": "许", "孙": "荪", "胡": "湖", "何": "和", "郑": "正", "赵": "照",
    "马": "玛", "高": "郜", "梁": "良", "罗": "萝", "陈": "辰",
}  # fmt: skip

# Look-alike characters: what a clerk types from a blurred scan.
LOOKALIKES: dict[str, str] = {
    "王": "玉", "玉": "王", "杨": "扬", "李": "季", "明": "朋", "林": "材", "婷": "停",
    "娟": "绢", "斌": "赋", "波": "坡", "健": "键", "俊": "浚", "峰": "锋", "晶": "晟",
    "徐": "涂", "陈": "陆", "静": "睁", "红": "江", "辉": "晖", "浩": "皓", "鹏": "棚",
    "飞": "丸", "凯": "剀", "洁": "浩", "梅": "海", "兰": "兴", "宇": "字", "雪": "雷",
    "丹": "舟", "平": "乎", "文": "父", "华": "毕", "军": "车", "伟": "佛",
}  # fmt: skip

NICKNAMES = (
    "快乐小猪", "追风少年", "一路向北", "小确幸", "夏天的风", "岁月静好", "星辰大海", "南山南",
    "奔跑的蜗牛", "吃货一枚", "等风来", "小太阳", "路人甲", "晴天", "柠檬不酸", "大橙子",
    "Sunny", "Leo", "Coco", "Tiger", "momo", "阿飞", "老张", "小明同学", "山海", "青柠",
)  # fmt: skip


@dataclass(frozen=True)
class Vocab:
    """Token tables: one entry per surname or character, with all its renderings."""

    text: pa.Array  # simplified Hanzi
    trad: pa.Array  # traditional Hanzi
    py: pa.Array  # tone-less pinyin, ü as v ('lv')
    py_u: pa.Array  # ü as u ('lu')
    py_umlaut: pa.Array  # ü kept ('lü')
    py_tone: pa.Array  # with tone marks ('lǚ')
    py_icao: pa.Array  # passport convention: ü as yu after l/n ('lyu')
    py_spaced: pa.Array  # tone-less, one space between syllables ('ou yang')
    homophone: np.ndarray  # (tokens, 2) alternative token ids, 0 = none
    lookalike: np.ndarray  # (tokens, 1)
    surname_ids: np.ndarray
    surname_p: np.ndarray
    male_ids: np.ndarray
    female_ids: np.ndarray
    index: dict[str, int]


def _char_pinyin(text: str, surname: bool) -> tuple[str, str]:
    if surname and text in _SURNAME_PINYIN:
        return _SURNAME_PINYIN[text]
    plain = "".join(lazy_pinyin(text))
    tone = "".join(p[0] for p in pinyin(text, style=Style.TONE))
    return plain, tone


@cache
def vocab() -> Vocab:
    """Build the token vocabulary once (a few hundred entries)."""
    tokens: list[str] = [""]
    index: dict[str, int] = {"": 0}
    surname_set = {s for s, _ in SURNAMES}

    def add(t: str) -> int:
        if t not in index:
            index[t] = len(tokens)
            tokens.append(t)
        return index[t]

    surname_ids = np.array([add(s) for s, _ in SURNAMES], dtype=np.int32)
    weights = np.array([w for _, w in SURNAMES])
    male_ids = np.array([add(c) for c in MALE_CHARS], dtype=np.int32)
    female_ids = np.array([add(c) for c in FEMALE_CHARS], dtype=np.int32)
    for surname, given, _ in COMMON_NAMES:
        add(surname)
        for c in given:
            add(c)
    for table in (HOMOPHONES, LOOKALIKES):
        for k, alts in table.items():
            if k.strip():
                add(k)
                for a in alts:
                    add(a)
    homophone = np.zeros((len(tokens), 2), dtype=np.int32)
    lookalike = np.zeros((len(tokens), 1), dtype=np.int32)
    for k, alts in HOMOPHONES.items():
        if k in index and alts:
            ids = [index[a] for a in alts]
            homophone[index[k]] = [ids[0], ids[-1]]
    for k, alts in LOOKALIKES.items():
        if k in index and alts:
            lookalike[index[k], 0] = index[alts[0]]
    s2t = OpenCC("s2t")
    trad = [s2t.convert(t) for t in tokens]
    plain, tone = zip(*[_char_pinyin(t, t in surname_set) for t in tokens], strict=True)
    py_u = [p.replace("v", "u") for p in plain]
    umlaut = [p.replace("v", "ü") for p in plain]
    icao = [p.replace("lv", "lyu").replace("nv", "nyu").replace("v", "u") for p in plain]
    return Vocab(
        text=pa.array(tokens),
        trad=pa.array(trad),
        py=pa.array(list(plain)),
        py_u=pa.array(py_u),
        py_umlaut=pa.array(umlaut),
        py_tone=pa.array(list(tone)),
        py_icao=pa.array(icao),
        py_spaced=pa.array(
            [
                " ".join(lazy_pinyin(t)) if len(t) > 1 else p
                for t, p in zip(tokens, plain, strict=True)
            ]
        ),
        homophone=homophone,
        lookalike=lookalike,
        surname_ids=surname_ids,
        surname_p=weights / weights.sum(),
        male_ids=male_ids,
        female_ids=female_ids,
        index=index,
    )


def join(*parts: pa.Array | str, sep: str = "") -> pa.Array:
    """Element-wise string concatenation (scalars broadcast); null in → null out."""
    return pc.binary_join_element_wise(*parts, sep)


def render(table: pa.Array, tokens: np.ndarray) -> pa.Array:
    """Look tokens up in one rendering table."""
    return pc.take(table, pa.array(tokens))


def hanzi(
    s: np.ndarray, g1: np.ndarray, g2: np.ndarray, traditional: np.ndarray | None = None
) -> pa.Array:
    """Full Hanzi names; rows flagged `traditional` in traditional characters."""
    v = vocab()
    out = join(render(v.text, s), render(v.text, g1), render(v.text, g2))
    if traditional is not None and traditional.any():
        trad = join(render(v.trad, s), render(v.trad, g1), render(v.trad, g2))
        out = pc.if_else(pa.array(traditional), trad, out)
    return out


def perturb_tokens(
    rng: np.random.Generator,
    s: np.ndarray,
    g1: np.ndarray,
    g2: np.ndarray,
    p_homophone: float,
    p_lookalike: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Replace one character of some names by a homophone or a look-alike.

    The character is drawn among those that have an alternative, so a chosen name changes
    whenever any of its characters can.
    """
    v = vocab()
    n = len(s)
    cols = [s.copy(), g1.copy(), g2.copy()]
    u = rng.random(n)
    kind = np.where(u < p_homophone, 1, np.where(u < p_homophone + p_lookalike, 2, 0))
    score = rng.random((n, 3))
    alt_pick = rng.integers(0, 2, n)
    for k, table in ((1, v.homophone), (2, v.lookalike)):
        rows = np.flatnonzero(kind == k)
        if not len(rows):
            continue
        j = np.minimum(alt_pick[rows], table.shape[1] - 1)
        alts = np.stack([table[c[rows], j] for c in cols], axis=1)  # (m, 3)
        best = np.argmax(np.where(alts > 0, score[rows], -1.0), axis=1)
        chosen = alts[np.arange(len(rows)), best]
        for pos, col in enumerate(cols):
            m = (best == pos) & (chosen > 0)
            col[rows[m]] = chosen[m]
    return cols[0], cols[1], cols[2]


def has_variants(s: np.ndarray, g1: np.ndarray, g2: np.ndarray) -> np.ndarray:
    """Names that change under each of homophone, look-alike and traditional noise."""
    v = vocab()
    trad = np.array(v.trad.to_pylist(), dtype=object) != np.array(v.text.to_pylist(), dtype=object)
    ok = np.ones(len(s), dtype=bool)
    for flags in (v.homophone[:, 0] > 0, v.lookalike[:, 0] > 0, trad):
        ok &= flags[s] | flags[g1] | flags[g2]
    return ok


def given_pinyin(table: pa.Array, g1: np.ndarray, g2: np.ndarray, sep: str = "") -> pa.Array:
    """Given-name syllables joined by `sep` (no trailing separator for one-character names)."""
    a, b = render(table, g1), render(table, g2)
    if not sep:
        return join(a, b)
    return pc.if_else(pa.array(g2 > 0), join(a, b, sep=sep), a)


def truth_pinyin(s: np.ndarray, g1: np.ndarray, g2: np.ndarray) -> pa.Array:
    """Tone-less pinyin, family first, space-separated syllables ('ou yang xiao ming')."""
    v = vocab()
    return join(render(v.py_spaced, s), given_pinyin(v.py, g1, g2, sep=" "), sep=" ")
