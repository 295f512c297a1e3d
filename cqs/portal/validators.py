"""Checks of what citizens type: the 12-digit personal identification number (CCCD) and
Vietnamese mobile numbers, with messages in plain Vietnamese."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError

from cqs.portal.sms import normalise_phone

# Province codes of the personal identification number (Circular 59/2021/TT-BCA, annex):
# the 63 provinces as they stood when the numbers were issued; a number keeps its code for life.
PROVINCE_CODES = frozenset(
    {
        "001", "002", "004", "006", "008", "010", "011", "012", "014", "015", "017", "019", "020",
        "022", "024", "025", "026", "027", "030", "031", "033", "034", "035", "036", "037", "038",
        "040", "042", "044", "045", "046", "048", "049", "051", "052", "054", "056", "058", "060",
        "062", "064", "066", "067", "068", "070", "072", "074", "075", "077", "079", "080", "082",
        "083", "084", "086", "087", "089", "091", "092", "093", "094", "095", "096",
    }
)  # fmt: skip
# The 4th digit is sex and century of birth: 0/1 the 20th century, 2/3 the 21st, 4/5 the 22nd,
# 6/7 the 23rd, 8/9 the 19th (even = male, odd = female).
_CENTURY = {0: 1900, 1: 1900, 2: 2000, 3: 2000, 4: 2100, 5: 2100, 6: 2200, 7: 2200, 8: 1800, 9: 1800}


def birth_year_of(id_number: str) -> int:
    return _CENTURY[int(id_number[3])] + int(id_number[4:6])


def validate_id_number(value: str, *, today: date | None = None) -> str:
    """A valid CCCD number, spaces removed; `ValidationError` in Vietnamese otherwise."""
    number = "".join(value.split())
    if not number.isdigit() or len(number) != 12:
        raise ValidationError(
            "Số định danh cá nhân (số căn cước công dân) gồm đúng 12 chữ số, ví dụ 036095001234.",
            code="id_format",
        )
    if number[:3] not in PROVINCE_CODES:
        raise ValidationError(
            "Ba chữ số đầu của số định danh cá nhân là mã tỉnh nơi đăng ký khai sinh; mã "
            f"«{number[:3]}» không có. Vui lòng kiểm tra lại trên thẻ căn cước.",
            code="id_province",
        )
    today = today or date.today()
    if birth_year_of(number) > today.year:
        raise ValidationError(
            "Chữ số thứ 4 đến thứ 6 của số định danh cá nhân cho năm sinh sau năm nay. "
            "Vui lòng kiểm tra lại trên thẻ căn cước.",
            code="id_birth_year",
        )
    return number


def validate_mobile(value: str) -> str:
    """A Vietnamese mobile number as ten digits (``0912345678``); `ValidationError` otherwise."""
    phone = normalise_phone(value)
    if phone is None:
        raise ValidationError(
            "Số điện thoại di động chưa đúng: cần 10 chữ số, bắt đầu bằng 03, 05, 07, 08 hoặc 09 "
            "(ví dụ 0912 345 678), hoặc dạng +84.",
            code="phone_format",
        )
    return phone
