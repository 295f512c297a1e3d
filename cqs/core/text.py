"""Vietnamese text helpers shared by every app.

* Unicode: `nfc`, and `fold` for accent-insensitive search keys.
* Legacy 8-bit encodings still found in old documents and pasted text: TCVN3 (ABC, the
  ".VnTime" fonts) and VNI-Windows ("VNI-Times"), with converters both ways and a
  heuristic detector.
* Formatting in the Vietnamese administrative style: numbers ("1.234.567,5"),
  percentages ("99,17 %") and dates as Decree 30/2020/NĐ-CP writes them
  ("ngày 05 tháng 3 năm 2024").
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Literal

Number = Decimal | int | float
LegacyEncoding = Literal["tcvn3", "vni"]

# --------------------------------------------------------------------------- Unicode


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


def fold(s: str) -> str:
    """Search key: no diacritics, đ → d, case-folded, NFC. ``fold("Ban Dân tộc") == "ban dan toc"``.

    Case-folding happens first because it can itself produce combining marks (e.g. "İ")."""
    decomposed = unicodedata.normalize("NFD", s.casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", bare.replace("đ", "d"))


# ------------------------------------------------------------------ Vietnamese letters

# Combining tone marks in the order used by every table below:
# sắc (acute), huyền (grave), hỏi (hook above), ngã (tilde), nặng (dot below).
_TONE_MARKS = ("\u0301", "\u0300", "\u0309", "\u0303", "\u0323")
_TONE_MARK_SET = frozenset(_TONE_MARKS)

# The twelve vowels, as NFC base letters without a tone.
_VOWELS = ("a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y")


def _with_tone(vowel: str, tone: int | None) -> str:
    return vowel if tone is None else nfc(vowel + _TONE_MARKS[tone])


def vietnamese_letters() -> tuple[str, ...]:
    """The 134 Vietnamese letters that carry a diacritic (67 lower-case, 67 upper-case)."""
    lower = [
        _with_tone(vowel, tone)
        for vowel in _VOWELS
        for tone in (None, 0, 1, 2, 3, 4)
        if not (tone is None and vowel.isascii())
    ]
    lower.append("đ")
    return tuple(lower + [letter.upper() for letter in lower])


# ------------------------------------------------------------------------------ TCVN3

# TCVN3 (TCVN 5712:1993 "VN3", the ABC keyboard's table): one byte per letter. Text typed with
# .VnTime fonts arrives in Unicode as the Latin-1 code points of those bytes.
_TCVN3_CODES: dict[str, int] = {
    "ă": 0xA8, "â": 0xA9, "ê": 0xAA, "ô": 0xAB, "ơ": 0xAC, "ư": 0xAD, "đ": 0xAE,
    "Ă": 0xA1, "Â": 0xA2, "Ê": 0xA3, "Ô": 0xA4, "Ơ": 0xA5, "Ư": 0xA6, "Đ": 0xA7,
    "à": 0xB5, "ả": 0xB6, "ã": 0xB7, "á": 0xB8, "ạ": 0xB9,
    "ằ": 0xBB, "ẳ": 0xBC, "ẵ": 0xBD, "ắ": 0xBE, "ặ": 0xC6,
    "ầ": 0xC7, "ẩ": 0xC8, "ẫ": 0xC9, "ấ": 0xCA, "ậ": 0xCB,
    "è": 0xCC, "ẻ": 0xCE, "ẽ": 0xCF, "é": 0xD0, "ẹ": 0xD1,
    "ề": 0xD2, "ể": 0xD3, "ễ": 0xD4, "ế": 0xD5, "ệ": 0xD6,
    "ì": 0xD7, "ỉ": 0xD8, "ĩ": 0xDC, "í": 0xDD, "ị": 0xDE,
    "ò": 0xDF, "ỏ": 0xE1, "õ": 0xE2, "ó": 0xE3, "ọ": 0xE4,
    "ồ": 0xE5, "ổ": 0xE6, "ỗ": 0xE7, "ố": 0xE8, "ộ": 0xE9,
    "ờ": 0xEA, "ở": 0xEB, "ỡ": 0xEC, "ớ": 0xED, "ợ": 0xEE,
    "ù": 0xEF, "ủ": 0xF1, "ũ": 0xF2, "ú": 0xF3, "ụ": 0xF4,
    "ừ": 0xF5, "ử": 0xF6, "ữ": 0xF7, "ứ": 0xF8, "ự": 0xF9,
    "ỳ": 0xFA, "ỷ": 0xFB, "ỹ": 0xFC, "ý": 0xFD, "ỵ": 0xFE,
}  # fmt: skip

_TCVN3_DECODE = {code: letter for letter, code in _TCVN3_CODES.items()}
_TCVN3_ENCODE = {ord(letter): chr(code) for letter, code in _TCVN3_CODES.items()}
# Upper-case letters with a tone have no code of their own: the .VnTimeH fonts draw the
# lower-case codes as capitals, so encoding has to fall back to those codes.
_TCVN3_ENCODE.update(
    {
        ord(letter): chr(_TCVN3_CODES[letter.lower()])
        for letter in vietnamese_letters()
        if ord(letter) not in _TCVN3_ENCODE
    }
)


def tcvn3_to_unicode(s: str) -> str:
    """Convert TCVN3 (ABC) text to NFC Unicode: "Céng hoµ" → "Cộng hoà".

    Limitation: TCVN3 has codes only for the lower-case letters and for Ă Â Đ Ê Ô Ơ Ư.
    Capitals with a tone mark were typed in the .VnTimeH fonts, which draw the *lower-case*
    codes as capitals, so "CéNG HOµ" set in .VnTimeH comes out as "CộNG HOà": the font
    information that made it upper-case is not in the text and cannot be recovered.
    """
    return nfc(s).translate(_TCVN3_DECODE)


def unicode_to_tcvn3(s: str) -> str:
    """Inverse of `tcvn3_to_unicode`; lossy for capitals with a tone (see there)."""
    return nfc(s).translate(_TCVN3_ENCODE)


# -------------------------------------------------------------------------------- VNI

# VNI-Windows: an ASCII base letter followed by a Latin-1 character that stands for the
# diacritics; ơ, ư, đ, the i's and ỵ have single-character forms of their own.
_VNI_TONE = "ùøûõï"  # after a, e, o, u, y, ơ, ư
_VNI_CIRCUMFLEX = "â"
_VNI_CIRCUMFLEX_TONE = "áàåãä"  # circumflex and tone in one character (â, ê, ô)
_VNI_BREVE = "ê"
_VNI_BREVE_TONE = "éèúüë"  # breve and tone in one character (ă)
_VNI_I = "íìæóò"
_VNI_SINGLE = {"ơ": "ô", "ư": "ö", "đ": "ñ", "ỵ": "î"}


def _vni_lower_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for base in "aeouy":
        for tone in range(5):
            table[_with_tone(base, tone)] = base + _VNI_TONE[tone]
    for hatted in "âêô":
        base = fold(hatted)
        table[hatted] = base + _VNI_CIRCUMFLEX
        for tone in range(5):
            table[_with_tone(hatted, tone)] = base + _VNI_CIRCUMFLEX_TONE[tone]
    table["ă"] = "a" + _VNI_BREVE
    for tone in range(5):
        table[_with_tone("ă", tone)] = "a" + _VNI_BREVE_TONE[tone]
        table[_with_tone("i", tone)] = _VNI_I[tone]
    for horned in "ơư":
        for tone in range(5):
            table[_with_tone(horned, tone)] = _VNI_SINGLE[horned] + _VNI_TONE[tone]
    table.update(_VNI_SINGLE)
    return table


def _vni_table() -> dict[str, str]:
    lower = _vni_lower_table()
    # VNI capitals use the upper-case forms of the same Latin-1 characters ("VIEÄT").
    return lower | {letter.upper(): code.upper() for letter, code in lower.items()}


_VNI_ENCODE = _vni_table()
_VNI_DECODE = {code: letter for letter, code in _VNI_ENCODE.items()}
# Longest first, so that "ôù" (ớ) wins over "ô" (ơ).
_VNI_RE = re.compile("|".join(re.escape(code) for code in sorted(_VNI_DECODE, key=len, reverse=True)))


def vni_to_unicode(s: str) -> str:
    """Convert VNI-Windows text to NFC Unicode: "Vieät Nam" → "Việt Nam"."""
    return _VNI_RE.sub(lambda m: _VNI_DECODE[m.group()], nfc(s))


def unicode_to_vni(s: str) -> str:
    return "".join(_VNI_ENCODE.get(ch, ch) for ch in nfc(s))


# -------------------------------------------------------------------------- detection

_ONSETS = "ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnpqrstvx]"
# Vowel nuclei including the glides that close them ("ai", "ươu"); tones removed.
_NUCLEI = (
    *("a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y"),
    *("ai", "ao", "au", "ay", "âu", "ây", "eo", "êu", "ia", "iê", "iu", "oa", "oă", "oe", "oi"),
    *("ôi", "ơi", "oo", "ua", "uâ", "uê", "ui", "uô", "uơ", "uy", "ưa", "ưi", "ươ", "ưu", "yê"),
    *("iêu", "oai", "oay", "oao", "oeo", "uây", "uôi", "uya", "uyê", "uyu", "ươi", "ươu", "yêu"),
)
_CODAS = "ch|ng|nh|[cmnpt]"
_SYLLABLE_RE = re.compile(
    rf"(?:{_ONSETS})?(?:{'|'.join(sorted(_NUCLEI, key=len, reverse=True))})(?:{_CODAS})?"
)
_WORD_RE = re.compile(r"[^\W\d_]+")
# Vietnamese letters outside Latin-1 cannot occur in 8-bit legacy text read as Latin-1.
_UNICODE_ONLY_LETTERS = frozenset(ch for ch in vietnamese_letters() if ord(ch) > 0xFF)
# TCVN3 codes that are not letters (·, ¸, ©, ®, soft hyphen …): left-over ones mean the text
# still needs converting.
_TCVN3_SYMBOLS = frozenset(chr(code) for code in _TCVN3_DECODE if not chr(code).isalpha())


def _is_vietnamese_syllable(word: str) -> bool:
    decomposed = unicodedata.normalize("NFD", word.lower())
    if sum(ch in _TONE_MARK_SET for ch in decomposed) > 1:
        return False
    toneless = nfc("".join(ch for ch in decomposed if ch not in _TONE_MARK_SET))
    return _SYLLABLE_RE.fullmatch(toneless) is not None


def _vietnamese_score(s: str) -> tuple[int, int]:
    """(valid, total) over the words that contain a non-ASCII letter, plus stray TCVN3 symbols."""
    valid = total = 0
    for word in _WORD_RE.findall(s):
        if not word.isascii():
            total += 1
            valid += _is_vietnamese_syllable(word)
    total += sum(ch in _TCVN3_SYMBOLS for ch in s)
    return valid, total


def detect_legacy_encoding(s: str) -> LegacyEncoding | None:
    """Guess whether `s` is TCVN3 or VNI text that was read as Latin-1, or neither.

    Text holding a Vietnamese letter beyond Latin-1 (ă, đ, ơ, ư, ệ …) is taken to be
    Unicode already. Otherwise, heuristic: decode with each table and count the words with
    non-ASCII letters that form a well-built Vietnamese syllable (onset, vowel nucleus, coda,
    at most one tone).
    A legacy encoding wins only if its decoding beats the text as it is and leaves at least
    80 % of those words well-built; ties go to "not legacy". Inputs of one or two words can
    be misjudged, and a Unicode document with a pasted legacy passage is left alone.
    """
    text = nfc(s)
    if text.isascii() or not _UNICODE_ONLY_LETTERS.isdisjoint(text):
        return None
    valid, total = _vietnamese_score(text)
    best: LegacyEncoding | None = None
    best_margin = 2 * valid - total  # well-built words minus the others
    candidates: tuple[tuple[LegacyEncoding, str], ...] = (
        ("vni", vni_to_unicode(text)),
        ("tcvn3", tcvn3_to_unicode(text)),
    )
    for name, decoded in candidates:
        valid, total = _vietnamese_score(decoded)
        margin = 2 * valid - total
        if total and valid >= 0.8 * total and margin > best_margin:
            best, best_margin = name, margin
    return best


def to_unicode(s: str) -> str:
    """Convert `s` from TCVN3 or VNI when `detect_legacy_encoding` recognises it; else unchanged."""
    encoding = detect_legacy_encoding(s)
    if encoding == "tcvn3":
        return tcvn3_to_unicode(s)
    if encoding == "vni":
        return vni_to_unicode(s)
    return s


# ------------------------------------------------------------------------- formatting


def _to_decimal(value: Number) -> Decimal:
    if isinstance(value, bool):
        raise TypeError("Không định dạng giá trị bool như một số.")
    if isinstance(value, float):
        # repr() gives the shortest decimal that round-trips, so 2.675 rounds like the 2.675
        # the user typed, not like the binary 2.67499999….
        value = Decimal(repr(value))
    number = Decimal(value)
    if not number.is_finite():
        raise ValueError(f"Không định dạng được số không hữu hạn: {value!r}")
    return number


def _format_decimal(number: Decimal, decimals: int, *, strip_zeros: bool = False) -> str:
    if decimals < 0:
        raise ValueError("decimals phải ≥ 0")
    with localcontext() as ctx:
        ctx.prec = max(28, number.adjusted() + decimals + 2)
        rounded = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    sign = "-" if rounded < 0 else ""
    integer, _, fraction = f"{abs(rounded):f}".partition(".")
    groups = []
    while len(integer) > 3:
        integer, group = integer[:-3], integer[-3:]
        groups.append(group)
    groups.append(integer)
    result = sign + ".".join(reversed(groups))
    if strip_zeros:
        fraction = fraction.rstrip("0")
    return f"{result},{fraction}" if fraction else result


def format_number(value: Number, decimals: int = 0) -> str:
    """Vietnamese style, rounding half up: 1234567 → "1.234.567", 99.17 → "99,17" (decimals=2)."""
    return _format_decimal(_to_decimal(value), decimals)


def format_percent(value: Number, decimals: int = 2, *, strip_zeros: bool = True) -> str:
    """`value` is already a percentage: 99.17 → "99,17 %", 100 → "100 %", 86.5 → "86,5 %".

    Trailing zeros are dropped by default (reports write "100 %", not "100,00 %");
    pass ``strip_zeros=False`` for a fixed number of decimals."""
    return f"{_format_decimal(_to_decimal(value), decimals, strip_zeros=strip_zeros)} %"


def format_ratio_percent(numerator: Number, denominator: Number, decimals: int = 2) -> str:
    """numerator / denominator as a percentage with fixed decimals: (423, 489) → "86,50 %".

    Returns "—" when the denominator is 0 (no base to compare with)."""
    denom = _to_decimal(denominator)
    if denom == 0:
        return "—"
    with localcontext() as ctx:
        ctx.prec = 40
        ratio = _to_decimal(numerator) * 100 / denom
    return f"{_format_decimal(ratio, decimals)} %"


def format_date_long(value: dt.date) -> str:
    """Decree 30/2020 style: "ngày 05 tháng 01 năm 2024", "ngày 15 tháng 3 năm 2024".

    Days below 10 and the months 1 and 2 take a leading zero; months 3–12 do not
    (Appendix I, item II.5 of the decree)."""
    month = f"{value.month:02d}" if value.month < 3 else str(value.month)
    return f"ngày {value.day:02d} tháng {month} năm {value.year}"


def format_place_date(place: str, value: dt.date) -> str:
    """Place-and-date line of a document: "Quảng Ngãi, ngày 05 tháng 01 năm 2024"."""
    return f"{place}, {format_date_long(value)}"


def format_date_short(value: dt.date) -> str:
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"
