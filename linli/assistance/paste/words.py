"""The word tables the parser reads with: surnames, forms of address, who sent a message, kin,
categories and urgency."""

from __future__ import annotations

import re

# Common surnames, less a few characters that more often are ordinary words before 阿姨 or
# 老人 in a message (和, 于, 边, 时 …): a missed hint costs a click, a false one misleads.
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏"
    "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛"
    "郝龚邵万钱严覃武戴莫孔汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞"
    "左柳甘祝包宁尚符舒阮柯纪梅童凌毕季裴霍涂苗谷盛曲翁冉骆蓝游辛靳管柴蒙鲍华喻祁蒲滕屈饶牟艾"
    "尤穆农卓吉缪简项芦麦褚娄窦戚岑景宫费卜冷晏卫米柏宗瞿桂佟臧闵苟邬卞姬仇栾隋刁沙荣巫寇桑郎"
    "甄仲虞敖巩佘池苑迟邝"
)
_COMPOUND_SURNAMES = "欧阳|司马|上官|诸葛|东方|皇甫|尉迟|公孙|慕容|令狐|长孙|夏侯"
SURNAME = re.compile(rf"{_COMPOUND_SURNAMES}|[{_SURNAMES}]")
# 称呼 → (gender, elderly): what a title says about the person it names.
TITLES = {
    **dict.fromkeys(("老太太", "老太", "奶奶", "婆婆", "阿婆", "大妈", "大娘"), ("F", True)),
    **dict.fromkeys(("阿姨", "大姐"), ("F", False)),
    **dict.fromkeys(("爷爷", "大爷", "伯伯", "老伯"), ("M", True)),
    **dict.fromkeys(("叔叔", "大叔", "大哥"), ("M", False)),
    **{"老人": ("", True), "师傅": ("", False), "老师": ("", False)},
}
TITLE_HINT = re.compile(
    rf"(?P<surname>{_COMPOUND_SURNAMES}|[{_SURNAMES}])(?P<title>{'|'.join(TITLES)})"
    rf"|老(?P<old>[{_SURNAMES}])(?=家|头|[\s,.!?;，。！？；]|$)"
)
SENDER = re.compile(r"^\s*(?P<sender>[^\s:：，,。!！?？@\d【】\[\]]{1,12})\s*[:：]\s*")
# Who wrote "张三：…" looks like a name (or a Latin nickname); "水管漏水：急" is the message,
# and so are labels (地址：…) and people it is about (王阿姨：…).
SENDER_NAME = re.compile(
    rf"^(?:{_COMPOUND_SURNAMES}|[{_SURNAMES}])[\u4e00-\u9fff]{{1,3}}$|[A-Za-z]"
)
NOT_A_SENDER = re.compile(
    rf"地址|住址|电话|手机|联系|时间|需求|事由|问题|情况|备注|姓名|急|家|{'|'.join(TITLES)}"
)
# Words for an elder without a surname (我妈, 家里老人): the gender they say, if any.
KIN = {
    **dict.fromkeys(("老母亲", "我妈", "老妈", "母亲", "老太太", "奶奶", "外婆", "姥姥"), "F"),
    **dict.fromkeys(("老父亲", "我爸", "老爸", "父亲", "老爷子", "爷爷", "外公", "姥爷"), "M"),
    "老人": "",
}
RELATION = re.compile(
    r"我是.{0,24}?(?P<relation>外孙女|外孙|外甥女|外甥|女儿|儿子|儿媳|女婿|孙子|孙女|侄子|侄女|邻居|家属)"
    r"|(?P<child>我(?:妈|爸|母亲|父亲|老妈|老爸))|(?P<grandchild>我(?:奶奶|爷爷|外婆|外公|姥姥|姥爷))"
)

# --- category and urgency -------------------------------------------------------------------
# Used only when no menu item's words match, and only for a category on the station's menu.
# On a tie the category listed first wins, so the rarer, more pressing ones come first.
CATEGORY_WORDS: tuple[tuple[str, str], ...] = tuple(
    (word, code)
    for code, words in (
        ("safety", "煤气 燃气 天然气 消防 着火 火灾 灭火器 冒烟 诈骗 防盗"),
        ("health", "看病 量血压 血压 血糖 体检 义诊 发烧 头疼 头晕 配药 打针"),
        ("legal", "法律 律师 纠纷 官司 合同 欠薪 维权 遗嘱 继承 赡养"),
        ("education", "作业 辅导 功课 补课 学堂 书法 托管"),
        (
            "elderly_disabled",
            "心理 聊天 陪伴 谈心 轮椅 残疾 助浴 洗澡 理发 剪发 剪头 行动不便 腿脚不便 送餐 助餐",
        ),
        ("family", "家暴 婚姻 育儿 孕妇 妇女 留守儿童"),
        ("environment", "垃圾 绿化 杂草 树枝 污水 油烟 卫生死角"),
        ("science", "智能手机 用手机 视频通话 微信支付 电脑 科普"),
        ("culture", "广场舞 跳舞 唱歌 健身 腰鼓 舞龙 图书 下棋"),
        ("civility", "宣讲 政策 移风易俗"),
        ("community", "维修 修理 坏了 漏水 疏通 下水道 堵了 换灯泡 开锁 搬东西 代买 跑腿"),
    )
    for word in words.split()
)
CALM = re.compile(r"不[用必要是太很那么]{0,3}着?急|别着?急|不赶时间|慢慢来")
URGENT = re.compile(
    r"紧急|着急|急|马上|赶紧|赶快|尽快|立刻|立即|救命|着火|失火|起火|冒烟"
    r"|(?:煤气|燃气|天然气)(?:泄漏|泄露|漏了|漏气|味)|晕倒|摔倒|!{3,}"
)
