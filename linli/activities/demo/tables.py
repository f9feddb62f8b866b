"""The fixed tables the demo activity history is drawn from: the station's yearly calendar.

Each entry is one kind of activity of the report (seed/000_…): its team, place, organiser, hours
and the days it falls on each year. Festivals keep their real dates (lunar ones from the table
below), the 午间微学堂 follows the school terms.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time, timedelta

from linli.activities.themes import DOUBLE_NINTH, DRAGON_BOAT, LANTERN, QINGMING
from linli.core.categories import ServiceCategory as C
from linli.volunteers.demo.tables import (
    BAOMU,
    CHOIR,
    DRAGON,
    DRUM,
    FALV,
    FUNU,
    HALL,
    JINGUO,
    KEPU,
    PARTY,
    WENTI,
    ZHUCAN,
)

RANDOM_SEED = 20210601  # the elderly day-care centre opened: the history starts that day
HISTORY_START = date(2021, 6, 1)
DISABLED_CENTRE_OPENED = date(2022, 1, 10)  # SPEC §1: 2022 年元月
UPCOMING_DAYS = 30  # published activities are planned this far ahead of today
STATION_NAME = "焦家社区新时代文明实践站"
EVERYONE = "*"  # draw from every active volunteer of the station, not one team

SQUARE = "焦家社区文化广场"
ELDERLY_CENTRE = "焦家社区老年人日间照料中心"
DISABLED_CENTRE = "焦家社区残疾人日间照料中心"
STUDY_ROOM = "焦家社区午间微学堂（实践站二楼）"

# Lunar festivals and 清明 come from the new-activity form's table (linli.activities.themes), so
# the demo and the form agree on every date; a year not in it has no such festival in the demo.
# School terms (the county's primary schools): (first day, last day). The autumn term of a year
# not listed runs Sep 1 – Jan 20, a spring term Feb 20 – Jun 30.
TERMS = {
    (2021, "autumn"): (date(2021, 9, 1), date(2022, 1, 14)),
    (2022, "spring"): (date(2022, 2, 14), date(2022, 6, 30)),
    (2022, "autumn"): (date(2022, 9, 1), date(2023, 1, 13)),
    (2023, "spring"): (date(2023, 2, 6), date(2023, 6, 30)),
    (2023, "autumn"): (date(2023, 9, 1), date(2024, 1, 26)),
    (2024, "spring"): (date(2024, 2, 26), date(2024, 6, 28)),
    (2024, "autumn"): (date(2024, 9, 1), date(2025, 1, 17)),
    (2025, "spring"): (date(2025, 2, 17), date(2025, 6, 30)),
    (2025, "autumn"): (date(2025, 9, 1), date(2026, 1, 23)),
    (2026, "spring"): (date(2026, 3, 2), date(2026, 6, 30)),
}
MIDDAY = (time(11, 40), time(13, 40))  # the study room's hours on a school day


def tabled(table: dict[int, date]) -> Callable[[int], list[date]]:
    return lambda year: [table[year]] if year in table else []


def fixed(*month_days: tuple[int, int]) -> Callable[[int], list[date]]:
    return lambda year: [date(year, month, day) for month, day in month_days]


def nth_weekday(weekday: int, nth: int, *months: int) -> Callable[[int], list[date]]:
    """The nth `weekday` (0 = Monday) of each month."""

    def days(year: int) -> list[date]:
        found = []
        for month in months:
            first = date(year, month, 1)
            found.append(first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1)))
        return found

    return days


qingming = tabled(QINGMING)  # a solar term, tabled with the lunar festivals


@dataclass(frozen=True)
class ActivityKind:
    """One kind of activity of the station's calendar."""

    code: str
    title: str
    team: str
    category: str
    place: str
    hours: tuple[time, time]
    capacity: int
    days: Callable[[int], list[date]]
    description: str
    draw: tuple[str, ...] = ()  # more teams (or EVERYONE) whose members come along
    organizer: str = STATION_NAME
    partners: str = ""
    fill: tuple[float, float] = (0.7, 1.0)  # the share of seats taken
    outdoor: bool = False
    since: date = HISTORY_START


