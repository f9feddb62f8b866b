"""The parser's limits and its first reading of a message: the WeChat furniture cleaned off,
the sender, phone numbers, Chinese numerals, and the patterns of a building and room."""

from __future__ import annotations

import re
import unicodedata
from zoneinfo import ZoneInfo

from linli.assistance.paste.words import NOT_A_SENDER, SENDER, SENDER_NAME

SHANGHAI = ZoneInfo("Asia/Shanghai")
MAX_TEXT = 2000
MAX_DESCRIPTION = 1000  # what request_submit accepts
ELDERLY_AGE = 60
MAX_NAME_GUESSES = 300

# --- cleaning -------------------------------------------------------------------------------
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\ufe0e\ufe0f]")
# Emoji go, but the ones that shout keep their meaning for the urgency check.
_LOUD_EMOJI = str.maketrans({"❗": "!", "‼": "!!", "🆘": "!!!"})
_EMOJI = re.compile(
    "[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u20e3\u3030\u303d\u3297\u3299]"
)
_WECHAT_TAG = re.compile(r"\[[\u4e00-\u9fffA-Za-z]{1,6}\]")  # [语音转文字] [捂脸] [Smile]
_VOICE = re.compile(r"语音转文字\s*[:：]?")
_GROUP_TAG = re.compile(r"【[^】急\n]{0,12}】")  # 【民情e站】, but not 【紧急】
# WeChat ends a mention with U+2005; a plain space ends only a short one without digits, so
# "@张三3栋2单元502 急" keeps its address.
_MENTION = re.compile(r"[@＠]所有人|[@＠][^\s@＠]{1,20}\u2005|[@＠][^\s@＠\d]{1,8}(?= |$)")
_TIMESTAMP_LINE = re.compile(
    r"^[^\S\n]*(?:[^\s\d]{1,16}[^\S\n]+)?(?:\d{4}[-/年]\d{1,2}[-/月]\d{1,2}日?[^\S\n]*|昨天[^\S\n]*)?"
    r"\d{1,2}:\d{2}(?::\d{2})?[^\S\n]*$",
    re.MULTILINE,
)
PHONE = re.compile(
    r"(?<!\d)(?:[+＋]?[8８][6６][\s\-－]?)?([1１][3-9３-９]\d)[\s\-－]?(\d{4})[\s\-－]?(\d{4})(?!\d)"
)

# --- addresses ------------------------------------------------------------------------------
_CN = "零〇一二两三四五六七八九十百"
_NUM = rf"(?:\d{{1,4}}|[{_CN}]{{1,5}})"
_ROOM = rf"(?:\d{{3,4}}|[{_CN}]{{2,5}})(?![\d楼层{_CN}])"
FULL_ADDRESS = re.compile(
    rf"(?P<b>{_NUM})\s*(?:号楼|栋|幢|座|号|#|楼)\s*(?P<u>{_NUM})\s*(?:单元|-|—|–)\s*"
    rf"(?P<r>{_ROOM})\s*(?:室|号|户)?"
)
DASHED_ADDRESS = re.compile(
    r"(?<![\d.\-])(?P<b>\d{1,3})\s*[-—–~]\s*(?P<u>\d{1,2})\s*[-—–~]\s*(?P<r>\d{3,4})(?![\d\-])"
)
BUILDING_ROOM = re.compile(rf"(?P<b>{_NUM})\s*(?:号楼|栋|幢|#)\s*(?P<r>\d{{3,4}})(?![\d楼层])")
BUILDING = re.compile(rf"(?P<b>\d{{1,3}}|[{_CN}]{{2,4}}|[三四五六七八九十])\s*(?:号楼|栋|幢)")
ESTATE_SUFFIX = re.compile(r"(花园|小区|新村|家园|花苑|嘉园|公寓|新城|社区|苑|园|村)$")
_CN_DIGIT = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}


def clean_message(source: str) -> tuple[str, str]:
    """The message on one line without WeChat furniture, and the first sender named."""
    text = _INVISIBLE.sub("", source).translate(_LOUD_EMOJI)
    text = _TIMESTAMP_LINE.sub("", text)
    text = _VOICE.sub("", _WECHAT_TAG.sub("", text))
    text = _MENTION.sub(" ", _EMOJI.sub("", text))
    lines, sender = [], ""
    for line in text.splitlines():
        line = _GROUP_TAG.sub("", line)
        found = SENDER.match(line)
        name = found.group("sender") if found else ""
        if found and SENDER_NAME.search(name) and not NOT_A_SENDER.search(name):
            sender = sender or name
            line = line[found.end() :]
        lines.append(line)
    return re.sub(r"\s+", " ", " ".join(lines)).strip(), sender


def found_phone(found: re.Match[str]) -> str:
    return unicodedata.normalize("NFKC", "".join(found.groups()))


def as_digits(digits: str) -> str:
    """'3' → '3', '三' → '3', '十二' → '12', '五零二' → '502', '五百零二' → '502'."""
    if digits.isdecimal():
        return str(int(digits))
    if "十" not in digits and "百" not in digits:
        return "".join(str(_CN_DIGIT[char]) for char in digits)
    total, current = 0, 0
    for char in digits:
        if char == "十":
            total, current = total + (current or 1) * 10, 0
        elif char == "百":
            total, current = total + (current or 1) * 100, 0
        else:
            current = _CN_DIGIT[char]
    return str(total + current)
