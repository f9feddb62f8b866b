"""The fixed figures and name tables the demo community is drawn from."""

from __future__ import annotations

from datetime import date

from linli.people.models import Gender

STATION_CODE = "JIAOJIA"
RANDOM_SEED = 20210601  # the day the elderly day-care centre opened
CENSUS_DAY = date(2026, 6, 1)
BATCH_SIZE = 500
DEMO_ACCOUNT_PHONE_PREFIX = "139000000"  # SPEC §6's demo accounts: never a resident's phone

M, F = Gender.MALE.value, Gender.FEMALE.value

# (name, address, buildings, units per building, floors): older walk-ups of five or six floors,
# two flats per landing, so room numbers run 101, 102 … 602.
ESTATES = [
    ("焦家小区", "当涂经济开发区焦家路 18 号", 18, 2, 6),
    ("金桥花园", "当涂经济开发区金桥路 66 号", 12, 2, 6),
    ("开发区职工宿舍", "当涂经济开发区太白路 9 号", 8, 1, 5),
    ("城西新村", "当涂县城西青山路 102 号", 14, 2, 6),
    ("太白苑", "当涂经济开发区太白路 158 号", 9, 2, 6),
    ("青山花园", "当涂县城西青山路 36 号", 8, 2, 6),
    ("姑溪家园", "当涂经济开发区姑溪路 21 号", 7, 3, 6),
    ("护河小区", "当涂县城西护河路 5 号", 6, 2, 5),
    ("兴业花园", "当涂经济开发区兴业大道 88 号", 7, 2, 6),
]
GRIDS = [
    ("第一网格", ["焦家小区"]),
    ("第二网格", ["金桥花园", "开发区职工宿舍"]),
    ("第三网格", ["城西新村", "太白苑"]),
    ("第四网格", ["青山花园", "姑溪家园", "护河小区", "兴业花园"]),
]

# Surname frequencies after the national figures, with 焦, the old village's family name, and the
# 汪 程 方 陶 of southern Anhui a little more common here.
SURNAMES = {
    "王": 71, "李": 70, "张": 67, "刘": 54, "陈": 45, "杨": 31, "黄": 22, "赵": 20, "吴": 20,
    "周": 19, "徐": 15, "孙": 15, "马": 12, "朱": 12, "胡": 11, "郭": 11, "何": 10, "高": 10,
    "林": 10, "罗": 9, "郑": 8, "梁": 8, "谢": 7, "宋": 6, "唐": 6, "许": 6, "韩": 5, "冯": 5,
    "邓": 5, "曹": 5, "彭": 5, "曾": 4, "肖": 4, "田": 4, "董": 4, "袁": 4, "潘": 4, "于": 4,
    "蒋": 4, "蔡": 4, "余": 4, "杜": 3, "叶": 3, "程": 5, "苏": 3, "魏": 3, "吕": 3, "丁": 3,
    "任": 3, "沈": 3, "姚": 2, "卢": 2, "姜": 2, "崔": 2, "钟": 2, "谭": 2, "陆": 2, "汪": 6,
    "范": 2, "金": 2, "石": 2, "贾": 2, "夏": 2, "方": 4, "陶": 4, "焦": 15, "戴": 2, "江": 2,
    "汤": 2, "俞": 1, "鲍": 1, "秦": 1,
}  # fmt: skip
SURNAME_LIST = list(SURNAMES)
SURNAME_WEIGHTS = list(SURNAMES.values())

