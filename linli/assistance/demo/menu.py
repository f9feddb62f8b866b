"""焦家社区's service menu (需求清单): the categories with the teams that serve them and how fast
they answer, and the items residents order, each with what its requests say and how they end.

The words follow the report (seed/000_…): the "百姓保姆" fix water, power and appliances and run
errands; the 助残帮困 and 巾帼 teams look after the elders and the disabled; the 县中医院 doctors
check blood pressure; the legal aid team advises and mediates; the 午间微学堂's teachers tutor.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time

from linli.core.categories import ServiceCategory as C
from linli.volunteers.demo.tables import (
    BAOMU,
    DISABILITY_COURSE,
    FALV,
    FUNU,
    JINGUO,
    KEPU,
    LAW_COURSE,
    PARTY,
    TCM,
    WENTI,
    ZHUCAN,
)

ELDERLY, ADULT, CHILD, DISABLED, ANYONE = "elderly", "adult", "child", "disabled", "anyone"


@dataclass(frozen=True)
class ItemSpec:
    """One service of the menu, and how its requests go."""

    name: str
    description: str
    skills: str  # words of the volunteers' skills (linli.volunteers.demo.tables.KINDS)
    keywords: str  # words a 民情e站 message would contain
    weight: int  # relative volume
    audience: str  # ELDERLY | ADULT | CHILD | DISABLED | ANYONE
    hours: tuple[str, str]  # served hours, low and high (half-hour steps)
    # (what a request says in the resident's words, what the volunteer recorded doing)
    cases: tuple[tuple[str, str], ...]
    course: str = ""  # a course the volunteer must have attended
    scheduled: bool = False  # served at an agreed time (next day or later), not at once
    serve_at: time | None = None  # served at this time of day (lunch is brought at noon)
    always_urgent: bool = False
    busy_months: tuple[int, ...] = ()  # months with twice the requests
    school_months: bool = False  # none in the summer and winter holidays
    response_hours: int | None = None


@dataclass(frozen=True)
class CategorySpec:
    code: str
    response_hours: int
    teams: tuple[str, ...]
    items: tuple[ItemSpec, ...] = field(default=())


# fmt: off
MENU = [
    CategorySpec(C.COMMUNITY, 4, (BAOMU, PARTY,), (
        ItemSpec(
            "水电维修", "水龙头、水管、马桶、开关插座、跳闸等小修，材料费由居民自付",
            skills="水电维修 管道疏通", keywords="漏水 水管 水龙头 马桶 跳闸 停电 插座 灯不亮 水压",
            weight=20, audience=ANYONE, hours=("0.5", "2"),
            cases=(
                ("厨房水龙头关不紧，一直滴水，晚上滴答滴答睡不着。",
                 "更换水龙头阀芯，试水正常，不再滴水。"),
                ("卫生间水管接头漏水，楼下邻居说他家天花板渗水了。",
                 "重新缠生料带、更换接头，已不漏水，提醒楼下邻居观察两天。"),
                ("家里一用电饭锅就跳闸，电工能不能来看看线路？",
                 "排查是厨房插座线路老化，更换插座并紧固接线，已不跳闸。"),
                ("马桶水箱一直流水停不下来，这个月水费多了好几十。",
                 "更换马桶进水阀和浮球，水箱不再长流水。"),
                ("客厅的灯不亮了，换了灯泡也不行，可能是开关坏了。",
                 "更换墙壁开关，灯已正常。"),
                ("热水器进水阀漏水，地上全是水。",
                 "关闭总阀，更换热水器进水阀，试水不漏。"),
                ("卧室插座冒火花，现在不敢用了。",
                 "断电检查，插座内部烧蚀，更换新插座，提醒大功率电器不要共用插排。"),
            ),
            busy_months=(1, 7, 8),
        ),
        ItemSpec(
            "家电维修", "空调、洗衣机、电视、油烟机等常见故障检修；需更换配件的先告知费用",
            skills="家电维修", keywords="空调 洗衣机 电视 冰箱 油烟机 不制冷 不转 没信号 遥控器",
            weight=11, audience=ANYONE, hours=("0.5", "2"),
            cases=(
                ("空调开了半天不制冷，老人在家热得受不了。",
                 "清洗空调滤网，检查后发现缺氟，联系售后加氟，已正常制冷。"),
                ("洗衣机不排水，衣服泡在里面好几天了。",
                 "疏通洗衣机排水管，清理出硬币和毛絮，排水正常。"),
                ("电视突然没信号了，只有雪花，老人就爱看个戏曲频道。",
                 "机顶盒线松了，重新接好并调好频道，教老人用遥控器。"),
                ("油烟机不转了，一做饭满屋子油烟。",
                 "油烟机电容坏了，更换电容（居民自购），已正常运转。"),
                ("冰箱冷藏室不凉，菜放不住。",
                 "冰箱温控器调档过低，调整后观察一小时，已正常制冷。"),
            ),
            busy_months=(6, 7, 8),
        ),
        ItemSpec(
            "管道疏通", "下水道、水槽、地漏堵塞疏通",
            skills="管道疏通 水电维修", keywords="堵了 下水道 不下水 地漏 水槽 返水",
            weight=6, audience=ANYONE, hours=("0.5", "1.5"),
            cases=(
                ("厨房水槽堵了，水下不去，还往上返味。",
                 "用疏通机疏通厨房下水，清出油污，已通畅。"),
                ("卫生间地漏堵塞，洗澡水漫到客厅了。",
                 "拆开地漏清理头发等杂物，加装防臭地漏芯。"),
                ("楼道下水管堵了，一楼家里往上返水。",
                 "会同物业疏通楼道主管，一楼已不返水。"),
            ),
        ),
        ItemSpec(
            "代买代办", "代买生活用品、代取药品、代缴水电燃气费等跑腿服务",
            skills="代购跑腿 驾驶", keywords="代买 买菜 取药 代缴 跑腿 煤气卡 快递",
            weight=11, audience=ELDERLY, hours=("0.5", "2"),
            cases=(
                ("腿脚不方便下不了楼，想请人帮忙买点米和菜。",
                 "按清单代买大米、青菜、鸡蛋，小票和找零当面交给老人。"),
                ("降压药快吃完了，麻烦帮忙去社区卫生服务站取一下药。",
                 "到卫生服务站代取降压药一个月的量，已送到家并交代服用方法。"),
                ("燃气卡要充值了，老人自己不会弄，想请人帮忙去营业厅。",
                 "陪同到燃气营业厅充值，教老人看卡上余额。"),
                ("下雨天出不了门，想请志愿者帮忙买点日用品：卫生纸、洗衣粉。",
                 "代买日用品送货上门，顺便帮老人倒了垃圾。"),
                ("老人的医保卡要年审，麻烦帮忙跑一趟办一下。",
                 "带齐材料到医保窗口代办年审，已办结，卡和材料交还老人。"),
            ),
        ),
    )),
    CategorySpec(C.ELDERLY_DISABLED, 2, (ZHUCAN, JINGUO, PARTY,), (
        ItemSpec(
            "陪同就医", "陪同行动不便的老人、残疾人到医院就诊，挂号、缴费、取药",
            skills="陪诊 护理陪伴 驾驶", keywords="看病 医院 就医 复查 挂号 陪同 体检",
            weight=9, audience=ELDERLY, hours=("1.5", "3"),
            cases=(
                ("要去县医院复查，孩子在外地，想请人陪一下。",
                 "陪同到县医院复查，代挂号缴费取药，送老人回家。"),
                ("老人眼睛白内障要去看，一个人不敢去医院。",
                 "陪同眼科就诊，预约了白内障手术，已告知在外地的子女。"),
                ("要去县中医院拿中药，顺便复诊，腿脚不好走不了远路。",
                 "陪同到县中医院复诊并代取中药，交代煎服方法。"),
                ("血糖一直偏高，想去医院内分泌科看看，没人陪。",
                 "陪同内分泌科就诊，医生调整了用药，已把医嘱抄在纸上贴在冰箱上。"),
            ),
            scheduled=True,
        ),
        ItemSpec(
            "助餐送餐", "银龄爱心食堂午餐送餐上门，临时不便出门的老人可点",
            skills="烹饪 家政 代购跑腿", keywords="送饭 送餐 吃饭 午饭 食堂 做不了饭",
            weight=8, audience=ELDERLY, hours=("0.5", "1"),
            cases=(
                ("这几天腰疼下不了楼，想请人把食堂的午饭送上来。",
                 "从银龄爱心食堂取午餐送到家，看着老人吃完，问了身体情况。"),
                ("老伴住院了，老人一个人不会做饭，这几天能不能送餐？",
                 "送午餐上门，已和食堂约好老伴出院前每天十一点半出餐。"),
                ("感冒了不想动，今天中午能不能帮忙送份饭？",
                 "送午餐和一壶热水上门，提醒老人多喝水，有发烧及时就医。"),
            ),
            serve_at=time(11, 20),
        ),
        ItemSpec(
            "助残帮扶", "为在册残疾人上门护理陪伴、助浴助洁、康复训练协助",
            skills="护理陪伴 康复训练 助浴助洁 手语", keywords="残疾 轮椅 康复 助浴 护理 翻身",
            weight=5, audience=DISABLED, hours=("1", "3"),
            cases=(
                ("家里老人偏瘫，想请志愿者上门帮忙洗个澡。",
                 "上门助浴，协助翻身，检查皮肤无压疮。"),
                ("轮椅刹车坏了，想请人帮忙修一下，顺便推出去晒晒太阳。",
                 "调整轮椅刹车，陪同在小区里活动了一小时。"),
                ("听力残疾，想请会手语的志愿者陪同去办残疾证年审。",
                 "手语陪同到县残联办理残疾证年审。"),
                ("出院回家需要做康复训练，家里人不会，想请人来教一教。",
                 "指导家属做肢体康复训练，约定每周来一次。"),
            ),
            course=DISABILITY_COURSE,
        ),
        ItemSpec(
            "理发", "为行动不便的老人上门理发",
            skills="理发", keywords="理发 剪头 头发长了",
            weight=7, audience=ELDERLY, hours=("0.5", "1"),
            cases=(
                ("老人卧床，头发长了，想请人上门理个发。",
                 "上门理发，顺便帮老人修了胡子。"),
                ("快过年了，老两口都下不了楼，想请人上门剪剪头发。",
                 "上门为老两口理发，清扫了碎发。"),
                ("头发太长了，老人走不动去理发店。",
                 "上门理发，约好下个月再来。"),
            ),
            busy_months=(1, 2, 9),
        ),
    )),
    CategorySpec(C.HEALTH, 8, (ZHUCAN, FUNU,), (
        ItemSpec(
            "上门量血压", "上门测量血压、血糖，讲解用药和慢病日常调护",
            skills="健康咨询 慢病管理 护理陪伴", keywords="血压 血糖 头晕 量一下 降压药",
            weight=6, audience=ELDERLY, hours=("0.5", "1"),
            cases=(
                ("这两天老是头晕，想请人上门给量量血压。",
                 "上门测血压 150/90，偏高，建议按时服药并到医院调药。"),
                ("刚换了降压药，想请医生志愿者看看血压控制得怎么样。",
                 "测血压 132/84，控制平稳，提醒按时服药，下次体检时复查。"),
                ("糖尿病老人想测个血糖，家里血糖仪不会用。",
                 "测血压、血糖正常，讲解低糖饮食，教会家属用血糖仪。"),
            ),
            course=TCM, scheduled=True,
        ),
        ItemSpec(
            "心理疏导", "为独居、失独老人和有困扰的家庭提供陪伴聊天和心理疏导",
            skills="心理疏导 陪伴聊天", keywords="心情 睡不着 想不开 孤单 陪陪 聊聊",
            weight=3, audience=ELDERLY, hours=("1", "2"),
            cases=(
                ("老人自从老伴走了就不愿意出门，整天不说话，想请人来陪陪。",
                 "上门陪老人聊天两小时，约好每周二来看她，邀请参加日间照料中心活动。"),
                ("最近心里烦，晚上睡不着，想找个人聊聊。",
                 "倾听老人的烦心事，联系子女多打电话，建议到医院看看睡眠问题。"),
            ),
            scheduled=True,
        ),
    )),
    CategorySpec(C.LEGAL, 24, (FALV,), (
        ItemSpec(
            "法律咨询", "婚姻家庭、继承赡养、劳动报酬、合同等法律问题咨询和法律援助申请指引",
            skills="法律咨询 合同审查", keywords="法律 律师 欠薪 工资 赡养 遗嘱 继承 合同 起诉",
            weight=4, audience=ADULT, hours=("0.5", "2"),
            cases=(
                ("在工地干了三个月，老板拖欠工资不给，想咨询一下怎么办。",
                 "讲解讨薪途径，协助准备劳动监察投诉材料，指引申请法律援助。"),
                ("想立个遗嘱，不知道怎么写才有效。",
                 "讲解自书遗嘱和公证遗嘱的要件，协助起草，建议到公证处办理。"),
                ("儿子不给赡养费，想问问能不能起诉。",
                 "解答赡养义务相关规定，建议先由社区调解，调解不成再起诉。"),
                ("租房合同到期房东不退押金，想咨询一下。",
                 "审阅租房合同，讲解押金返还约定，协助写了一份催告函。"),
            ),
            course=LAW_COURSE, scheduled=True,
        ),
        ItemSpec(
            "邻里纠纷调解", "噪音、漏水、占道、宠物等邻里矛盾的人民调解",
            skills="人民调解 矛盾调解 邻里调解", keywords="吵架 纠纷 噪音 占道 楼上 邻居 狗",
            weight=3, audience=ADULT, hours=("1", "3"),
            cases=(
                ("楼上每天晚上十一点以后还在拖椅子、跺地，说了也不听。",
                 "上门分别听取双方意见，组织面对面调解，双方达成和解，约定晚十点后注意噪音。"),
                ("邻居在楼道里堆杂物，堵着消防通道，说了还吵起来了。",
                 "会同网格员调解，邻居当场清理了楼道杂物。"),
                ("楼上漏水把我家天花板泡坏了，楼上不肯赔。",
                 "组织双方和物业调解，楼上同意承担维修费用，签订调解协议。"),
            ),
            course=LAW_COURSE, scheduled=True,
        ),
    )),
    CategorySpec(C.EDUCATION, 24, (KEPU, FUNU,), (
        ItemSpec(
            "学业辅导", "为困难家庭、留守儿童辅导作业，放学后或周末在午间微学堂或上门",
            skills="作业辅导 英语辅导 学业辅导", keywords="作业 辅导 功课 孩子 数学 英语",
            weight=5, audience=CHILD, hours=("1", "2"),
            cases=(
                ("孩子爸妈在外地打工，数学作业不会做，奶奶也教不了。",
                 "辅导数学作业一小时，讲了分数应用题，约好每周三再来。"),
                ("孩子英语跟不上，想请大学生志愿者周末辅导一下。",
                 "辅导英语单词和阅读，布置了小练习。"),
                ("孩子马上期末考试，想请老师帮着复习一下语文。",
                 "陪孩子复习语文期末重点，检查了背诵。"),
            ),
            scheduled=True, school_months=True,
        ),
    )),
    CategorySpec(C.SCIENCE, 24, (KEPU,), (
        ItemSpec(
            "手机使用教学", "教老人用智能手机：视频通话、健康码、手机缴费、识别诈骗电话",
            skills="智能手机教学 防诈骗宣传", keywords="手机 微信 视频 健康码 付款 不会用 诈骗",
            weight=6, audience=ELDERLY, hours=("0.5", "1.5"),
            cases=(
                ("孩子给买了新手机，不会用微信视频，想跟孙子视频聊天。",
                 "教会老人微信视频通话，当场和孙子视频了一次。"),
                ("想学用手机交电费，不想每次都跑营业厅。",
                 "教老人用手机缴纳水电费，写了一张步骤卡片留给老人。"),
                ("接到个电话说医保卡要冻结，心里不踏实，想请人教教怎么防诈骗。",
                 "讲解常见诈骗手法，帮老人安装国家反诈中心 App。"),
                ("手机字太小看不清，不会调，想请人帮忙设置一下。",
                 "把手机字体调大，设置了常用联系人快捷拨号。"),
            ),
            scheduled=True,
        ),
    )),
    CategorySpec(C.FAMILY, 24, (FUNU, JINGUO,), (
        ItemSpec(
            "亲情陪伴", "为留守儿童、困难家庭孩子提供课后陪伴和自护教育",
            skills="儿童陪伴 心理疏导 陪伴聊天", keywords="陪伴 孩子 一个人在家 留守",
            weight=3, audience=CHILD, hours=("1", "3"),
            cases=(
                ("孩子父母在外地，周末一个人在家，想请志愿者姐姐陪陪他。",
                 "陪孩子读绘本、做手工，讲了居家安全常识。"),
                ("孩子放暑假一个人在家，想请人教教防溺水和用电安全。",
                 "讲解防溺水、防触电知识，和孩子约定不独自下水。"),
            ),
            scheduled=True,
        ),
    )),
    CategorySpec(C.SAFETY, 1, (PARTY, BAOMU,), (
        ItemSpec(
            "独居老人应急求助", "独居老人摔倒、家中断电断水等紧急情况上门查看，必要时联系家属和120",
            skills="应急救援 治安巡逻 水电维修", keywords="摔倒 起不来 没人接电话 紧急 救命 断电",
            weight=3, audience=ELDERLY, hours=("0.5", "1.5"),
            cases=(
                ("独居的老人两天没接电话了，敲门也没人应，麻烦来看看。",
                 "联系家属取得钥匙开门，老人感冒卧床，已送医并通知子女。"),
                ("老人在家摔了一跤，自己起不来，家里没人。",
                 "上门扶起老人，检查无明显外伤，联系家属，叮嘱注意观察。"),
                ("家里突然全停电了，老人一个人在家，天黑了什么也看不见。",
                 "查出总闸跳闸是热水器漏电，断开热水器后恢复供电，提醒报修。"),
            ),
            always_urgent=True, response_hours=1,
        ),
        ItemSpec(
            "安全隐患排查", "楼道堆物、电动车入户充电、燃气管老化等安全隐患上门查看",
            skills="治安巡逻 水电维修", keywords="电动车 充电 飞线 楼道 堆放 燃气 隐患",
            weight=3, audience=ANYONE, hours=("0.5", "1.5"),
            cases=(
                ("楼道里有人拉飞线给电动车充电，太危险了。",
                 "劝导居民拆除飞线，引导到小区集中充电桩充电。"),
                ("家里燃气管是好多年前的，闻着有点味，想请人来查查。",
                 "用肥皂水检查燃气接口，发现软管老化，联系燃气公司更换。"),
            ),
        ),
    )),
    CategorySpec(C.CULTURE, 48, (WENTI,), (
        ItemSpec(
            "文艺活动辅导", "为小区和老年活动队教广场舞、腰鼓、合唱",
            skills="广场舞 腰鼓 合唱 文艺编排", keywords="跳舞 广场舞 腰鼓 合唱 排练 节目",
            weight=2, audience=ADULT, hours=("1.5", "3"),
            cases=(
                ("我们小区几个老姐妹想学广场舞，想请文体队的老师来教一教。",
                 "在小区广场教了一支新广场舞，约定每周六晚上继续。"),
                ("重阳节想排个合唱节目，请合唱队的老师指导一下。",
                 "指导合唱排练两小时，纠正了声部和队形。"),
            ),
            scheduled=True,
        ),
    )),
]
# fmt: on
