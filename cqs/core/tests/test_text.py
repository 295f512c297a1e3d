import datetime as dt
import unicodedata
from decimal import Decimal
from pathlib import Path

import pytest
from django.template import Context, Template
from hypothesis import given
from hypothesis import strategies as st

from cqs.core.text import (
    detect_legacy_encoding,
    fold,
    format_date_long,
    format_date_short,
    format_number,
    format_percent,
    format_place_date,
    format_ratio_percent,
    nfc,
    tcvn3_to_unicode,
    to_unicode,
    unicode_to_tcvn3,
    unicode_to_vni,
    vietnamese_letters,
    vni_to_unicode,
)

SAMPLES_DIR = Path(__file__).resolve().parents[3] / ".." / "shared" / "samples"

LETTERS = vietnamese_letters()
LOWER = [ch for ch in LETTERS if ch.islower()]
UPPER = [ch for ch in LETTERS if ch.isupper()]
TCVN3_UPPER = "ĂÂĐÊÔƠƯ"
ASCII_TEXT = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,;:/-()%\n"


def sample_texts():
    files = sorted(SAMPLES_DIR.glob("*.txt"))
    if not files:
        pytest.fail(f"Không tìm thấy báo cáo mẫu trong {SAMPLES_DIR.resolve()} (thư mục shared/ cạnh repo)")
    return [f.read_text(encoding="utf-8") for f in files]


# ---------------------------------------------------------------- nfc / fold


def test_nfc_composes_decomposed_input():
    decomposed = unicodedata.normalize("NFD", "Việt Nam")
    assert decomposed != "Việt Nam"
    assert nfc(decomposed) == "Việt Nam"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Ban Dân tộc", "ban dan toc"),
        ("đăng ký", "dang ky"),
        ("ĐẢNG ỦY XÃ", "dang uy xa"),
        ("Quảng Ngãi", "quang ngai"),
        ("Trường Đại học", "truong dai hoc"),
        ("UBND-2024", "ubnd-2024"),
        ("", ""),
    ],
)
def test_fold_examples(value, expected):
    assert fold(value) == expected


def test_fold_every_vietnamese_letter_to_its_ascii_base():
    for letter in LETTERS:
        folded = fold(letter)
        assert len(folded) == 1 and folded.isascii() and folded.islower(), letter
    assert fold("".join(LOWER)) == fold("".join(UPPER))


def test_fold_ignores_normalisation_form_and_tone_placement():
    assert fold(unicodedata.normalize("NFD", "Hòa Bình")) == "hoa binh"
    assert fold("hoá") == fold("hóa") == "hoa"
    assert fold("uỷ ban") == fold("ủy ban") == "uy ban"


vietnamese_text = st.text(alphabet=st.sampled_from([*LETTERS, *ASCII_TEXT]))


@given(st.text())
def test_fold_is_idempotent(s):
    assert fold(fold(s)) == fold(s)


@given(vietnamese_text)
def test_fold_of_vietnamese_text_is_lower_case_ascii(s):
    folded = fold(s)
    assert folded.isascii()
    assert folded == folded.lower()
    assert len(folded) == len(s)


@given(vietnamese_text)
def test_fold_is_the_same_for_nfd_input(s):
    assert fold(unicodedata.normalize("NFD", s)) == fold(s)


# ------------------------------------------------------------- letter tables


def test_there_are_134_vietnamese_letters_with_diacritics():
    assert len(LETTERS) == len(set(LETTERS)) == 134
    assert len(LOWER) == len(UPPER) == 67
    assert all(unicodedata.is_normalized("NFC", ch) and len(ch) == 1 for ch in LETTERS)
    assert "đ" in LOWER and "Đ" in UPPER and "a" not in LOWER


def unicode_to_tcvn3_strict(s):
    """Test-side inverse built from the decoder, so both directions are checked independently."""
    inverse = {}
    for code in range(0xA1, 0x100):
        letter = tcvn3_to_unicode(chr(code))
        if letter != chr(code):
            inverse[letter] = chr(code)
    return "".join(inverse.get(ch, ch) for ch in s)  # ý is 0xFD in TCVN3 and in Latin-1 alike


