"""Names: Hanzi, traditional Hanzi and Latin transcriptions reach one key."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docket.normalize import normalize_name

ZHANG_WEI = ["ZHANG/WEI", "Wei Zhang", "张伟", "張偉", "zhang wei", "Zhāng Wěi", "ZHANG WEI"]


@pytest.mark.parametrize("raw", [*ZHANG_WEI, "Zhang Wei", "ZHANGWEI", "Wei ZHANG", "ZHANG, Wei"])
def test_every_form_of_zhang_wei_gives_one_key(raw: str) -> None:
    parts = normalize_name(raw).value
    assert parts is not None
    assert parts.key == "weizhang"
    assert parts.pinyin == "zhang wei"
    assert (parts.family, parts.given, parts.initials) == ("zhang", "wei", "zw")


def test_hanzi_is_simplified_and_marked_as_han() -> None:
    parts = normalize_name("張偉").value
    assert parts is not None
    assert (parts.hanzi, parts.script) == ("张伟", "han")
    assert normalize_name("ZHANG/WEI").value.script == "latin"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("hanzi", "latin", "family", "pinyin"),
    [
        ("张小明", "ZHANG/XIAOMING", "zhang", "zhang xiao ming"),
        ("欧阳娜娜", "OUYANG/NANA", "ouyang", "ou yang na na"),
        ("司马光", "Sima Guang", "sima", "si ma guang"),
        ("诸葛亮", "ZHUGE LIANG", "zhuge", "zhu ge liang"),
        ("曾国藩", "Zeng Guofan", "zeng", "zeng guo fan"),
        ("单雄信", "SHAN/XIONGXIN", "shan", "shan xiong xin"),
        ("解缙", "Xie Jin", "xie", "xie jin"),
        ("仇英", "QIU/YING", "qiu", "qiu ying"),
        ("区永", "Ou Yong", "ou", "ou yong"),
        ("朴树", "PIAO/SHU", "piao", "piao shu"),
        ("翟天临", "ZHAI/TIANLIN", "zhai", "zhai tian lin"),
        ("吕布", "Lü Bu", "lu", "lu bu"),
        ("吕布", "LYU/BU", "lu", "lu bu"),
        ("吕布", "LV BU", "lu", "lu bu"),
    ],
)
def test_surnames_compound_and_polyphonic(hanzi: str, latin: str, family: str, pinyin: str) -> None:
    han, lat = normalize_name(hanzi).value, normalize_name(latin).value
    assert han is not None and lat is not None
    assert (han.family, han.pinyin) == (family, pinyin)
    assert (lat.family, lat.pinyin, lat.key) == (family, pinyin, han.key)


def test_run_together_pinyin_prefers_the_split_without_an_apostrophe() -> None:
    assert normalize_name("Li Xian").value.pinyin == "li xian"  # type: ignore[union-attr]
    assert normalize_name("Li Xi'an").value.pinyin == "li xi an"  # type: ignore[union-attr]
    assert normalize_name("Xiao-Ming Wang").value.key == normalize_name("王晓明").value.key  # type: ignore[union-attr]


def test_minority_name_with_middle_dot_keeps_the_dot_and_has_no_split() -> None:
    parts = normalize_name("阿依古丽•买买提").value
    assert parts is not None
    assert (parts.hanzi, parts.family, parts.given) == ("阿依古丽·买买提", None, None)


@pytest.mark.parametrize("raw", ["John Smith", "Smith, John", "SMITH/JOHN", "john  SMITH"])
def test_non_chinese_names_are_order_insensitive(raw: str) -> None:
    parts = normalize_name(raw).value
    assert parts is not None
    assert (parts.key, parts.family, parts.given) == ("johnsmith", "smith", "john")


def test_non_chinese_accents_and_punctuation() -> None:
    a = normalize_name("Seán O'Brien").value
    b = normalize_name("O'BRIEN, Sean").value
    assert a is not None and b is not None
    assert a.key == b.key == "obriensean"
    assert a.family == "obrien"


@pytest.mark.parametrize("raw", [None, "", "   ", "123", "!!!", "x" * 500, 42])
def test_junk_gives_none_and_a_reason(raw: object) -> None:
    result = normalize_name(raw)
    assert result.value is None
    assert result.reason


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_never_raises_and_is_idempotent_on_any_text(raw: str) -> None:
    result = normalize_name(raw)
    assert (result.value is None) == (result.reason is not None)
    if result.value is not None:
        again = normalize_name(result.value.canonical).value
        assert again == result.value


_HAN = st.sampled_from(
    list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐伟芳娜敏静丽强磊军洋")
)
_TRAD = {"张": "張", "刘": "劉", "陈": "陳", "杨": "楊", "黄": "黃", "赵": "趙", "吴": "吳"}
_TRAD |= {"孙": "孫", "马": "馬", "郑": "鄭", "梁": "梁", "谢": "謝", "伟": "偉", "丽": "麗"}
_TRAD |= {"强": "強", "军": "軍", "罗": "羅", "周": "周", "静": "靜"}


@settings(max_examples=200, deadline=None)
@given(st.lists(_HAN, min_size=2, max_size=3))
def test_traditional_simplified_and_latin_forms_agree(chars: list[str]) -> None:
    simplified = "".join(chars)
    traditional = "".join(_TRAD.get(c, c) for c in chars)
    han = normalize_name(simplified).value
    trad = normalize_name(traditional).value
    assert han is not None and trad is not None
    assert trad == han
    assert han.family is not None
    given_ = han.given or ""
    for latin in (
        f"{han.family.upper()}/{given_.upper()}",
        f"{given_.title()} {han.family.title()}",
        f"{han.family} {given_}",
    ):
        lat = normalize_name(latin).value
        assert lat is not None
        assert lat.key == han.key, latin
