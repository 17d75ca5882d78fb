"""Telling a person's name from an alias ('奔跑的蜗牛', 'Sunny', '老张').

Social-media display names are often not names at all. Compared as names they
look like a different person; they are better treated as no name evidence. A
Hanzi name is a person name when it is 2–4 characters long and starts with one of
the ~200 most common surnames (which cover well over 95% of the population) or a
compound surname; a Latin name when it has at least two tokens. Anything else is
an alias.
"""

from __future__ import annotations

from docket.normalize._pinyin_tables import COMPOUND_SURNAMES

# The most common single-character surnames (public frequency lists, simplified).
# 阿 is left out on purpose: 阿X is far more often a nickname (阿飞, 阿强) than a surname.
COMMON_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏"
    "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚"
    "邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘"
    "祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾"
    "尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师"
    "和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳"
    "谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门"
    "云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈"
)

_COMPOUND = tuple(COMPOUND_SURNAMES)


def person_name_sql(hanzi: str = "name_hanzi", pinyin: str = "name_pinyin") -> str:
    """SQL: TRUE when the name looks like a person's name, FALSE for an alias, NULL if none."""
    compound = ", ".join(f"'{c}'" for c in _COMPOUND)
    return f"""(CASE
        WHEN {pinyin} IS NULL THEN NULL
        WHEN {hanzi} IS NOT NULL THEN length({hanzi}) BETWEEN 2 AND 4 AND (
            (length({hanzi}) <= 3 AND strpos('{COMMON_SURNAMES}', left({hanzi}, 1)) > 0)
            OR left({hanzi}, 2) IN ({compound}))
        ELSE strpos(trim({pinyin}), ' ') > 0
    END)"""
