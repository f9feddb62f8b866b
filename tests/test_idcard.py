"""GB 11643 ID numbers: checksum, birth date and gender; masking."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from linli.core.idcard import make_id_number, mask_id_number, parse_id_number

TODAY = date(2026, 11, 29)


def test_a_valid_number_gives_birth_date_and_gender():
    parsed = parse_id_number("340521195803121229", today=TODAY)
    assert parsed.birth_date == date(1958, 3, 12)
    assert parsed.gender == "F"  # 17th digit 2 is even


def test_lower_case_x_and_spaces_are_accepted():
    number = make_id_number("110105", date(1990, 1, 1), 5, "M")
    spaced = f" {number[:6]} {number[6:14]} {number[14:]} ".lower()
    assert parse_id_number(spaced, today=TODAY).number == number


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("34052119580312122", "应为 18 位"),
        ("3405211958031212290", "应为 18 位"),
        ("34052119580312122A", "应为 18 位"),
        ("990521195803121229", "省级行政区"),
        ("340521195802301229", "不是有效日期"),
        ("340521210001011229", "不合理"),
        ("340521195803121228", "校验位不正确"),
    ],
)
def test_bad_numbers_are_refused_with_a_clear_message(number, message):
    with pytest.raises(ValidationError) as refused:
        parse_id_number(number, today=TODAY)
    assert message in refused.value.messages[0]


@given(
    birth=st.dates(min_value=date(1900, 1, 1), max_value=TODAY),
    sequence=st.integers(min_value=0, max_value=499),
    gender=st.sampled_from(["M", "F"]),
)
def test_every_made_number_parses_back(birth, sequence, gender):
    number = make_id_number("340521", birth, sequence, gender)
    parsed = parse_id_number(number, today=TODAY)
    assert (parsed.birth_date, parsed.gender) == (birth, gender)


@given(position=st.integers(min_value=0, max_value=16), delta=st.integers(min_value=1, max_value=9))
def test_any_single_digit_error_is_caught(position, delta):
    number = "340521195803121229"
    digit = (int(number[position]) + delta) % 10
    changed = number[:position] + str(digit) + number[position + 1 :]
    with pytest.raises(ValidationError):
        parse_id_number(changed, today=TODAY)


def test_masking_keeps_the_first_four_and_last_four():
    assert mask_id_number("340521195803121229") == "3405**********1229"
    assert mask_id_number("123") == "***"
