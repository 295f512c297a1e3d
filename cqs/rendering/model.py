"""Structured content of an administrative document (Nghị định 30/2020/NĐ-CP, Phụ lục I).

The classes here only hold and check content; `cqs.rendering.docx` and `cqs.rendering.pdf`
lay it out. Every text is normalised to Unicode NFC (TCVN 6909:2001) on construction, and
sequences are stored as tuples, so a document is immutable and hashable once built.

The header rules checked on construction (PL I §II.3, §II.7):

* the number is written with at least two digits ("05/BC-BDT"); "5" is normalised to "05",
  a number that is not a positive integer is refused;
* the notation (ký hiệu) is groups joined by "-" without spaces, each group in capitals,
  except the mixed-case type abbreviations PL III defines (TTr, CTr, QyĐ, TrS);
* the signing authority is one of TM., KT., Q., TL., TUQ. or none, with the lines each needs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import date
from typing import Literal, TypeAlias, get_args

from cqs.core.doctypes import DOCUMENT_TYPES
from cqs.core.errors import ApplicationError
from cqs.core.text import nfc

__all__ = [
    "AUTHORITIES",
    "NATIONAL_MOTTO",
    "NATIONAL_NAME",
    "SECRECY_LEVELS",
    "URGENCY_LEVELS",
    "Authority",
    "Block",
    "Bullet",
    "DocumentFormatError",
    "Heading",
    "OfficialDocument",
    "Paragraph",
    "Secrecy",
    "Section",
    "SignatureBlock",
    "Table",
    "Urgency",
    "format_number",
]

#: Quốc hiệu, box 1 — exactly as Phụ lục I prints it.
NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
#: Tiêu ngữ, box 1: capitalised words, hyphens with a space on each side.
NATIONAL_MOTTO = "Độc lập - Tự do - Hạnh phúc"

Authority: TypeAlias = Literal["", "TM.", "KT.", "Q.", "TL.", "TUQ."]
Urgency: TypeAlias = Literal["", "KHẨN", "THƯỢNG KHẨN", "HỎA TỐC"]
Secrecy: TypeAlias = Literal["", "MẬT", "TỐI MẬT", "TUYỆT MẬT"]
Align: TypeAlias = Literal["left", "center", "right"]

AUTHORITIES: tuple[Authority, ...] = get_args(Authority)
URGENCY_LEVELS: tuple[Urgency, ...] = get_args(Urgency)
SECRECY_LEVELS: tuple[Secrecy, ...] = get_args(Secrecy)
_ALIGNMENTS: tuple[Align, ...] = get_args(Align)

# Abbreviations that PL III writes in mixed case (TTr, CTr, QyĐ, and TrS for a bản trích sao);
# every other notation group is upper case.
_MIXED_CASE_ABBREVIATIONS = frozenset(
    {t.code for t in DOCUMENT_TYPES if t.code and t.code != t.code.upper()} | {"TrS"}
)
_NOTATION_GROUP = re.compile(r"[A-ZĐ0-9&.]+")
_ROMAN = re.compile(r"M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})")
_ARABIC = re.compile(r"[1-9][0-9]*(\.[1-9][0-9]*)*")
_LETTER = re.compile(r"[a-zđ]")


class DocumentFormatError(ApplicationError, ValueError):
    """The content breaks a presentation rule of Nghị định 30/2020; the message is Vietnamese."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="document_format")


def _nfc(value: str) -> str:
    return nfc(value).strip()


def _nfc_all(values: Sequence[str]) -> tuple[str, ...]:
    if isinstance(values, str):  # a bare string would otherwise become a tuple of characters
        raise DocumentFormatError("Cần một danh sách các dòng, không phải một chuỗi.")
    return tuple(_nfc(v) for v in values)


def _normalise_fields(obj: object, *, lines: tuple[str, ...] = ()) -> None:
    """NFC-normalise the str fields of a frozen dataclass and freeze its `lines` fields as tuples."""
    for f in fields(obj):  # type: ignore[arg-type]
        value = getattr(obj, f.name)
        if f.name in lines:
            object.__setattr__(obj, f.name, _nfc_all(value))
        elif isinstance(value, str):
            object.__setattr__(obj, f.name, _nfc(value))


def _require(value: str, what: str) -> None:
    if not value:
        raise DocumentFormatError(f"Thiếu {what}.")


def format_number(number: int | str) -> str:
    """The document number as printed: at least two digits ("05", "12", "1234")."""
    text = str(number).strip()
    if not text.isascii() or not text.isdigit() or int(text) < 1:
        raise DocumentFormatError(f"Số văn bản phải là số nguyên dương, không phải “{text}”.")
    return f"{int(text):02d}"


def _check_notation(notation: str) -> None:
    _require(notation, "ký hiệu văn bản")
    for group in notation.split("-"):
        if group in _MIXED_CASE_ABBREVIATIONS:
            continue
        if not _NOTATION_GROUP.fullmatch(group):
            raise DocumentFormatError(
                f"Ký hiệu “{notation}” không đúng thể thức: các nhóm chữ viết hoa, "
                "nối với nhau bằng dấu gạch nối, không có khoảng trắng."
            )