CALENDAR = [
    ActivityKind(
        "new_year", "元旦慰问敬老院，寒冬时节暖人心", PARTY, C.ELDERLY_DISABLED,
        "当涂县社会福利中心（敬老院）", (time(9, 0), time(11, 30)), 20, fixed((1, 1)),
        "党员志愿者带着米面油和慰问信走进敬老院，陪老人聊天、打扫房间、表演节目，送上新年祝福。",
        draw=(BAOMU,),
    ),
    ActivityKind(
        "lantern", "锣鼓庆盛世，舞龙闹元宵", WENTI, C.CULTURE, SQUARE,
        (time(9, 0), time(11, 30)), 70, tabled(LANTERN),
        "舞龙队、腰鼓队在社区文化广场和各小区巡游展演，民歌合唱队献唱，居民猜灯谜、吃元宵。",
        draw=(DRAGON, DRUM, CHOIR), outdoor=True,
    ),
    ActivityKind(
        "lei_feng", "3·5学雷锋志愿服务日", BAOMU, C.COMMUNITY, SQUARE,
        (time(8, 30), time(11, 30)), 80, fixed((3, 5)),
        "各志愿服务队集中设摊：义务理发、家电维修、磨刀、法律咨询、量血压，清理楼道小广告。",
        draw=(EVERYONE,), outdoor=True,
    ),
    ActivityKind(
        "qingming", "清明节烈士陵园祭扫，缅怀革命先烈", PARTY, C.CIVILITY, "当涂县烈士陵园",
        (time(8, 30), time(11, 0)), 40, qingming,
        "党员志愿者和辖区青少年到烈士陵园敬献花篮、重温入党誓词，讲述英烈故事。",
        draw=(KEPU,), outdoor=True,
    ),
    ActivityKind(
        "dragon_boat", "浓情端午，包粽子比赛", JINGUO, C.FAMILY, ELDERLY_CENTRE,
        (time(8, 30), time(11, 30)), 30, tabled(DRAGON_BOAT),
        "巾帼志愿者和居民分组包粽子比赛，包好的粽子送给辖区独居、空巢老人和日间照料中心的老人。",
    ),
    ActivityKind(
        "double_ninth", "重阳敬老，县中医院专家社区义诊", ZHUCAN, C.HEALTH, ELDERLY_CENTRE,
        (time(8, 30), time(11, 30)), 25, tabled(DOUBLE_NINTH),
        "邀请县中医院医生为辖区老人义诊：量血压、测血糖、中医问诊、针灸推拿，讲解秋冬养生。",
        partners="县中医院", draw=(PARTY,),
    ),
    ActivityKind(
        "national_day", "庆祝国庆文艺汇演暨“五好家庭、好婆婆、好媳妇”表彰", WENTI, C.CULTURE,
        SQUARE, (time(18, 30), time(21, 0)), 80, fixed((9, 30)),
        "国庆前夕的文艺汇演：舞龙、腰鼓、民歌合唱和居民自编节目，表彰当年评选的五好家庭、好婆婆、好媳妇。",
        draw=(DRAGON, DRUM, CHOIR), outdoor=True,
    ),
    ActivityKind(
        "health_check", "“健康义诊”老年人免费体检", ZHUCAN, C.HEALTH, ELDERLY_CENTRE,
        (time(8, 0), time(11, 30)), 16, nth_weekday(3, 2, 3, 6, 9, 12),
        "每季度一次：测血压、血糖、血脂，心电图检查，建立健康档案，医生逐一解读体检结果。",
        partners="县中医院",
    ),
    ActivityKind(
        "silver_care", "“银龄关爱”走访慰问独居空巢老人", PARTY, C.ELDERLY_DISABLED,
        "辖区独居、空巢老人家中", (time(14, 30), time(17, 0)), 16,
        nth_weekday(2, 3, 1, 5, 8, 11),
        "党员志愿者两人一组入户走访，了解老人吃饭、就医、安全方面的困难，检查燃气和用电，登记需求。",
    ),
    ActivityKind(
        "baomu", "“百姓保姆”便民服务日", BAOMU, C.COMMUNITY, "{estate}",
        (time(8, 30), time(16, 0)), 28, nth_weekday(5, 2, 3, 4, 5, 6, 9, 10, 11, 12),
        "物业公司员工和“百姓保姆”志愿者在小区集中服务：水电维修、管道疏通、家电检修、"
        "磨刀、理发、代办代购，为行动不便的老人上门服务。",
        draw=(PARTY,), outdoor=True,
    ),
    ActivityKind(
        "seven_colours", "“七彩课堂进社区”暑期公益课堂", KEPU, C.EDUCATION, HALL,
        (time(14, 30), time(17, 0)), 20, nth_weekday(1, 2, 7),
        "安徽工业大学商学院大学生志愿者为辖区中小学生开设英语、财商、手工、安全自护等公益课程。",
        organizer="团县委", partners="安徽工业大学商学院、焦家社区新时代文明实践站", draw=(ZHUCAN,),
    ),
    ActivityKind(
        "seven_colours_2", "“七彩课堂进社区”结对辅导与文明上网", KEPU, C.EDUCATION, HALL,
        (time(14, 30), time(17, 0)), 20, nth_weekday(1, 4, 7),
        "大学生志愿者与困难儿童结对：学业辅导、文明上网、自护教育，和社区妇联一起送上学习用品。",
        organizer="团县委", partners="安徽工业大学商学院、社区妇联", draw=(FUNU,),
    ),
    ActivityKind(
        "drowning", "“暑期防溺水，安全过盛夏”宣传巡查", KEPU, C.SAFETY, "姑溪河沿岸及社区文化广场",
        (time(9, 0), time(11, 30)), 24, nth_weekday(5, 1, 7),
        "向辖区未成年人和家长讲解防溺水“六不”，发放安全告知书，志愿者沿河巡查、劝离戏水儿童。",
        draw=(PARTY,), outdoor=True,
    ),
    ActivityKind(
        "stage", "文体志愿服务队广场文艺演出", WENTI, C.CULTURE, SQUARE,
        (time(19, 0), time(21, 0)), 50, nth_weekday(5, 2, 5, 8),
        "腰鼓队、民歌合唱队和舞龙队轮番登台，居民广场舞队同台，丰富居民的夏夜文化生活。",
        draw=(DRAGON, DRUM, CHOIR), outdoor=True,
    ),
    ActivityKind(
        "disability_day", "全国助残日：助残帮困进照料中心", ZHUCAN, C.ELDERLY_DISABLED,
        DISABLED_CENTRE, (time(9, 0), time(11, 30)), 20, nth_weekday(6, 3, 5),
        "为在册残疾人理发、助浴助洁、康复训练陪练，检修轮椅和助行器，开展手语交流。",
        since=DISABLED_CENTRE_OPENED,
    ),
    ActivityKind(
        "disability_intl", "国际残疾人日：上门帮扶困难残疾人家庭", ZHUCAN, C.ELDERLY_DISABLED,
        DISABLED_CENTRE, (time(9, 0), time(11, 30)), 20, fixed((12, 3)),
        "志愿者入户走访困难残疾人家庭，送去冬衣和生活用品，帮助办理残疾人两项补贴。",
        since=DISABLED_CENTRE_OPENED,
    ),
    ActivityKind(
        "civil_code", "民法典宣传月：法律咨询进小区", FALV, C.LEGAL, SQUARE,
        (time(9, 0), time(11, 30)), 12, nth_weekday(5, 3, 5),
        "律师和人民调解员设摊解答婚姻家庭、继承、物业纠纷等法律问题，发放民法典宣传册。",
        outdoor=True,
    ),
    ActivityKind(
        "constitution", "12·4国家宪法日普法宣传", FALV, C.LEGAL, HALL,
        (time(9, 0), time(11, 30)), 12, fixed((12, 4)),
        "宪法宣誓、宪法知识有奖问答，讲解法律援助申请条件和流程。",
    ),
    ActivityKind(
        "anti_fraud", "防范电信网络诈骗科普宣讲", KEPU, C.SCIENCE, ELDERLY_CENTRE,
        (time(14, 30), time(16, 30)), 12, nth_weekday(2, 3, 4),
        "用身边案例讲解冒充公检法、养老投资、保健品骗局，手把手教老人安装国家反诈中心APP。",
    ),
    ActivityKind(
        "children_day", "六一儿童节“结对+接力”困难儿童关爱", FUNU, C.FAMILY, HALL,
        (time(14, 30), time(17, 0)), 15, fixed((6, 1)),
        "妇女计生志愿者与困难儿童结对：亲情陪伴、自护教育、爱心捐赠学习用品。",
    ),
    ActivityKind(
        "family_planning", "5·29计生协会员活动日：优生优育与计生惠民政策宣传", FUNU, C.FAMILY,
        SQUARE, (time(9, 0), time(11, 30)), 15, fixed((5, 29)),
        "宣传优生优育和计生家庭奖励扶助政策，走访慰问计生特殊家庭。",
        outdoor=True,
    ),
    ActivityKind(
        "cleanup", "“家园美容师”小区环境整治", JINGUO, C.ENVIRONMENT, "{estate}",
        (time(8, 30), time(11, 0)), 30, nth_weekday(5, 2, 4, 11),
        "清理楼道杂物和卫生死角，劝导垃圾分类，为小区绿地补种花草。",
        outdoor=True,
    ),
    ActivityKind(
        "health_talk", "健康知识讲座", ZHUCAN, C.HEALTH, ELDERLY_CENTRE,
        (time(14, 30), time(16, 0)), 8, nth_weekday(3, 3, 4, 10),
        "县中医院医生讲解高血压、糖尿病的日常调护和老年人防跌倒，现场答疑。",
        partners="县中医院", draw=(FUNU,),
    ),
]  # fmt: skip

