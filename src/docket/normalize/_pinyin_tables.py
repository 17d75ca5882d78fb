"""Pinyin syllables and Chinese surnames: the tables the name normaliser reads (private)."""

from __future__ import annotations

# Tone-less Hanyu Pinyin syllables; ü is folded to u (lü → lu, nüe → nue), as passports do.
_SYLLABLE_TEXT = """
a ai an ang ao ba bai ban bang bao bei ben beng bi bian biao bie bin bing bo bu ca cai can
cang cao ce cen ceng cha chai chan chang chao che chen cheng chi chong chou chu chua chuai
chuan chuang chui chun chuo ci cong cou cu cuan cui cun cuo da dai dan dang dao de dei deng
di dia dian diao die ding diu dong dou du duan dui dun duo e ei en eng er fa fan fang fei
fen feng fo fou fu ga gai gan gang gao ge gei gen geng gong gou gu gua guai guan guang gui
gun guo ha hai han hang hao he hei hen heng hong hou hu hua huai huan huang hui hun huo ji
jia jian jiang jiao jie jin jing jiong jiu ju juan jue jun ka kai kan kang kao ke ken keng
kong kou ku kua kuai kuan kuang kui kun kuo la lai lan lang lao le lei leng li lia lian
liang liao lie lin ling liu long lou lu luan lue lun luo ma mai man mang mao me mei men meng
mi mian miao mie min ming miu mo mou mu na nai nan nang nao ne nei nen neng ni nia nian
niang niao nie nin ning niu nong nou nu nuan nue nuo o ou pa pai pan pang pao pei pen peng
pi pian piao pie pin ping po pou pu qi qia qian qiang qiao qie qin qing qiong qiu qu quan
que qun ran rang rao re ren reng ri rong rou ru rua ruan rui run ruo sa sai san sang sao se
sen seng sha shai shan shang shao she shen sheng shi shou shu shua shuai shuan shuang shui
shun shuo si song sou su suan sui sun suo ta tai tan tang tao te teng ti tian tiao tie ting
tong tou tu tuan tui tun tuo wa wai wan wang wei wen weng wo wu xi xia xian xiang xiao xie
xin xing xiong xiu xu xuan xue xun ya yan yang yao ye yi yin ying yong you yu yuan yue yun
za zai zan zang zao ze zei zen zeng zha zhai zhan zhang zhao zhe zhen zheng zhi zhong zhou
zhu zhua zhuai zhuan zhuang zhui zhun zhuo zi zong zou zu zuan zui zun zuo
"""
SYLLABLES = frozenset(_SYLLABLE_TEXT.split())
# Other spellings of ü-syllables: v (IME, pypinyin) and yu (passports since 2012).
SYLLABLE_ALIASES = {
    "lv": "lu",
    "nv": "nu",
    "lve": "lue",
    "nve": "nue",
    "lyu": "lu",
    "nyu": "nu",
    "lyue": "lue",
    "nyue": "nue",
}

# Readings of characters as surnames where pypinyin's everyday reading is wrong.
SURNAME_READINGS = {
    "曾": "zeng",
    "单": "shan",
    "解": "xie",
    "仇": "qiu",
    "区": "ou",
    "朴": "piao",
    "查": "zha",
    "盖": "ge",
    "覃": "qin",
    "乐": "yue",
    "缪": "miao",
    "翟": "zhai",
    "种": "chong",
    "召": "shao",
    "折": "she",
    "员": "yun",
    "繁": "po",
    "句": "gou",
    "秘": "bi",
    "黑": "he",
    "能": "nai",
    "阚": "kan",
    "隗": "wei",
    "薄": "bo",
    "重": "chong",
    "藏": "zang",
    "都": "du",
    "洗": "xian",
    "卜": "bu",
    "蕃": "pi",
    "佴": "nai",
    "长": "chang",
    "祭": "zhai",
    "适": "kuo",
    "柏": "bai",
    "宿": "su",
    "尉": "wei",
}

# Compound (two-character) surnames and their readings.
COMPOUND_SURNAMES = {
    "欧阳": "ou yang",
    "司马": "si ma",
    "诸葛": "zhu ge",
    "上官": "shang guan",
    "司徒": "si tu",
    "东方": "dong fang",
    "夏侯": "xia hou",
    "皇甫": "huang fu",
    "尉迟": "yu chi",
    "公孙": "gong sun",
    "慕容": "mu rong",
    "长孙": "zhang sun",
    "宇文": "yu wen",
    "令狐": "ling hu",
    "端木": "duan mu",
    "西门": "xi men",
    "南宫": "nan gong",
    "独孤": "du gu",
    "钟离": "zhong li",
    "赫连": "he lian",
    "太史": "tai shi",
    "公冶": "gong ye",
    "澹台": "tan tai",
    "宗政": "zong zheng",
    "濮阳": "pu yang",
    "淳于": "chun yu",
    "单于": "chan yu",
    "太叔": "tai shu",
    "申屠": "shen tu",
    "轩辕": "xuan yuan",
    "仲孙": "zhong sun",
    "闻人": "wen ren",
    "万俟": "mo qi",
    "呼延": "hu yan",
    "司空": "si kong",
    "百里": "bai li",
    "东郭": "dong guo",
    "第五": "di wu",
    "乐正": "yue zheng",
    "拓跋": "tuo ba",
    "鲜于": "xian yu",
    "闾丘": "lu qiu",
    "左丘": "zuo qiu",
    "公羊": "gong yang",
    "梁丘": "liang qiu",
    "谷梁": "gu liang",
    "漆雕": "qi diao",
    "巫马": "wu ma",
    "亓官": "qi guan",
    "司寇": "si kou",
    "颛孙": "zhuan sun",
    "公良": "gong liang",
    "公西": "gong xi",
    "宰父": "zai fu",
}
COMPOUND_SURNAME_PINYIN = frozenset(v.replace(" ", "") for v in COMPOUND_SURNAMES.values())

# Common surnames in pinyin, most frequent first (after the 2020 census). Used only to guess
# which token of an unmarked Latin name ("Wei Zhang") is the family name. Compound surnames
# rank first: they are almost never given names.
_COMMON = """
wang li zhang liu chen yang huang zhao wu zhou xu sun ma zhu hu guo he lin gao luo zheng
liang xie song tang han feng deng cao peng zeng xiao tian dong pan yuan cai jiang yu du ye
cheng wei su lu ding ren yao shen zhong cui tan fan wang liao shi jin jia xia fu fang zou
xiong bai meng qin qiu hou yin xue yan duan lei long tao gu mao hao gong shao wan qian
qin wu dai mo kong xiang chang kang yi qiao lai wen shi hong xin ke zhuang fan niu ou
"""
SURNAME_RANK: dict[str, int] = {}
for _rank, _name in enumerate(_COMMON.split()):
    SURNAME_RANK.setdefault(_name, _rank)
for _name in COMPOUND_SURNAME_PINYIN:
    SURNAME_RANK[_name] = -1