def test_tcvn3_table_covers_every_lower_case_letter_and_the_seven_capitals():
    letters = [*LOWER, *TCVN3_UPPER]
    codes = {unicode_to_tcvn3(letter): letter for letter in letters}
    assert len(letters) == len(codes) == 74
    for code in map(chr, range(0x80, 0x100)):
        assert tcvn3_to_unicode(code) == codes.get(code, code)


@pytest.mark.parametrize("letter", [*LOWER, *TCVN3_UPPER])
def test_tcvn3_round_trip_for_every_letter(letter):
    encoded = unicode_to_tcvn3(letter)
    assert len(encoded) == 1 and 0xA1 <= ord(encoded) <= 0xFE
    assert encoded == unicode_to_tcvn3_strict(letter)
    assert tcvn3_to_unicode(encoded) == letter


@pytest.mark.parametrize(
    ("legacy", "expected"),
    [
        ("Céng hoµ x· héi chñ nghÜa ViÖt Nam", "Cộng hoà xã hội chủ nghĩa Việt Nam"),
        ("§éc lËp - Tù do - H¹nh phóc", "Độc lập - Tự do - Hạnh phúc"),
        ("§¶ng uû", "Đảng uỷ"),
        ("B¸o c¸o kÕt qu¶", "Báo cáo kết quả"),
        ("ng\xadêi d©n", "người dân"),
        ("Ch\xad¬ng tr×nh", "Chương trình"),
        ("¡n, ¢u, £m", "Ăn, Âu, Êm"),
    ],
)
def test_tcvn3_to_unicode(legacy, expected):
    assert tcvn3_to_unicode(legacy) == expected


def test_tcvn3_capitals_with_tone_come_back_lower_case():
    # The documented .VnTimeH limitation: the font, not the code, made them capitals.
    assert unicode_to_tcvn3("CỘNG HÒA") == "CéNG HßA"
    assert tcvn3_to_unicode(unicode_to_tcvn3("CỘNG HÒA")) == "CộNG HòA"


tcvn3_text = st.text(alphabet=st.sampled_from([*LOWER, *TCVN3_UPPER, *ASCII_TEXT]))


@given(tcvn3_text)
def test_tcvn3_round_trip(s):
    assert tcvn3_to_unicode(unicode_to_tcvn3(s)) == s


@pytest.mark.parametrize(
    ("letter", "code"),
    [
        ("á", "aù"), ("à", "aø"), ("ả", "aû"), ("ã", "aõ"), ("ạ", "aï"),
        ("â", "aâ"), ("ấ", "aá"), ("ầ", "aà"), ("ẩ", "aå"), ("ẫ", "aã"), ("ậ", "aä"),
        ("ă", "aê"), ("ắ", "aé"), ("ằ", "aè"), ("ẳ", "aú"), ("ẵ", "aü"), ("ặ", "aë"),
        ("ê", "eâ"), ("ệ", "eä"), ("ô", "oâ"), ("ộ", "oä"),
        ("ơ", "ô"), ("ớ", "ôù"), ("ợ", "ôï"), ("ư", "ö"), ("ừ", "öø"), ("ự", "öï"),
        ("í", "í"), ("ì", "ì"), ("ỉ", "æ"), ("ĩ", "ó"), ("ị", "ò"),
        ("ý", "yù"), ("ỵ", "î"), ("đ", "ñ"),
        ("Ấ", "AÁ"), ("Ơ", "Ô"), ("Ữ", "ÖÕ"), ("Ĩ", "Ó"), ("Ỵ", "Î"), ("Đ", "Ñ"),
    ],
)  # fmt: skip
def test_vni_table_spot_checks(letter, code):
    assert unicode_to_vni(letter) == code
    assert vni_to_unicode(code) == letter


@pytest.mark.parametrize("letter", LETTERS)
def test_vni_round_trip_for_every_letter(letter):
    encoded = unicode_to_vni(letter)
    assert encoded != letter or letter in "íìÍÌ"  # VNI keeps the Latin-1 í and ì as they are
    assert all(ord(ch) < 0x100 for ch in encoded) and 1 <= len(encoded) <= 2
    assert vni_to_unicode(encoded) == letter