# Given names with the flavour of the decade a person was born in: (first year, male, female).
GIVEN_NAMES = [
    (1900, "德福 长贵 金山 福生 有才 根生 玉林 长林 德胜 守仁 树林 世荣 宝林 家富 春生 庆丰 正兴 茂林 德明 学文",
     "桂英 秀兰 秀英 玉兰 凤英 桂兰 淑珍 秀珍 玉珍 兰英 翠花 菊英 春花 素珍 月英 桂花 金凤 秀芝 美英 玉英"),
    (1950, "建国 国华 援朝 胜利 和平 振华 国庆 跃进 志刚 国强 永康 建华 建设 新民 光明 立新 明亮 大海 长春 国平",
     "秀兰 桂英 淑华 玉梅 凤兰 秀芳 桂芳 冬梅 腊梅 爱华 美兰 兰芳 秀梅 玉琴 素芳 凤英 建英 淑英 桂珍 春兰"),
    (1960, "卫东 卫国 红卫 向阳 建军 爱国 志明 红军 东风 国平 建平 建华 跃华 志勇 新华 小平 国栋 立军 学军 海军",
     "红梅 红英 丽华 卫红 爱萍 红霞 淑芬 丽萍 秀梅 美华 春燕 海燕 小红 爱玲 红云 桂香 建萍 玉萍 凤霞 翠英"),
    (1970, "志强 建平 海涛 明华 晓东 伟 勇 军 斌 刚 华 平 涛 杰 俊 文斌 国辉 永刚 卫华 建新",
     "丽 艳 敏 静 丽娟 晓燕 玉洁 红艳 丽丽 小燕 雪梅 春梅 丽萍 晓红 艳萍 美玲 慧 霞 玲 芳"),
    (1980, "伟 磊 鹏 超 强 浩 杰 涛 亮 勇 俊杰 志伟 晓峰 文杰 海波 建伟 明辉 鹏飞 军 亚东",
     "婷婷 丽娜 静 娟 燕 倩 丹丹 晶晶 雪 芳芳 敏 颖 佳佳 慧 莉莉 琳 丽 艳 晓丽 红"),
    (1990, "浩 宇 帅 鑫 磊 晨 鹏程 子豪 宇航 俊豪 文博 家豪 志豪 一鸣 嘉伟 天宇 凯 杰 超 阳",
     "婷 雪 欣 佳琪 梦瑶 雨婷 思雨 晓雯 文静 婉婷 诗琪 思佳 月 露 璐 倩 悦 梦 佳慧 雅琪"),
    (2000, "浩然 宇轩 子轩 俊杰 浩宇 皓轩 博文 子豪 明轩 天佑 宇航 晨阳 嘉豪 子健 文轩 睿 泽宇 鑫宇 俊熙 雨泽",
     "欣怡 梓涵 雨欣 可馨 诗涵 思涵 紫涵 雨涵 佳怡 梦琪 欣然 语嫣 雨婷 若曦 紫萱 佳琪 静怡 心怡 梦瑶 思琪"),
    (2010, "浩宇 梓轩 子墨 宇轩 沐宸 一诺 奕辰 俊熙 子睿 梓睿 浩然 铭泽 思远 睿泽 宇泽 梓豪 沐阳 锦程 承泽 皓宸",
     "梓涵 一诺 欣怡 依诺 可欣 语桐 若汐 诗涵 梓萱 芷若 雨桐 子涵 安琪 沐晴 一涵 思彤 语汐 梓晴 欣妍 可昕"),
]  # fmt: skip

# Where residents' ID numbers were issued: mostly 当涂县, some elsewhere in 马鞍山, 合肥 and 芜湖.
REGIONS = {
    "340521": 78, "340503": 4, "340504": 4, "340506": 3, "340522": 2, "340523": 2,
    "340104": 2, "340102": 1, "340111": 1, "340202": 1, "340207": 1, "340223": 1,
}  # fmt: skip
REGION_LIST = list(REGIONS)
REGION_WEIGHTS = list(REGIONS.values())
MOBILE_PREFIXES = (
    "130 131 132 133 135 136 137 138 139 150 151 152 153 155 156 157 158 159 "
    "180 181 182 183 186 187 188 189"
).split()

DISABLED_RESIDENTS = 104  # SPEC §1: 在册 104 名残疾人
DISABILITY_TYPES = {"肢体": 42, "视力": 16, "听力": 15, "言语": 4, "智力": 9, "精神": 8, "多重": 6}
DISABILITY_GRADES = {"一级": 12, "二级": 26, "三级": 34, "四级": 28}
LOW_INCOME_HOUSEHOLDS = 42
# Households that most often live on 低保: an elder alone, a lone parent, grandparents raising a child.
NEEDY_KINDS = frozenset(
    {
        "alone_elder",
        "bereaved_alone",
        "single_parent",
        "grandparent_and_grandchild",
        "bereaved_couple",
    }
)
