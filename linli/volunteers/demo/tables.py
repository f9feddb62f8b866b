"""The fixed figures and tables the demo volunteers, teams and training are drawn from (SPEC §1)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from linli.core.categories import ServiceCategory as C

STATION_CODE = "JIAOJIA"
RANDOM_SEED = 20220101  # the day the disabled day-care centre opened (2022 年元月)
BATCH_SIZE = 100
ACTIVE_VOLUNTEERS = 660  # SPEC §1: 注册志愿者 660 余人; the summary counts exactly these
LEADER_PHONE = "13900000003"  # SPEC §6: 张志强, team_leader, leads the 党员志愿服务队
VOLUNTEER_PHONE = "13900000004"  # SPEC §6: 黄文静, volunteer
STAFF_PHONE = "13900000002"  # SPEC §6: 王秀梅, station_staff: records training, awards, evaluations

PARTY = "党员志愿服务队"
BAOMU = '"百姓保姆"志愿服务队'  # spelt as SPEC §1 spells it
JINGUO = "巾帼志愿服务队"
KEPU = "科普宣传志愿服务队"
FUNU = "妇女计生志愿服务队"
FALV = "法律援助志愿服务队"
ZHUCAN = "助残帮困志愿服务队"
WENTI = "文体志愿服务队"
DRAGON = "舞龙队"
DRUM = "腰鼓队"
CHOIR = "民歌合唱队"


@dataclass(frozen=True)
class TeamSpec:
    name: str
    description: str
    categories: tuple[str, ...]
    parent: str = ""


# SPEC §1's eight teams in the report's order, then the 文体 team's three troupes.
TEAMS = [
    TeamSpec(
        PARTY,
        "社区党员带头，常态化走访孤寡、空巢、留守、失独老人，摸清群众“急难愁盼”，参与“银龄关爱”"
        "“红色养老”志愿服务和疫情防控、文明创建，哪里有难事，哪里就有党员的身影。",
        (C.CIVILITY, C.ELDERLY_DISABLED, C.COMMUNITY, C.SAFETY),
    ),
    TeamSpec(
        BAOMU,
        "依托焦家社区物业公司成立：物业公司的工作人员既是小区居民，也是社区志愿者，社区党员、企业家、"
        "退伍军人、个体户纷纷慕名加入。居民在“民情e站”微信群点单，志愿者第一时间赶到现场，"
        "水电维修、管道疏通、代购跑腿，包揽辖区各种难事。",
        (C.COMMUNITY, C.ELDERLY_DISABLED),
    ),
    TeamSpec(
        JINGUO,
        "社区妇女志愿者组成，开展邻里互助、家风家教、端午包粽子和困难家庭结对陪伴，"
        "做居民生活的“热心帮”、邻里之间的“和事佬”、家园环境的“美容师”。",
        (C.FAMILY, C.COMMUNITY, C.ENVIRONMENT),
    ),
    TeamSpec(
        KEPU,
        "用身边事、家乡话宣讲新思想新政策，开展防诈骗、垃圾分类、智能手机使用等科普宣传；"
        "“五老”和学校教师志愿者在“午间微学堂”辅导小学生作业，联合安徽工业大学商学院开展“七彩课堂进社区”。",
        (C.SCIENCE, C.EDUCATION, C.CIVILITY, C.ENVIRONMENT),
    ),
    TeamSpec(
        FUNU,
        "宣传优生优育和计生惠民政策，关心计生特殊家庭，携手社区妇联以“结对+接力”方式为困难儿童"
        "提供学业辅导、亲情陪伴、自护教育和文明上网指导。",
        (C.FAMILY, C.HEALTH),
    ),
    TeamSpec(
        FALV,
        "律师、法律工作者和人民调解员组成，提供法律咨询、矛盾纠纷调解和法律援助申请指引，"
        "开展普法宣传；队员须完成“法律援助实务”培训。",
        (C.LEGAL, C.CIVILITY),
    ),
    TeamSpec(
        ZHUCAN,
        "服务残疾人日间照料中心在册残疾人和辖区困难家庭：护理陪伴、康复训练协助、助浴助洁、"
        "上门帮扶，县中医院医生定期参加健康义诊；队员须完成“助残服务与康复护理基础”培训。",
        (C.ELDERLY_DISABLED, C.HEALTH, C.COMMUNITY),
    ),
    TeamSpec(
        WENTI,
        "下辖舞龙队、腰鼓队、民歌合唱队三支文艺队伍，“锣鼓庆盛世，舞龙闹元宵”，"
        "每年国庆文艺汇演登台，做社区文体的“百家乐”，丰富居民的业余生活。",
        (C.CULTURE,),
    ),
    TeamSpec(
        DRAGON,
        "元宵舞龙闹新春，节庆巡游展演；每周排练两次。",
        (C.CULTURE,),
        parent=WENTI,
    ),
    TeamSpec(
        DRUM,
        "以中老年妇女为主，锣鼓庆盛世，参加县里各类节庆展演和社区广场活动。",
        (C.CULTURE,),
        parent=WENTI,
    ),
    TeamSpec(
        CHOIR,
        "传唱当涂民歌和红色歌曲，每年国庆文艺汇演登台演出。",
        (C.CULTURE,),
        parent=WENTI,
    ),
]


# --- who volunteers --------------------------------------------------------------------------------

# Availability patterns (see linli.volunteers.models.availability_bit): which weekday slots a kind of
# person is usually free for; each volunteer keeps most of them and drops a few.
WEEKDAY_DAYTIME = "weekday_daytime"  # retired: weekday mornings and afternoons
AFTER_WORK = "after_work"  # employed: weekday evenings and weekends
ON_DUTY = "on_duty"  # property company staff: on call during the working day
WEEKENDS = "weekends"  # students, doctors: weekends only


@dataclass(frozen=True)
class Kind:
    """A kind of volunteer: who they are (age, gender, work) and what they bring."""

    code: str
    occupation_list: str  # space-separated, like the name tables
    skill_list: str
    ages: tuple[int, int]
    women: float  # share of women
    party: float  # share of Party members (the others 群众, or 共青团员 when young)
    availability: str = AFTER_WORK
    external: str = ""  # "" for the community's residents, else where an outsider comes from
    troupe: str = ""

    @property
    def occupations(self) -> list[str]:
        return self.occupation_list.split()

    @property
    def skills(self) -> list[str]:
        return self.skill_list.split()


KINDS = {
    kind.code: kind
    for kind in [
        # The Party members: retired cadres and teachers, people at work, veterans.
        Kind("party_cadre", "退休干部", "政策宣讲 走访慰问 矛盾调解 组织协调", (58, 75), 0.35, 1.0, WEEKDAY_DAYTIME),
        Kind("party_worker", "机关事业单位职工 企业职工 社区工作者 个体户", "走访慰问 信息录入 组织协调 政策宣讲 驾驶", (26, 57), 0.45, 0.92),
        Kind("veteran", "退役军人", "治安巡逻 应急救援 驾驶 水电维修", (28, 70), 0.05, 0.6),
        Kind("party_teacher", "退休教师", "政策宣讲 作业辅导 书法", (58, 75), 0.55, 1.0, WEEKDAY_DAYTIME),
        # The 百姓保姆: the property company's staff, then the self-employed, entrepreneurs, veterans.
        Kind("property_staff", "物业公司员工", "水电维修 管道疏通 家电维修 开锁换锁 保洁 绿化养护 搬运", (25, 60), 0.35, 0.15, ON_DUTY),
        Kind("self_employed", "个体户", "家电维修 理发 代购跑腿 搬运 驾驶 缝补", (28, 60), 0.4, 0.08),
        Kind("entrepreneur", "企业负责人", "爱心捐助 就业帮扶 组织协调", (35, 62), 0.25, 0.4),
        Kind("handy_retiree", "退休职工", "水电维修 家电维修 木工 自行车修理", (58, 72), 0.1, 0.2, WEEKDAY_DAYTIME),
        Kind("women", "企业职工 个体户 退休职工 灵活就业人员 社区网格员", "家政 烹饪 包粽子 手工编织 邻里调解 陪伴聊天 垃圾分类", (25, 70), 1.0, 0.15),
        # 科普宣传 and the 午间微学堂: the "五老", pupils, students of 安徽工业大学商学院.
        Kind("retired_teacher", "退休教师", "作业辅导 书法 绘画 象棋 科普讲解 乐器", (60, 75), 0.55, 0.45, WEEKDAY_DAYTIME),
        Kind("pupil", "高中学生", "作业辅导 宣传品发放 垃圾分类 摄影", (16, 19), 0.5, 0.0, WEEKENDS),
        Kind("ahut_student", "大学生", "作业辅导 智能手机教学 防诈骗宣传 英语辅导 文艺表演 摄影", (18, 22), 0.55, 0.05, WEEKENDS, external="安徽工业大学商学院"),
        Kind("family_planning", "社区网格员 企业职工 个体户 退休职工 幼儿园教师", "计生政策宣传 母婴护理 心理疏导 儿童陪伴 学业辅导", (25, 60), 1.0, 0.2),
        Kind("legal", "律师 法律工作者 人民调解员 退休干部 机关事业单位职工", "法律咨询 人民调解 合同审查 普法宣传", (28, 72), 0.4, 0.6),
        # 助残帮困: carers, and doctors of 县中医院 who come for the free clinics.
        Kind("tcm_doctor", "医生", "中医诊疗 针灸推拿 健康咨询 慢病管理", (30, 56), 0.45, 0.5, WEEKENDS, external="县中医院"),
        Kind("carer", "护士 退休职工 企业职工 康复治疗师 个体户", "护理陪伴 康复训练 助浴助洁 陪诊 手语 心理疏导", (25, 70), 0.7, 0.15),
        # 文体: the three troupes, and those who host, film and stage the shows.
        Kind("dragon", "企业职工 个体户 退役军人 物业公司员工", "舞龙 锣鼓", (20, 58), 0.0, 0.15, troupe=DRAGON),
        Kind("drum", "退休职工 个体户 企业职工", "腰鼓 广场舞", (42, 70), 1.0, 0.1, WEEKDAY_DAYTIME, troupe=DRUM),
        Kind("choir", "退休职工 退休教师 退休干部", "民歌演唱 合唱 二胡 笛子", (45, 75), 0.75, 0.2, WEEKDAY_DAYTIME, troupe=CHOIR),
        Kind("culture", "企业职工 退休职工 个体户 机关事业单位职工", "主持 摄影 广场舞 书法 舞台音响 文艺编排", (20, 70), 0.6, 0.15),
    ]
}  # fmt: skip

# (team, kind, how many): everyone's first team. With the two demo accounts (张志强 in PARTY,
# 黄文静 in KEPU) they make ACTIVE_VOLUNTEERS.
PRIMARY = [
    (PARTY, "party_cadre", 30),
    (PARTY, "party_worker", 45),
    (PARTY, "veteran", 14),
    (PARTY, "party_teacher", 10),
    (BAOMU, "property_staff", 72),
    (BAOMU, "self_employed", 25),
    (BAOMU, "entrepreneur", 10),
    (BAOMU, "veteran", 14),
    (BAOMU, "handy_retiree", 14),
    (JINGUO, "women", 90),
    (KEPU, "retired_teacher", 20),
    (KEPU, "ahut_student", 25),
    (KEPU, "pupil", 9),
    (FUNU, "family_planning", 48),
    (FALV, "legal", 36),
    (ZHUCAN, "tcm_doctor", 12),
    (ZHUCAN, "carer", 60),
    (WENTI, "dragon", 28),
    (WENTI, "drum", 36),
    (WENTI, "choir", 40),
    (WENTI, "culture", 20),
]

# (kind, second team, how many, troupe): some also serve in a second team, as the report tells:
# Party members join the 百姓保姆, women the troupes, students and doctors where they help most.
SECONDARY = [
    ("party_worker", BAOMU, 12, ""),
    ("party_cadre", FALV, 5, ""),
    ("party_worker", ZHUCAN, 8, ""),
    ("women", WENTI, 6, DRUM),
    ("women", WENTI, 6, CHOIR),
    ("women", FUNU, 8, ""),
    ("retired_teacher", WENTI, 4, CHOIR),
    ("ahut_student", ZHUCAN, 10, ""),
    ("tcm_doctor", KEPU, 8, ""),
    ("carer", JINGUO, 6, ""),
]

# Registrations that are not (or no longer) active: (status, kind, how many, reason).
INACTIVE = [
    ("pending", "women", 4, ""),
    ("pending", "culture", 3, ""),
    ("rejected", "self_employed", 1, "多次联系未能核实本人报名意愿"),
    ("rejected", "culture", 1, "本人表示近期无法参加常态化服务，暂不登记"),
    ("left", "party_worker", 2, "工作调动，已迁居外地"),
    ("left", "women", 1, "照顾家中老人，申请退出"),
]

# Where outsiders' ID numbers were issued: regions the registry never draws (its REGIONS), so an
# outsider's number can never be a resident's.
EXTERNAL_REGIONS = ("341202", "340321", "341122", "340822", "341021", "340123", "340421", "341521")
EXTERNAL_AREAS = {
    "安徽工业大学商学院": "马鞍山市雨山区安徽工业大学东校区",
    "县中医院": "当涂县姑孰镇",
}


@dataclass(frozen=True)
class DemoPerson:
    """A demo account's volunteer record: the person behind SPEC §6's login."""

    phone: str
    name: str
    gender: str
    birth_date: date  # used only when no resident of that name is in the registry
    occupation: str
    political_status: str
    skills: str
    teams: tuple[str, ...]
    residence_area: str = ""


DEMO_PEOPLE = [
    DemoPerson(
        LEADER_PHONE,
        "张志强",
        "M",
        date(1977, 3, 8),
        "社区工作者",
        "party",
        "组织协调、走访慰问、政策宣讲",
        (PARTY,),
    ),
    DemoPerson(
        VOLUNTEER_PHONE,
        "黄文静",
        "F",
        date(1995, 6, 6),
        "小学教师",
        "league",
        "作业辅导、书法、手工",
        (KEPU, JINGUO),
        residence_area="当涂县姑孰镇",
    ),
]


# --- training (志愿者管理培训制度) ------------------------------------------------------------------


@dataclass(frozen=True)
class CourseSpec:
    name: str
    content: str
    hours: Decimal
    organizer: str
    place: str
    trainers: tuple[str, ...]
    # (year, month) of each session; who attends is decided in the plan
    sessions: tuple[tuple[int, int], ...] = field(default=())


BASICS = "志愿服务基础知识"
LAW_COURSE = "法律援助实务"
DISABILITY_COURSE = "助残服务与康复护理基础"
FIRST_AID = "应急救护（心肺复苏）"
EPIDEMIC = "防疫知识"
REHEARSAL = "文艺排练安全"
TCM = "中医养生与健康义诊服务"

HALL = "焦家社区新时代文明实践站多功能室"
COURSES = [
    CourseSpec(
        BASICS,
        "《志愿服务条例》，志愿者的权利与义务，社区志愿者服务流程，服务礼仪与安全，"
        "志愿服务记录制度和激励嘉许回馈制度。",
        Decimal("2.0"),
        "当涂县新时代文明实践中心",
        HALL,
        ("陶建华", "汪丽萍"),
        (
            (2021, 3),
            (2021, 9),
            (2022, 4),
            (2022, 10),
            (2023, 3),
            (2023, 9),
            (2024, 3),
            (2024, 9),
            (2025, 3),
            (2025, 9),
            (2026, 4),
        ),
    ),  # fmt: skip
    CourseSpec(
        LAW_COURSE,
        "《法律援助法》与法律援助申请指引，婚姻家庭、邻里、劳动争议等常见纠纷，人民调解方法与技巧，"
        "来访接待与转介。",
        Decimal("6.0"),
        "县司法局",
        HALL,
        ("方国辉", "程晓燕"),
        ((2021, 5), (2022, 6), (2023, 5), (2024, 5), (2025, 6)),
    ),
    CourseSpec(
        DISABILITY_COURSE,
        "残疾人权益保障，肢体康复训练协助，轮椅、助行器的使用与转移搬运，压疮预防，"
        "与视力、听力残疾人沟通（基础手语）。",
        Decimal("6.0"),
        "县残联",
        "焦家社区残疾人日间照料中心",
        ("俞海燕", "钱永刚"),
        ((2021, 11), (2022, 1), (2022, 8), (2023, 7), (2024, 7), (2025, 7)),
    ),
    CourseSpec(
        FIRST_AID,
        "心肺复苏，自动体外除颤器（AED）的使用，创伤止血包扎，气道异物梗阻急救（海姆立克法）。",
        Decimal("4.0"),
        "县红十字会",
        HALL,
        ("殷红梅",),
        ((2021, 10), (2022, 11), (2023, 10), (2024, 10), (2025, 10)),
    ),
    CourseSpec(
        EPIDEMIC,
        "个人防护用品的穿脱，核酸检测点秩序维护，公共区域消杀，居家隔离人员的生活服务与心理疏导。",
        Decimal("2.0"),
        "县疾病预防控制中心",
        HALL,
        ("邢志华",),
        ((2021, 8), (2022, 3), (2022, 4)),
    ),
    CourseSpec(
        REHEARSAL,
        "排练与演出场地安全，舞龙、腰鼓器具的使用和保管，中老年队员运动防护，演出现场人员疏散。",
        Decimal("2.0"),
        "县文化馆",
        HALL,
        ("吴秀云",),
        ((2021, 12), (2023, 1), (2024, 1), (2025, 1), (2026, 1)),
    ),
    CourseSpec(
        TCM,
        "中医体质辨识与四季养生，老年人常见慢病的日常调护，重阳节健康义诊的组织与服务规范。",
        Decimal("3.0"),
        "县中医院",
        HALL,
        ("窦德明",),
        ((2021, 9), (2022, 9), (2023, 9), (2024, 9), (2025, 9)),
    ),
]

# The rule (SPEC §4a: an activity may require a course): these teams' members must have attended.
REQUIRED_COURSES = {FALV: LAW_COURSE, ZHUCAN: DISABILITY_COURSE}

# Optional courses: (course, teams whose members are likely to attend, the chance they do).
TRAINING_MIX = [
    (BASICS, None, 0.8),  # most volunteers, whatever their team
    (FIRST_AID, (PARTY, BAOMU, ZHUCAN), 0.35),
    (FIRST_AID, (JINGUO, KEPU, FUNU, FALV, WENTI), 0.08),
    (EPIDEMIC, (PARTY, BAOMU), 0.55),
    (EPIDEMIC, (JINGUO, FUNU, ZHUCAN), 0.25),
    (REHEARSAL, (WENTI,), 0.7),
    (TCM, (ZHUCAN, FUNU), 0.3),
]

# --- honours and evaluations (志愿服务激励嘉许和回馈制度) --------------------------------------------

EPIDEMIC_AWARD = "社区优秀防疫志愿者"
EPIDEMIC_AWARDED_ON = date(2022, 12, 20)
EPIDEMIC_AWARD_BY = "当涂经济开发区"
EPIDEMIC_AWARDEES = 20  # SPEC §1: 20 名志愿者被评为“社区优秀防疫志愿者”
EVALUATION_YEARS = (2023, 2024, 2025)
EVALUATED_EACH_YEAR = 150
EVALUATION_RESULTS = {"excellent": 18, "good": 52, "pass": 29, "fail": 1}
EVALUATION_COMMENTS = {
    "excellent": ("服务积极主动，群众评价高", "全年服务时长位居队伍前列", "带头参与急难险重任务"),
    "good": ("按时参加队伍活动，服务认真", "服务态度好，工作踏实", "能够主动响应居民需求"),
    "pass": ("参加活动次数偏少，希望多参与", "基本完成队伍安排的服务"),
    "fail": ("全年多次报名后未到，经提醒仍未改进",),
}