def test_vni_codes_are_unique():
    codes = [unicode_to_vni(letter) for letter in LETTERS]
    assert len(set(codes)) == 134


@pytest.mark.parametrize(
    ("legacy", "expected"),
    [
        ("Vieät Nam", "Việt Nam"),
        ("Coäng hoøa", "Cộng hòa"),
        ("COÄNG HOØA XAÕ HOÄI CHUÛ NGHÓA VIEÄT NAM", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
        ("Tröôøng Ñaïi hoïc", "Trường Đại học"),
        ("nhöõng ngöôøi", "những người"),
    ],
)
def test_vni_to_unicode(legacy, expected):
    assert vni_to_unicode(legacy) == expected


@given(vietnamese_text)
def test_vni_round_trip(s):
    assert vni_to_unicode(unicode_to_vni(s)) == s


def test_converters_accept_nfd_input():
    assert vni_to_unicode(unicode_to_vni(unicodedata.normalize("NFD", "Việt Nam"))) == "Việt Nam"
    assert tcvn3_to_unicode(unicodedata.normalize("NFD", "Céng")) == "Cộng"


# ------------------------------------------------------------------ detection


def test_detects_legacy_encodings_of_short_phrases():
    assert detect_legacy_encoding("Céng hoµ x· héi chñ nghÜa ViÖt Nam") == "tcvn3"
    assert detect_legacy_encoding("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam") == "vni"
    assert detect_legacy_encoding("Vieät Nam") == "vni"


@pytest.mark.parametrize(
    "value",
    [
        "",
        "UBND tỉnh Quảng Ngãi",
        "Cộng hòa xã hội chủ nghĩa Việt Nam",
        "hoà, toán, quân, đoàn",  # Unicode "oà"/"oá" look like VNI pairs
        "Plain ASCII only",
        "café, où, naïve, Noël",
        "© 2024 Sở Thông tin và Truyền thông",
    ],
)
def test_unicode_text_is_not_legacy(value):
    assert detect_legacy_encoding(value) is None
    assert to_unicode(value) == value


def lower_toned_capitals(s):
    return "".join(ch.lower() if ch in UPPER and ch not in TCVN3_UPPER else ch for ch in s)


def test_detects_and_converts_the_sample_reports_in_both_legacy_encodings():
    for sample in sample_texts():
        # TCVN3 has no superscript one: its code 0xB9 is "ạ". Footnote markers go.
        sample = sample.replace("¹", "")
        assert detect_legacy_encoding(sample) is None
        assert to_unicode(sample) == sample

        vni = unicode_to_vni(sample)
        assert detect_legacy_encoding(vni) == "vni"
        assert to_unicode(vni) == sample

        tcvn3 = unicode_to_tcvn3(sample)
        assert detect_legacy_encoding(tcvn3) == "tcvn3"
        assert to_unicode(tcvn3) == lower_toned_capitals(sample)


# ----------------------------------------------------------------- formatting


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (0, 0, "0"),
        (999, 0, "999"),
        (1000, 0, "1.000"),
        (1234567, 0, "1.234.567"),
        (-1234567, 0, "-1.234.567"),
        (99.17, 2, "99,17"),
        (Decimal("1234.5"), 2, "1.234,50"),
        (Decimal("2.5"), 0, "3"),
        (Decimal("-2.5"), 0, "-3"),
        (0.125, 2, "0,13"),
        (2.675, 2, "2,68"),
        (-0.004, 2, "0,00"),
        (Decimal("1e21"), 0, "1.000.000.000.000.000.000.000"),
        (123456789.123456789, 3, "123.456.789,123"),
    ],
)
def test_format_number(value, decimals, expected):
    assert format_number(value, decimals) == expected


@pytest.mark.parametrize("value", [float("nan"), float("inf"), Decimal("NaN")])
def test_format_number_rejects_non_finite(value):
    with pytest.raises(ValueError):
        format_number(value)


def test_format_number_rejects_bool_and_negative_decimals():
    with pytest.raises(TypeError):
        format_number(True)
    with pytest.raises(ValueError):
        format_number(1, -1)