STUDY = ActivityKind(
    "study_room", "午间微学堂", KEPU, C.EDUCATION, STUDY_ROOM, MIDDAY, 20, lambda year: [],
    "“五老”和学校教师志愿者每个上课日中午免费辅导小学生完成作业，开展书法、绘画、象棋、"
    "乐器等兴趣活动。一周记为一次活动：签到签退按日登记，服务时长按日累计。",
    since=date(2021, 9, 1),
)  # fmt: skip

CANCEL_REASON = "气象台发布大风寒潮预警，户外活动取消，另行通知"

# The 午间微学堂's tutors, by how often they come (SPEC §1: “五老”和学校教师志愿者每天中午):
# (how many, since, share of weeks, days a week). The first few come almost every day.
TUTOR_TIERS = [
    (3, date(2021, 9, 1), 0.97, (4, 5)),
    (3, date(2022, 2, 14), 0.9, (3, 4)),
    (5, date(2022, 9, 1), 0.85, (2, 3)),
]
OCCASIONAL_TUTOR = (0.3, (1, 2))  # the other retired teachers: a day or two in some weeks

# How keen a volunteer is: (share of the corps, weight when drawn for an activity).
ZEAL = [(0.07, 80.0), (0.2, 8.0), (0.45, 1.0), (0.28, 0.08)]
CHECK_METHODS = (("activity_qr", 0.55), ("card_scan", 0.3), ("manual", 0.15))
NO_SHOW = 0.04
SIGNUP_CANCELLED = 0.03

# The head count of residents each kind of activity serves (服务群众人次, low–high), which the
# organiser enters when it closes. The 午间微学堂's pupils are counted by the study room, not here.
PEOPLE_SERVED = {
    "new_year": (60, 90),
    "lantern": (600, 900),
    "lei_feng": (150, 250),
    "qingming": (40, 80),
    "dragon_boat": (80, 150),
    "double_ninth": (150, 250),
    "national_day": (700, 1000),
    "health_check": (60, 100),
    "silver_care": (30, 50),
    "baomu": (60, 120),
    "seven_colours": (30, 50),
    "seven_colours_2": (20, 40),
    "drowning": (100, 200),
    "stage": (200, 400),
    "disability_day": (60, 104),
    "disability_intl": (20, 40),
    "civil_code": (80, 150),
    "constitution": (80, 150),
    "anti_fraud": (60, 120),
    "children_day": (20, 40),
    "family_planning": (50, 100),
    "cleanup": (150, 300),
    "health_talk": (30, 60),
}
