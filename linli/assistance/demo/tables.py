"""The fixed tables the demo requests are drawn from besides the menu (menu.py): how many
requests a year and through which channels, how they end, and the words around them — the
endings of 民情e站 messages, relatives, rating comments, reasons and follow-up outcomes — and the
requests open on the dispatch board today.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

RANDOM_SEED = 20220105  # the first request of the history was posted in the 民情e站 that day
HISTORY_START = date(2022, 1, 5)
# The history stops this many days before today, so that every request in it has been served;
# what happens later (a rating, a confirmation, a follow-up) is left out if it is still ahead.
HISTORY_ENDS_DAYS_AGO = 7
# Requests a year, rising as the 民情e站 became known; a year not listed has the last figure.
YEARLY_REQUESTS = {2022: 42, 2023: 54, 2024: 62, 2025: 68}
# More requests in the heat of summer (air conditioners, water) and the cold of winter (pipes).
MONTH_FACTOR = {1: 1.2, 2: 0.8, 6: 1.1, 7: 1.3, 8: 1.3, 12: 1.1}

# Requests submitted before this day are the history's: the demo's marker (nobody records a
# request years after it).
MARKER_BEFORE = date(2023, 1, 1)

# Channels: most requests are posted in the 民情e站 WeChat group or phoned in; relatives call for
# elders; a few come in person. The web form is the demo resident account's (李桂英's) alone.
CHANNEL_WEIGHTS = {"wechat": 46, "phone": 30, "visit": 10, "proxy": 14}
RATING_WEIGHTS = {5: 63, 4: 25, 3: 8, 2: 3, 1: 1}
REJECTED_SHARE = 0.035
CANCELLED_SHARE = 0.06
URGENT_SHARE = 0.08
REDISPATCHED_SHARE = 0.05  # dispatched to a team, nobody took it in time, then to one volunteer

# Elders (60+) and people who need the community's attention are served more often.
TAG_WEIGHT = {"living_alone": 4.0, "empty_nest": 2.0, "disabled": 2.5, "bereaved_parent": 3.0}

# --- the words around a request ---------------------------------------------------------------------

# How a 民情e站 message ends.
WECHAT_ENDINGS = ("", "", "谢谢！", "麻烦了[抱拳]", "有志愿者能帮忙吗？", "谢谢社区！", "急！")
RELATIVES = {"女儿": 4, "儿子": 4, "儿媳": 2, "女婿": 1, "侄子": 1, "外甥女": 1}
RATING_COMMENTS = {
    5: (
        "",
        "非常感谢志愿者，服务热情周到！",
        "来得快，态度好，给社区点赞！",
        "有困难找志愿者，真是说到做到。",
        "志愿者很耐心，老人很满意。",
        "谢谢“百姓保姆”，帮了大忙了。",
    ),
    4: ("", "服务不错，谢谢。", "问题解决了，就是等的时间稍微长了点。", "挺好的，下次还找你们。"),
    3: ("基本解决了，还要再看看。", "约的时间晚了一些。", "来得有点晚，不过活干得还行。"),
    2: ("等了大半天才来人，问题也没彻底解决。", "修好没两天又坏了。"),
    1: ("说好上午来，等了一天没人来，也没打个电话。",),
}
FOLLOW_UP_OUTCOMES = (
    "已电话回访，向居民说明情况并致歉，安排志愿者再次上门，问题已解决，居民表示认可。",
    "上门回访，查明是预约时间沟通有误，已向居民道歉，并在队伍中强调按约定时间上门。",
    "回访了解到配件质量问题，已协调更换，居民表示满意。",
)
REJECT_REASONS = {
    "community": (
        "属于燃气公司维修范围，已告知燃气公司报修电话。",
        "公共管道属于物业维修范围，已转小区物业处理。",
        "需要有资质的专业人员高空作业，已联系维修单位上门。",
    ),
    "": ("重复点单，已与前一单合并处理。", "不在本社区服务范围，已告知所在社区的联系电话。"),
}
CANCEL_REASONS = (
    "家里人已经帮忙弄好了。",
    "自己找师傅修好了。",
    "老人住院了，暂时不需要。",
    "时间对不上，改天再约。",
    "孩子回来了，不用麻烦志愿者了。",
)
REDISPATCH_NOTE = "队伍内无人接单，改派给熟悉该项目的志愿者"

# The demo resident account (李桂英, 13900000005) orders on the web form for her own household:
# (when, item, score, comment). A few of her own so "my requests" is not empty.
ACCOUNT_HISTORY = [
    ("2022-05-16 08:40", "水电维修", 5, "师傅来得很快，谢谢！"),
    ("2022-11-02 19:15", "家电维修", 5, ""),
    ("2023-03-21 09:05", "上门量血压", 4, "医生讲得很细。"),
    ("2023-08-09 07:50", "家电维修", 5, "空调修好了，大热天的辛苦了。"),
    ("2024-01-22 10:30", "水电维修", 4, "水管不漏了，就是等了一会儿。"),
    ("2024-10-14 15:20", "手机使用教学", 5, "终于会用微信视频了！"),
    ("2025-04-07 09:45", "代买代办", 5, ""),
    ("2025-12-03 18:30", "管道疏通", 3, "通了，但是第二天又有点慢。"),
]


@dataclass(frozen=True)
class OpenSpec:
    """A request open on the dispatch board today: where it stands and how long ago it began."""

    item: str
    case: int  # which of the item's cases
    state: str  # the status it is left in (or "followup": rated 2, its follow-up open)
    minutes_ago: int  # since it was submitted
    channel: str
    account: bool = False  # the demo resident account (李桂英) follows it
    helper: str = ""  # "account": the demo volunteer account (黄文静) takes it
    mode: str = "volunteer"  # how it was dispatched: team | volunteer | open
    # minutes after submission of the dispatch, acceptance, start, completion, rating
    steps_after: tuple[int, ...] = ()


OPEN_NOW = [
    # 待审核: one just in and urgent, one on the web, one overdue (community answers in 4 hours).
    OpenSpec("独居老人应急求助", 2, "submitted", 8, "phone"),
    OpenSpec("家电维修", 3, "submitted", 40, "web", account=True),
    OpenSpec("水电维修", 1, "submitted", 390, "wechat"),
    # 已派单: to a team, to one volunteer (the demo volunteer), open to all, one overdue.
    OpenSpec("代买代办", 0, "dispatched", 95, "wechat", mode="team", steps_after=(20,)),
    OpenSpec("学业辅导", 0, "dispatched", 180, "phone", helper="account", steps_after=(130,)),
    OpenSpec("助餐送餐", 1, "dispatched", 45, "proxy", mode="open", steps_after=(20,)),
    OpenSpec("陪同就医", 0, "dispatched", 340, "visit", mode="team", steps_after=(40,)),
    # 已接单: the demo volunteer teaches a phone tomorrow; a lawyer answers at the agreed time.
    OpenSpec("手机使用教学", 0, "accepted", 300, "wechat", helper="account", steps_after=(25, 60)),
    OpenSpec("法律咨询", 0, "accepted", 1500, "phone", mode="team", steps_after=(60, 150)),
    # 服务中.
    OpenSpec("水电维修", 0, "in_service", 110, "wechat", steps_after=(12, 20, 75)),
    # 已完成, not rated yet: the demo resident's own (she may rate it), and a phoned-in one.
    OpenSpec("家电维修", 0, "completed", 1560, "web", account=True, steps_after=(30, 45, 180, 260)),
    OpenSpec("理发", 0, "completed", 420, "phone", steps_after=(15, 40, 200, 245)),
    # A poor rating three days ago: its follow-up is open.
    OpenSpec("代买代办", 1, "followup", 5800, "phone", steps_after=(90, 150, 1400, 1460, 1600)),
]