# --------------------------------------------------------------------------- body blocks


@dataclass(frozen=True)
class Heading:
    """A part, chapter or section label ("Phần I", "Chương II", "Mục 1") centred in bold.

    The title, if any, goes under it in bold capitals.
    """

    label: str
    title: str = ""

    def __post_init__(self) -> None:
        _normalise_fields(self)
        _require(self.label, "nhãn phần/chương/mục")


@dataclass(frozen=True)
class Section:
    """A numbered section title: "I. Kết quả …", "1. Nhận thức số", "a) Dịch vụ công".

    `number` is a Roman numeral, an Arabic number (possibly "1.2") or a lower-case letter;
    letters are followed by ")" and the others by ".", as in the samples.
    """

    number: str
    title: str

    def __post_init__(self) -> None:
        _normalise_fields(self)
        _require(self.title, "tiêu đề mục")
        if not (
            (self.number and _ROMAN.fullmatch(self.number))
            or _ARABIC.fullmatch(self.number)
            or _LETTER.fullmatch(self.number)
        ):
            raise DocumentFormatError(
                f"Số thứ tự mục “{self.number}” phải là số La Mã, số Ả Rập hoặc một chữ cái thường."
            )

    @property
    def label(self) -> str:
        separator = ")" if _LETTER.fullmatch(self.number) else "."
        return f"{self.number}{separator} {self.title}"


@dataclass(frozen=True)
class Paragraph:
    """A body paragraph: justified, first line indented."""

    text: str
    bold: bool = False
    italic: bool = False

    def __post_init__(self) -> None:
        _normalise_fields(self)
        _require(self.text, "nội dung đoạn văn")


@dataclass(frozen=True)
class Bullet:
    """A "- …" item (or "+ …" for the second level, as the samples use)."""

    text: str
    marker: Literal["-", "+"] = "-"

    def __post_init__(self) -> None:
        _normalise_fields(self)
        _require(self.text, "nội dung gạch đầu dòng")
        if self.marker not in ("-", "+"):
            raise DocumentFormatError("Gạch đầu dòng chỉ dùng “-” hoặc “+”.")

    @property
    def label(self) -> str:
        return f"{self.marker} {self.text}"


@dataclass(frozen=True)
class Table:
    """An indicator or task table: a header row repeated on every page, then the rows.

    `widths` are relative column weights (default: equal); `align` is per column.
    """

    header: Sequence[str]
    rows: Sequence[Sequence[str]]
    title: str = ""
    widths: Sequence[float] = ()
    align: Sequence[Align] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "header", _nfc_all(self.header))
        object.__setattr__(self, "rows", tuple(_nfc_all(row) for row in self.rows))
        object.__setattr__(self, "title", _nfc(self.title))
        object.__setattr__(self, "widths", tuple(float(w) for w in self.widths))
        object.__setattr__(self, "align", tuple(self.align))
        columns = len(self.header)
        if columns == 0:
            raise DocumentFormatError("Bảng phải có hàng tiêu đề.")
        for number, row in enumerate(self.rows, start=1):
            if len(row) != columns:
                raise DocumentFormatError(f"Hàng {number} của bảng có {len(row)} ô, cần {columns} ô.")
        if self.widths and (len(self.widths) != columns or min(self.widths) <= 0):
            raise DocumentFormatError(f"Bảng cần {columns} độ rộng cột dương.")
        if self.align and (len(self.align) != columns or any(a not in _ALIGNMENTS for a in self.align)):
            raise DocumentFormatError(f"Bảng cần {columns} kiểu căn lề (left, center, right).")

    @property
    def column_count(self) -> int:
        return len(self.header)

    def fractions(self) -> tuple[float, ...]:
        """Each column's share of the table width."""
        weights = self.widths or (1.0,) * self.column_count
        total = sum(weights)
        return tuple(w / total for w in weights)

    def alignment(self, column: int) -> Align:
        return self.align[column] if self.align else "left"


Block: TypeAlias = Heading | Section | Paragraph | Bullet | Table


# --------------------------------------------------------------------------- signature


