"""Paste from the 民情e站 WeChat group (issue #6): a message becomes a request to confirm.

Messages are written as people type them in a community group: typos, voice-to-text, a
daughter writing for her mother, no address, a building number two estates share, 急 and 不急.
The time is fixed at Wednesday 2026-05-06 10:00 in Shanghai.
"""

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from linli.assistance.actions import MenuItemInput, menu_category_save, menu_item_save
from linli.assistance.paste import MAX_DESCRIPTION, MAX_TEXT, PasteResult, parse_message
from linli.org.models import Building, Station
from linli.people.actions import AddressInput
from linli.people.models import Resident
from tests.conftest import Menu, Registry, World, add_resident

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 5, 6, 10, 0, tzinfo=SHANGHAI)  # a Wednesday morning


def may(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 5, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def station(menu: Menu, registry: Registry, world: World) -> Station:
    """JIAOJIA with a few more households, and a menu with a category without items, one
    switched off and an item switched off.

    Besides the registry (王秀梅 alone at 金桥花园3-2-502; 李建国 and his daughter 李梓涵 at
    焦家小区8-1-101): 焦家小区 gets a 1栋 too, so "1栋" alone could be either estate's.
    """
    jiaojia = world.jiaojia
    Building.objects.create(estate=registry.jiaojia_estate, number="1", unit_count=2)

    def resident(name: str, gender: str, born: date, address: tuple[str, ...], **more: Any) -> Any:
        return add_resident(
            jiaojia, name, gender=gender, birth_date=born, address=AddressInput(*address), **more
        )

    two_wangs = ("金桥花园", "2", "1", "301")
    resident("王桂英", "F", date(1950, 2, 1), two_wangs)
    resident("王淑芬", "F", date(1956, 7, 1), two_wangs, relation="sibling")
    resident("张强", "M", date(1980, 3, 1), two_wangs, relation="child_in_law")
    couple = ("焦家小区", "8", "2", "201")
    resident("陈志明", "M", date(1948, 9, 1), couple)
    resident("刘凤英", "F", date(1950, 4, 1), couple, relation="spouse")
    widow = ("焦家小区", "1", "1", "102")
    resident("周玉兰", "F", date(1945, 1, 1), widow)
    late = resident("周德福", "M", date(1940, 1, 1), widow, relation="spouse")
    # No action records a death yet; the register keeps the row with its status.
    Resident.objects.filter(pk=late.pk).update(status=Resident.Status.DECEASED)

    menu_category_save(station=jiaojia, code="health", response_hours=24, teams=[], actor=None)
    menu_category_save(
        station=jiaojia, code="safety", response_hours=1, teams=[], active=False, actor=None
    )
    menu_item_save(
        category=menu.elderly,
        data=MenuItemInput(name="上门理发", keywords="理发 剪头", active=False),
        actor=None,
    )
    return jiaojia


def observed(result: PasteResult, keys: set[str]) -> dict[str, Any]:
    """The result in plain values (names, not rows), for the keys a case checks."""
    plain = {
        "estate": result.estate.name if result.estate else None,
        "building": str(result.building) if result.building else None,
        "resident": result.resident.name if result.resident else None,
        "candidates": [resident.name for resident in result.candidates],
        "item": result.item.name if result.item else None,
    }
    return {key: plain[key] if key in plain else getattr(result, key) for key in keys}


# What every case expects unless it says otherwise: no wish for a time, no phone, not urgent.
DEFAULTS: dict[str, Any] = {"urgency": "normal", "preferred_at": None, "phone": ""}
WANG = {"building": "金桥花园3栋", "unit": "2", "room": "502", "resident": "王秀梅"}
REPAIR = {"category": "community", "item": "水电维修"}
ESCORT = {"category": "elderly_disabled", "item": "陪同就医"}
ERRANDS = {"category": "community", "item": "代买代办"}
LEGAL = {"category": "legal", "item": "法律咨询"}
LI = {"building": "焦家小区8栋", "unit": "1", "room": "101"}
CHEN = {"building": "焦家小区8栋", "unit": "2", "room": "201"}
TWO_WANGS = {"building": "金桥花园2栋", "unit": "1", "room": "301"}

CASES = [
    pytest.param(
        "3栋2单元502王阿姨家水管漏水，急",
        {**WANG, **REPAIR, "name_hint": "王阿姨", "urgency": "urgent", "estate": "金桥花园"},
        ["楼栋：金桥花园3栋", "服务对象：王秀梅", "紧急"],
        id="the-issue-example",
    ),
    pytest.param(
        "3号楼2单元502室 王奶奶家水龙头坏了 不急 明天上午来就行",
        {**WANG, **REPAIR, "name_hint": "王奶奶", "preferred_at": may(7, 9)},
        ["希望时间：5月7日（周四）09:00"],
        id="hao-lou-shi-not-urgent-tomorrow-morning",
    ),
    pytest.param(
        "3幢2单元502停电了！！！",
        {**WANG, **REPAIR, "urgency": "urgent"},
        [],
        id="zhuang-and-full-width-exclamations",
    ),
    pytest.param(
        "金桥花园3-2-502 跳闸了，麻烦哪位师傅来看看",
        {**WANG, **REPAIR, "estate": "金桥花园", "name_hint": ""},
        [],
        id="estate-and-dashes",
    ),
    pytest.param(
        "3栋2-502卫生间水管爆了，赶紧来人",
        {**WANG, **REPAIR, "urgency": "urgent"},
        ["“赶紧”"],
        id="dong-then-unit-dash-room",
    ),
    pytest.param(
        "8号楼1单元101李建国，想咨询下欠薪的事，周六上午有空",
        {**LI, **LEGAL, "resident": "李建国", "candidates": ["李建国", "李梓涵"]}
        | {"preferred_at": may(9, 9)},
        [],
        id="full-name-in-household-and-saturday",
    ),
    pytest.param(
        "三栋二单元五零二王奶奶想请人陪她去医院看病",
        {**WANG, **ESCORT},
        [],
        id="chinese-numerals",
    ),
    pytest.param(
        "３栋２单元５０２　水管漏水！",
        {**WANG, **REPAIR, "description": "３栋２单元５０２ 水管漏水！"},
        [],
        id="full-width-digits",
    ),
    pytest.param(
        "【民情e站】张三：@所有人 焦家小区8栋1单元101李大爷家要买菜，他腿不方便",
        {**LI, **ERRANDS, "resident": "李建国", "name_hint": "李大爷", "sender": "张三"}
        | {"description": "焦家小区8栋1单元101李大爷家要买菜，他腿不方便"},
        ["发送人：张三"],
        id="group-tag-sender-and-mention-removed",
    ),
    pytest.param(
        "1栋1单元102周奶奶家要量血压",
        {"estate": None, "building": None, "unit": "1", "room": "102", "resident": None}
        | {"name_hint": "周奶奶", "category": "health", "item": None},
        ["1栋在多个小区都有：金桥花园、焦家小区，请选择小区"],
        id="building-number-in-two-estates",
    ),
    pytest.param(
        "焦家小区1栋1单元102周奶奶要量血压",
        {"building": "焦家小区1栋", "resident": "周玉兰", "candidates": ["周玉兰"]}
        | {"category": "health", "item": None},
        ["服务类别：卫生健康（未对应到具体项目）"],
        id="estate-named-settles-the-building",
    ),
    pytest.param(
        "焦家小区1栋1单元102周大爷家来人看看",
        {"building": "焦家小区1栋", "resident": None, "candidates": ["周玉兰"], "category": ""},
        ["没有与“周大爷”相符", "未识别到服务类别"],
        id="the-late-husband-is-not-matched",
    ),
    pytest.param(
        "金桥1栋3单元601孙大爷想找人聊聊天",
        {"building": "金桥花园1栋", "unit": "3", "room": "601", "resident": None}
        | {"name_hint": "孙大爷", "category": "elderly_disabled", "item": None},
        ["未找到该户，请核对地址"],
        id="short-estate-name-unknown-household",
    ),
    pytest.param(
        "2栋1单元301王阿姨家水管漏了",
        {**TWO_WANGS, **REPAIR, "resident": None, "candidates": ["王桂英", "王淑芬", "张强"]},
        ["同一地址有两位王姓居民，请选择"],
        id="two-wangs-at-one-address",
    ),
    pytest.param(
        "2栋1单元301张师傅家灯不亮，可能跳闸了",
        {**TWO_WANGS, **REPAIR, "resident": "张强", "name_hint": "张师傅"},
        [],
        id="title-picks-the-son-in-law",
    ),
    pytest.param(
        "2栋1单元301王桂英腿脚不便，下周一要去医院复查，需要人陪同",
        {**TWO_WANGS, **ESCORT, "resident": "王桂英", "preferred_at": may(11, 9)},
        [],
        id="full-name-settles-two-wangs-next-monday",
    ),
    pytest.param(
        "您好，我是8栋2单元201刘凤英的女儿，在外地上班，我妈一个人在家，"
        "想请志愿者帮忙取药，我电话139-1234-5678",
        {**CHEN, **ERRANDS, "resident": "刘凤英", "relation": "女儿", "phone": "13912345678"}
        | {
            "description": "您好，我是8栋2单元201刘凤英的女儿，在外地上班，我妈一个人在家，"
            "想请志愿者帮忙取药，我电话139****5678"
        },
        ["联系电话：13912345678"],
        id="daughter-writes-with-her-phone",
    ),
    pytest.param(
        "8栋2单元201 我妈腿脚不好，想请人陪同去医院",
        {**CHEN, **ESCORT, "resident": "刘凤英", "relation": "子女"},
        [],
        id="my-mum-picks-the-elderly-woman",
    ),
    pytest.param(
        "8栋2单元201家里需要帮忙搬东西",
        {**CHEN, "resident": None, "candidates": ["陈志明", "刘凤英"]}
        | {"category": "community", "item": None},
        ["该户有两位在住居民，请选择服务对象"],
        id="couple-without-a-hint",
    ),
    pytest.param(
        "王秀梅家水管又漏了，急急急",
        {**WANG, **REPAIR, "urgency": "urgent"},
        ["按姓名或电话找到住址"],
        id="full-name-without-address",
    ),
    pytest.param(
        "[语音转文字]帮我家老人量一下血压，我电话是13855550001",
        {**WANG, "phone": "13855550001", "category": "health", "item": None}
        | {"description": "帮我家老人量一下血压，我电话是138****0001"},
        [],
        id="voice-to-text-known-phone",
    ),
    pytest.param(
        "黄池新村1栋1单元201王秀兰家水管漏水",
        {"building": None, "resident": None, "candidates": [], **REPAIR},
        ["1栋在多个小区都有"],
        id="another-stations-address-finds-nothing-there",
    ),
    pytest.param(
        "9栋1单元101水管漏水",
        {"building": None, "unit": "1", "room": "101", "resident": None, **REPAIR},
        ["本站没有9栋，请核对地址"],
        id="no-such-building",
    ),
    pytest.param(
        "楼道里一股煤气味，赶紧找人看看！",
        {"building": None, "resident": None, "category": "", "item": None, "urgency": "urgent"},
        ["未识别到地址", "像是“平安应急”，但本站服务清单未开设这一类"],
        id="gas-smell-category-switched-off",
    ),
    pytest.param(
        "不着急，周六上午来给王奶奶理发就行",
        {"resident": None, "name_hint": "王奶奶", "category": "elderly_disabled", "item": None}
        | {"preferred_at": may(9, 9)},
        [],
        id="not-urgent-haircut-item-switched-off",
    ),
    pytest.param(
        "晚上7点左右能不能来3栋2单元502帮忙修下水龙头",
        {**WANG, **REPAIR, "preferred_at": may(6, 19)},
        [],
        id="this-evening-at-seven",
    ),
    pytest.param(
        "后天下午两点半，8号楼1单元101李梓涵的作业需要辅导一下",
        {**LI, "resident": "李梓涵", "category": "", "preferred_at": may(8, 14, 30)},
        ["像是“支教助学”"],
        id="day-after-tomorrow-half-past-two-tutoring-not-on-menu",
    ),
    pytest.param(
        "@王主任 8#1单元101 电费纠纷想找律师问问，下周一上午",
        {**LI, **LEGAL, "resident": None, "preferred_at": may(11, 9)}
        | {"description": "8#1单元101 电费纠纷想找律师问问，下周一上午"},
        ["该户有两位在住居民"],
        id="hash-building-and-mention",
    ),
    pytest.param(
        "3栋2单元502",
        {**WANG, "category": "", "item": None},
        ["未识别到服务类别，请选择"],
        id="address-only",
    ),
    pytest.param(
        "张阿姨家里跳闸了 3栋2单元502",
        {**WANG, **REPAIR, "resident": None, "candidates": ["王秀梅"], "name_hint": "张阿姨"},
        ["没有与“张阿姨”相符"],
        id="surname-not-in-household",
    ),
    pytest.param(
        "李四 09:41\n金桥花园3栋2单元502 王阿姨 明早8点半想去医院看病，找人陪同一下",
        {**WANG, **ESCORT, "preferred_at": may(7, 8, 30), "sender": ""}
        | {"description": "金桥花园3栋2单元502 王阿姨 明早8点半想去医院看病，找人陪同一下"},
        [],
        id="copied-with-timestamp-line",
    ),
    pytest.param(
        "2026-05-01 3栋2单元502水管漏水",
        {**WANG, **REPAIR},
        [],
        id="a-date-is-not-an-address",
    ),
    pytest.param(
        "5月10号上午10点 3栋2单元502需要人陪同去医院",
        {**WANG, **ESCORT, "preferred_at": may(10, 10)},
        [],
        id="month-day-and-clock",
    ),
    pytest.param(
        "3栋2单圆502王阿姨家睡管漏水",
        {"building": "金桥花园3栋", "unit": "", "room": "", "resident": None, **REPAIR},
        ["未写全单元和房号，请补充"],
        id="typos-in-unit-and-word",
    ),
    pytest.param(
        "3-2-502王阿姨 家里水管漏水 急!!! 🙏🙏 联系电话：138 5555 0001",
        {**WANG, **REPAIR, "urgency": "urgent", "phone": "13855550001"}
        | {"description": "3-2-502王阿姨 家里水管漏水 急!!! 联系电话：138****0001"},
        [],
        id="emoji-and-spaced-phone",
    ),
    pytest.param(
        "李娜：我是3栋2单元502王秀梅的外孙女，外婆一个人在家想找人聊聊天，13700001234",
        {**WANG, "sender": "李娜", "relation": "外孙女", "phone": "13700001234"}
        | {"category": "elderly_disabled", "item": None},
        [],
        id="granddaughter-writes-for-grandmother",
    ),
    pytest.param(
        "求助！3栋2单元502 王秀梅老人摔倒了，起不来",
        {**WANG, "name_hint": "", "urgency": "urgent", "category": "", "item": None},
        ["紧急：消息中有“摔倒”"],
        id="a-full-name-before-laoren-is-not-a-title",
    ),
    pytest.param(
        "＠张三 金桥花园３号楼２单元５０２室，王阿姨家里燃气泄漏！！",
        {**WANG, "urgency": "urgent", "category": "", "item": None}
        | {"description": "金桥花园３号楼２单元５０２室，王阿姨家里燃气泄漏！！"},
        ["“燃气泄漏”"],
        id="full-width-mention-and-gas-leak",
    ),
    pytest.param(
        "3栋2单元502王阿姨家水管漏水。联系人：李娜 13912345678，备用电话13987654321",
        {**WANG, **REPAIR, "phone": "13912345678", "sender": ""},
        ["消息中有多个电话号码，已取第一个"],
        id="two-phone-numbers",
    ),
    pytest.param(
        "水管漏水：急！3栋2单元502",
        {
            **WANG,
            **REPAIR,
            "urgency": "urgent",
            "sender": "",
            "description": "水管漏水：急！3栋2单元502",
        },
        [],
        id="words-before-a-colon-are-not-a-sender",
    ),
    pytest.param(
        "3栋2单元502 16:30\n来修水管",
        {
            **WANG,
            **REPAIR,
            "preferred_at": may(6, 16, 30),
            "description": "3栋2单元502 16:30 来修水管",
        },
        [],
        id="an-address-with-a-time-is-not-a-timestamp-line",
    ),
    pytest.param(
        "🆘3栋2单元502家里水管漏水❗❗",
        {**WANG, **REPAIR, "urgency": "urgent", "description": "!!!3栋2单元502家里水管漏水!!"},
        [],
        id="shouting-emoji-mean-urgent",
    ),
    pytest.param(
        "地址：3栋2单元502\n事由：水管漏水",
        {**WANG, **REPAIR, "sender": "", "description": "地址：3栋2单元502 事由：水管漏水"},
        [],
        id="labels-are-not-senders",
    ),
]


@pytest.mark.parametrize(("text", "expected", "notes"), CASES)
def test_paste_reads_a_group_message(
    station: Station, text: str, expected: dict[str, Any], notes: list[str]
) -> None:
    result = parse_message(text, station, now=NOW)

    wanted = DEFAULTS | expected
    assert observed(result, set(wanted)) == wanted, result.notes
    for note in notes:
        assert any(note in line for line in result.notes), (note, result.notes)


def test_there_are_at_least_thirty_messages() -> None:
    assert len(CASES) >= 30


@pytest.mark.parametrize("text", ["", "   \n\t ", "😀😀😀", "[微笑][微笑][语音转文字]", "@所有人 "])
def test_a_message_without_words_gives_an_empty_proposal(station: Station, text: str) -> None:
    result = parse_message(text, station, now=NOW)

    assert (result.description, result.building, result.resident, result.category) == (
        "",
        None,
        None,
        "",
    )
    assert result.urgency == "normal"
    assert result.notes == ["消息中没有可识别的文字"]


def test_a_long_message_is_cut(station: Station) -> None:
    text = "3栋2单元502水管漏水，急。" + "家里老人说了很多话" * 600

    result = parse_message(text, station, now=NOW)

    assert len(result.source_text) == MAX_TEXT
    assert len(result.description) == MAX_DESCRIPTION
    assert (str(result.building), result.room, result.urgency) == ("金桥花园3栋", "502", "urgent")
    assert any("只保留了前 1000 字" in note for note in result.notes)


def test_an_evening_time_already_past_means_tomorrow(station: Station) -> None:
    late = datetime(2026, 5, 6, 21, 0, tzinfo=SHANGHAI)

    result = parse_message("晚上7点来3栋2单元502修水管", station, now=late)

    assert result.preferred_at == may(7, 19)


def test_a_date_early_next_year(station: Station) -> None:
    december = datetime(2026, 12, 28, 10, 0, tzinfo=SHANGHAI)

    result = parse_message("1月5日上午来3栋2单元502修水管", station, now=december)

    assert result.preferred_at == datetime(2027, 1, 5, 9, 0, tzinfo=SHANGHAI)


def test_a_date_that_does_not_exist_is_ignored(station: Station) -> None:
    result = parse_message("2月30日来3栋2单元502修水管", station, now=NOW)

    assert result.preferred_at is None
    assert result.building is not None


def test_now_defaults_to_the_current_time(station: Station) -> None:
    result = parse_message("明天下午来3栋2单元502修水管", station)

    assert result.preferred_at is not None
    assert result.preferred_at.tzinfo is not None
    assert (result.preferred_at.hour, result.preferred_at.minute) == (15, 0)


def test_another_station_reads_its_own_register(station: Station, world: World) -> None:
    result = parse_message("黄池新村1栋1单元201王秀兰家水管漏水", world.huangchi, now=NOW)

    assert (str(result.building), result.resident and result.resident.name) == (
        "黄池新村1栋",
        "王秀兰",
    )
    # HUANGCHI's 水电维修 has no keywords and its name is not in the message.
    assert (result.category, result.item) == ("community", None)


def test_as_initial_for_a_relative_writing(station: Station) -> None:
    text = "李娜：我是3栋2单元502王秀梅的外孙女，外婆想请人陪同去医院看病，明天上午，13700001234"
    result = parse_message(text, station, now=NOW)

    assert result.as_initial() == {
        "channel": "wechat",
        "category": "elderly_disabled",
        "item": result.item.pk if result.item else -1,
        "urgency": "normal",
        "resident": result.resident.pk if result.resident else -1,
        "building": result.building.pk if result.building else -1,
        "unit": "2",
        "room": "502",
        "description": "我是3栋2单元502王秀梅的外孙女，外婆想请人陪同去医院看病，明天上午，137****1234",
        "requester_name": "李娜",
        "requester_phone": "13700001234",
        "proxy_relation": "外孙女",
        "preferred_at": may(7, 9),
        "source_text": text,
    }


def test_as_initial_names_the_hint_when_nobody_matched(station: Station) -> None:
    result = parse_message("金桥1栋3单元601孙大爷想找人聊聊天", station, now=NOW)

    initial = result.as_initial()

    assert (initial["resident"], initial["requester_name"]) == (None, "孙大爷")
    assert initial["building"] == Building.objects.get(estate__name="金桥花园", number="1").pk


LONG_MESSAGE = (
    "【民情e站】王大妈：@所有人 3栋2单元502王阿姨家水管漏水，急！8栋1单元101李建国也要买菜，"
    + "张三李四王五赵六钱七孙八周九吴十郑十一王秀梅李梓涵，1栋1单元102，9-9-909，13800001111，" * 40
)


@pytest.mark.parametrize("text", ["3栋2单元502水管漏水", "王秀梅家水管漏水", LONG_MESSAGE])
def test_queries_do_not_grow_with_the_message(
    station: Station, text: str, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(6):
        parse_message(text, station, now=NOW)


def test_a_long_message_costs_the_queries_a_short_one_does(station: Station) -> None:
    with CaptureQueriesContext(connection) as short:
        parse_message("3栋2单元502王阿姨家水管漏水", station, now=NOW)
    with CaptureQueriesContext(connection) as long:
        parse_message(LONG_MESSAGE, station, now=NOW)

    assert len(long) == len(short)


ALPHABET = st.sampled_from(
    list("0123456789０１２３-—#@：:，,！!?【】[] \n\u2005")
    + list("栋幢号楼单元室急不着王李阿姨奶奶大爷明天后天下午晚上点半周六月日金桥花园")
    + ["😀", "🙏", "\u200d", "\ufe0f", "十", "五零二", "138", "1385555000", "语音转文字"]
)


@hypothesis_settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.lists(ALPHABET, max_size=60).map("".join) | st.text(max_size=200))
def test_never_raises(station: Station, text: str) -> None:
    result = parse_message(text, station, now=NOW)

    assert result.urgency in ("normal", "urgent")
    assert len(result.description) <= MAX_DESCRIPTION
    assert result.preferred_at is None or result.preferred_at.tzinfo is not None
    assert result.category == "" or result.category in {"community", "elderly_disabled"} | {
        "legal",
        "health",
    }