@pytest.mark.parametrize(
    ("args", "kwargs", "expected"),
    [
        ((99.17,), {}, "99,17 %"),
        ((100,), {}, "100 %"),
        ((86.5,), {"decimals": 1}, "86,5 %"),
        ((86.5,), {}, "86,5 %"),
        ((86.5,), {"strip_zeros": False}, "86,50 %"),
        ((Decimal("99.445"),), {}, "99,45 %"),
        ((0,), {}, "0 %"),
        ((1234.5,), {"decimals": 0}, "1.235 %"),
    ],
)
def test_format_percent(args, kwargs, expected):
    assert format_percent(*args, **kwargs) == expected


@pytest.mark.parametrize(
    ("numerator", "denominator", "decimals", "expected"),
    [
        (423, 489, 2, "86,50 %"),
        (1, 3, 2, "33,33 %"),
        (2, 3, 2, "66,67 %"),
        (1, 8, 2, "12,50 %"),
        (1, 8, 1, "12,5 %"),
        (1, 1, 2, "100,00 %"),
        (1, 0, 2, "—"),
        (0, 0, 2, "—"),
        (Decimal("0.5"), Decimal("0.0"), 2, "—"),
        (5, 2, 0, "250 %"),
    ],
)
def test_format_ratio_percent(numerator, denominator, decimals, expected):
    assert format_ratio_percent(numerator, denominator, decimals) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (dt.date(2024, 1, 5), "ngày 05 tháng 01 năm 2024"),
        (dt.date(2024, 2, 29), "ngày 29 tháng 02 năm 2024"),
        (dt.date(2024, 3, 5), "ngày 05 tháng 3 năm 2024"),
        (dt.date(2024, 10, 10), "ngày 10 tháng 10 năm 2024"),
        (dt.date(2023, 12, 31), "ngày 31 tháng 12 năm 2023"),
        (dt.datetime(2024, 9, 1, 23, 59), "ngày 01 tháng 9 năm 2024"),
    ],
)
def test_format_date_long(value, expected):
    assert format_date_long(value) == expected


def test_format_date_long_pads_only_january_and_february():
    for month in range(1, 13):
        written = format_date_long(dt.date(2024, month, 15)).split()[3]
        assert written == (f"{month:02d}" if month <= 2 else str(month))


def test_format_place_date_and_short_date():
    assert format_place_date("Quảng Ngãi", dt.date(2024, 1, 5)) == "Quảng Ngãi, ngày 05 tháng 01 năm 2024"
    assert format_date_short(dt.date(2024, 1, 5)) == "05/01/2024"
    assert format_date_short(dt.date(2024, 11, 25)) == "25/11/2024"


# ------------------------------------------------------------ template filters


def render(source, **context):
    return Template("{% load vn %}" + source).render(Context(context))


def test_template_filters():
    assert render("{{ n|vn_number }}", n=1234567) == "1.234.567"
    assert render("{{ n|vn_number:2 }}", n=Decimal("1234.5")) == "1.234,50"
    assert render('{{ n|vn_number:"1" }}', n="99.17") == "99,2"
    assert render("{{ p|vn_percent }}", p=99.17) == "99,17 %"
    assert render("{{ p|vn_percent:1 }}", p=86.5) == "86,5 %"
    assert render("{{ p|vn_percent }}", p=100) == "100 %"
    assert render("{{ d|vn_date_long }}", d=dt.date(2024, 3, 5)) == "ngày 05 tháng 3 năm 2024"
    assert render("{{ d|vn_date }}", d=dt.date(2024, 1, 5)) == "05/01/2024"
    assert render("{{ s|fold }}", s="Ban Dân tộc") == "ban dan toc"


def test_template_filters_never_raise():
    assert render("{{ n|vn_number }}", n=None) == ""
    assert render("{{ n|vn_number }}", n="không phải số") == "không phải số"
    assert render("{{ n|vn_number:'x' }}", n=5) == "5"
    assert render("{{ n|vn_percent }}", n=float("nan")) == "nan"
    assert render("{{ d|vn_date_long }}", d="hôm nay") == "hôm nay"
    assert render("{{ d|vn_date }}", d=None) == ""
    assert render("{{ s|fold }}", s="<b>Đ</b>") == "&lt;b&gt;d&lt;/b&gt;"