@dataclass(frozen=True)
class SignatureBlock:
    """Box 7: the signing authority, the signer's title, the signer's name.

    Examples (Đ13, PL I §II.7):

    * ``SignatureBlock("TM.", "Ủy ban nhân dân", "Chủ tịch", …)`` → TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH
    * ``SignatureBlock("KT.", "Trưởng ban", "Phó Trưởng ban", …)`` → KT. TRƯỞNG BAN / PHÓ TRƯỞNG BAN
    * ``SignatureBlock("", "", "Giám đốc", …)`` → GIÁM ĐỐC (the head signs directly)
    * ``SignatureBlock("TM.", "Ủy ban nhân dân", "Phó Chủ tịch", …, deputy_for="Chủ tịch")``
      → TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH

    ``deputy_for`` is the "KT." line a deputy adds under a TM. or TL. line.
    """

    authority: Authority
    collective_or_head_title: str
    signer_title: str
    signer_name: str
    deputy_for: str = ""

    def __post_init__(self) -> None:
        _normalise_fields(self)
        if self.authority not in AUTHORITIES:
            raise DocumentFormatError(
                f"Quyền hạn ký “{self.authority}” không hợp lệ; dùng TM., KT., Q., TL., TUQ. hoặc để trống."
            )
        _require(self.signer_name, "họ tên người ký")
        if self.authority:
            _require(self.collective_or_head_title, f"tên tập thể/chức vụ sau “{self.authority}”")
            if self.authority != "Q.":
                _require(self.signer_title, "chức vụ của người ký")
        else:
            _require(self.signer_title, "chức vụ của người ký")
            if self.collective_or_head_title:
                raise DocumentFormatError(
                    "Người đứng đầu ký trực tiếp chỉ ghi chức vụ; tên tập thể cần quyền hạn ký (TM., KT., …)."
                )
        if self.deputy_for and self.authority not in ("TM.", "TL."):
            raise DocumentFormatError("Dòng “KT.” thứ hai chỉ dùng sau “TM.” hoặc “TL.”.")

    @property
    def title_lines(self) -> tuple[str, ...]:
        """The lines above the signature, in capitals (box 7a)."""
        lines: list[str] = []
        if self.authority:
            lines.append(f"{self.authority} {self.collective_or_head_title}")
        if self.deputy_for:
            lines.append(f"KT. {self.deputy_for}")
        if self.signer_title:
            lines.append(self.signer_title)
        return tuple(line.upper() for line in lines)


# --------------------------------------------------------------------------- the document


@dataclass(frozen=True)
class OfficialDocument:
    """An administrative document with the components of Đ8 of Nghị định 30/2020.

    * ``number`` None or "" leaves "Số:      /BC-BDT" blank (the Văn thư numbers it on issue);
      ``issued_on`` None leaves the day and month blank, with ``draft_year`` if given.
    * ``type_name`` None makes a Công văn: no type line, the subject becomes "V/v …" under
      the number.
    * ``archive_line`` is "Lưu: VT, VP" and is printed last as "- Lưu: VT, VP."; the drafter
      code and the number of copies (box 12), when given, are appended to it.
    """

    parent_agency_name: str
    issuing_agency_name: str
    number: str | None
    notation: str
    place: str
    issued_on: date | None
    type_name: str | None
    subject: str
    signature: SignatureBlock
    body: Sequence[Block] = ()
    recipients_to: Sequence[str] = ()
    legal_bases: Sequence[str] = ()
    cc: Sequence[str] = ()
    archive_line: str = "Lưu: VT"
    urgency: Urgency = ""
    secrecy: Secrecy = ""
    drafter_code: str = ""
    copies: int | None = None
    footer: Sequence[str] = ()
    draft_year: int | None = None

    def __post_init__(self) -> None:
        _normalise_fields(self, lines=("recipients_to", "legal_bases", "cc", "footer"))
        object.__setattr__(self, "body", tuple(self.body))
        if self.type_name is not None:
            object.__setattr__(self, "type_name", _nfc(self.type_name) or None)
        if self.number:
            object.__setattr__(self, "number", format_number(self.number))
        else:
            object.__setattr__(self, "number", None)
        _require(self.issuing_agency_name, "tên cơ quan ban hành")
        _check_notation(self.notation)
        _require(self.place, "địa danh")
        _require(self.subject, "trích yếu nội dung")
        for block in self.body:
            if not isinstance(block, Heading | Section | Paragraph | Bullet | Table):
                raise DocumentFormatError(f"Thành phần nội dung không hỗ trợ: {type(block).__name__}.")
        if self.urgency not in URGENCY_LEVELS:
            raise DocumentFormatError(f"Độ khẩn “{self.urgency}” không hợp lệ.")
        if self.secrecy not in SECRECY_LEVELS:
            raise DocumentFormatError(f"Độ mật “{self.secrecy}” không hợp lệ.")
        archive = self.archive_line.removeprefix("-").strip().rstrip(".;").strip()
        if not archive.startswith("Lưu"):
            raise DocumentFormatError("Dòng lưu phải bắt đầu bằng “Lưu:”, ví dụ “Lưu: VT, VP”.")
        object.__setattr__(self, "archive_line", archive)
        if self.copies is not None and self.copies < 1:
            raise DocumentFormatError("Số lượng bản phát hành phải là số dương.")
        for name in ("recipients_to", "legal_bases", "cc"):
            if any(not line for line in getattr(self, name)):
                raise DocumentFormatError("Danh sách không được có dòng trống.")

    @property
    def is_official_letter(self) -> bool:
        """A Công văn: no type name, subject as "V/v …"."""
        return self.type_name is None
