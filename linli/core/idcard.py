"""Resident identity card numbers (居民身份证号码, GB 11643-1999): check, read and mask.

An 18-character number: 6 digits of region, 8 of birth date, 3 of sequence (the last odd for men,
even for women) and a check character computed over the first 17 (ISO 7064 MOD 11-2).
"""

import re
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"
# First two digits: the provinces and regions of GB/T 2260, plus 71/81/82 (Taiwan, Hong Kong, Macao).
PROVINCES = frozenset(
    {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
     50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83}
)  # fmt: skip
SHAPE = re.compile(r"^\d{17}[\dX]$")


@dataclass(frozen=True)
class IdNumber:
    number: str
    birth_date: date
    gender: str  # "M" or "F", as SPEC §5 writes it


def check_character(first_17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first_17, WEIGHTS, strict=True))
    return CHECK_CHARACTERS[total % 11]


def normalize_id_number(raw: str) -> str:
    return (raw or "").strip().replace(" ", "").upper()


def parse_id_number(raw: str, *, today: date | None = None) -> IdNumber:
    """The number's birth date and gender, or a ValidationError that says in Chinese what is wrong."""
    number = normalize_id_number(raw)
    if not SHAPE.match(number):
        raise ValidationError(
            _("身份证号码应为 18 位：前 17 位是数字，最后一位是数字或 X。"), code="id_shape"
        )
    if int(number[:2]) not in PROVINCES:
        raise ValidationError(_("身份证号码的前两位不是有效的省级行政区代码。"), code="id_region")
    try:
        birth_date = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError as error:
        raise ValidationError(
            _("身份证号码中的出生日期 %(digits)s 不是有效日期。") % {"digits": number[6:14]},
            code="id_birth_date",
        ) from error
    today = today or date.today()  # noqa: DTZ011 (a calendar date; the station's day is close enough)
    if birth_date > today or birth_date.year < 1900:
        raise ValidationError(
            _("身份证号码中的出生日期 %(date)s 不合理。") % {"date": birth_date.isoformat()},
            code="id_birth_date",
        )
    if check_character(number[:17]) != number[17]:
        raise ValidationError(_("身份证号码校验位不正确，请逐位核对。"), code="id_checksum")
    gender = "M" if int(number[16]) % 2 == 1 else "F"
    return IdNumber(number=number, birth_date=birth_date, gender=gender)


def mask_id_number(number: str) -> str:
    """`3405**********1234`: the province and city, and the last four, as SPEC §3 shows."""
    number = normalize_id_number(number)
    if len(number) != 18:
        return "*" * len(number)
    return f"{number[:4]}{'*' * 10}{number[-4:]}"


def make_id_number(region: str, birth_date: date, sequence: int, gender: str) -> str:
    """A valid number for synthetic data: `sequence` (0–499) gives the order code, gender its parity."""
    order = sequence * 2 + (1 if gender == "M" else 0)
    first_17 = f"{region}{birth_date:%Y%m%d}{order:03d}"
    return first_17 + check_character(first_17)
