"""An outgoing `Document` laid out as a Decree-30 official document (PDF and DOCX).

`official_document` maps the database record onto `cqs.rendering.model.OfficialDocument`:

* header (box 2): a People's Committee (UBND) prints its own name only; any other agency
  prints its parent on the first line — "Ủy ban nhân dân"/"Hội đồng nhân dân" abbreviated
  to UBND/HĐND, and the locality added to a local parent that does not name it (PL I §II.2:
  "tên cơ quan chủ quản trực tiếp ở địa phương có thêm tên tỉnh, xã …") — and its own name
  under it without the locality the parent line already gives ("Ban Dân tộc tỉnh Sơn Hà"
  under "UBND tỉnh Sơn Hà" prints "BAN DÂN TỘC");
* number, notation, place (the document's, else the agency's `place_name`), date, type
  (none for a Công văn: its subject becomes "V/v …"), subject;
* body: the text split into blocks — leading "Căn cứ …" lines become the legal bases, a
  leading "Kính gửi:" the addressees, "I. …" / "1. …" / "a) …" titles numbered sections,
  "- …" / "+ …" bullets, "Chương/Mục/Phần …" headings, anything else a paragraph;
* signature (box 7) from the signing authority, the signer's title and name, with the head's
  title derived from the agency kind for KT./Q./TL./TUQ.;
* "Nơi nhận": the recipient agencies on the platform, then `recipients_text` lines, then
  the archive line "- Lưu: VT, …" (from `archive_line`, else VT and the drafting unit) with
  the drafter's initials and the number of copies (box 12); a Công văn or Tờ trình addresses
  its recipients after "Kính gửi:" and lists "Như trên";
* urgency and secrecy marks; the agency's address, phone and e-mail as the footer (box 13).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

from django.utils import timezone

from cqs.core.text import fold, nfc
from cqs.documents.models import Direction, Document, Secrecy, SignerAuthority, Urgency
from cqs.org.models import Agency, AgencyKind
from cqs.rendering.docx import render_docx
from cqs.rendering.model import (
    Authority,
    Block,
    Bullet,
    DocumentFormatError,
    Heading,
    OfficialDocument,
    Paragraph,
    Section,
    SignatureBlock,
)
from cqs.rendering.model import Secrecy as SecrecyMark
from cqs.rendering.model import Urgency as UrgencyMark
from cqs.rendering.pdf import render_pdf

__all__ = [
    "ParsedBody",
    "document_docx",
    "document_pdf",
    "header_names",
    "official_document",
    "parse_body",
    "signature_block",
]

_COMMITTEES: Final = frozenset(
    {AgencyKind.PROVINCIAL_COMMITTEE, AgencyKind.DISTRICT_COMMITTEE, AgencyKind.COMMUNE_COMMITTEE}
)
_HEAD_TITLES: Final[dict[str, str]] = {
    AgencyKind.PROVINCIAL_COMMITTEE: "Chủ tịch",
    AgencyKind.DISTRICT_COMMITTEE: "Chủ tịch",
    AgencyKind.COMMUNE_COMMITTEE: "Chủ tịch",
    AgencyKind.DEPARTMENT: "Giám đốc",
    AgencyKind.BOARD: "Trưởng ban",
    AgencyKind.OFFICE: "Chánh Văn phòng",
    AgencyKind.INSPECTORATE: "Chánh Thanh tra",
    AgencyKind.SERVICE_CENTRE: "Giám đốc",
    AgencyKind.PUBLIC_SERVICE_UNIT: "Giám đốc",
}
_URGENCY_MARKS: Final[dict[int, UrgencyMark]] = {
    Urgency.NORMAL: "",
    Urgency.URGENT: "KHẨN",
    Urgency.VERY_URGENT: "THƯỢNG KHẨN",
    Urgency.FLASH: "HỎA TỐC",
    Urgency.FLASH_TIMED: "HỎA TỐC",
}
_SECRECY_MARKS: Final[dict[int, SecrecyMark]] = {
    Secrecy.NONE: "",
    Secrecy.SECRET: "MẬT",
    Secrecy.TOP_SECRET: "TỐI MẬT",
    Secrecy.ULTRA_SECRET: "TUYỆT MẬT",
}
_AUTHORITIES: Final[dict[str, Authority]] = {
    SignerAuthority.NONE: "",
    SignerAuthority.TM: "TM.",
    SignerAuthority.KT: "KT.",
    SignerAuthority.Q: "Q.",
    SignerAuthority.TL: "TL.",
    SignerAuthority.TUQ: "TUQ.",
}
#: Types that address their recipients after "Kính gửi:" (PL I, box 9a).
_ADDRESSED_TYPES: Final = frozenset({"Công văn", "Tờ trình"})
_OFFICIAL_LETTER: Final = "Công văn"

_COUNCIL_WORDS: Final = (
    (re.compile(r"\b(?:Ủy|Uỷ)\s+ban\s+nhân\s+dân\b", re.IGNORECASE), "UBND"),
    (re.compile(r"\bHội\s+đồng\s+nhân\s+dân\b", re.IGNORECASE), "HĐND"),
)
_COMMITTEE_PREFIX: Final = re.compile(
    r"^(?:Ủy\s+ban\s+nhân\s+dân|Uỷ\s+ban\s+nhân\s+dân|UBND)\s+", re.IGNORECASE
)
_COMMITTEE_SUFFIX: Final = re.compile(
    r"\s+(?:UBND|Ủy\s+ban\s+nhân\s+dân|Uỷ\s+ban\s+nhân\s+dân)(?:\s.*)?$", re.IGNORECASE
)
_LEVEL_WORDS: Final = ("tỉnh", "thành phố", "huyện", "quận", "thị xã", "xã", "phường", "thị trấn", "đặc khu")


# --------------------------------------------------------------------------- header


def _locality(agency: Agency | None) -> str:
    """'tỉnh Sơn Hà' for the nearest People's Committee at or above `agency`; '' if none."""
    seen: set[int] = set()
    while agency is not None and id(agency) not in seen:
        seen.add(id(agency))
        if agency.kind in _COMMITTEES:
            return _COMMITTEE_PREFIX.sub("", nfc(agency.name).strip(), count=1)
        agency = agency.parent
    return ""


def _ends_with(name: str, suffix: str) -> bool:
    folded, tail = fold(name), fold(suffix)
    return bool(tail) and (folded == tail or folded.endswith(" " + tail))


def _with_locality(name: str, locality: str) -> str:
    """`name` naming its locality: 'Sở Y tế' → 'Sở Y tế tỉnh Sơn Hà'; 'Thanh tra tỉnh' → '… tỉnh Sơn Hà'."""
    if not locality or _ends_with(name, locality) or fold(locality) in fold(name):
        return name
    for level in sorted(_LEVEL_WORDS, key=len, reverse=True):
        if fold(locality).startswith(fold(level) + " ") and _ends_with(name, level):
            return f"{name} {locality[len(level) + 1 :]}"
    return f"{name} {locality}"


def _abbreviate(name: str) -> str:
    for pattern, abbreviation in _COUNCIL_WORDS:
        name = pattern.sub(abbreviation, name)
    return name


def header_names(agency: Agency, issuing_name: str = "") -> tuple[str, str]:
    """(parent line, issuing agency line) of box 2, before upper-casing.

    `issuing_name` overrides the agency's own name (the document's ``issuing_agency_name``).
    """
    own = nfc(issuing_name or agency.name).strip()
    parent = agency.parent
    if agency.kind in _COMMITTEES or parent is None:
        return "", own
    locality = _locality(parent)
    parent_line = _abbreviate(_with_locality(nfc(parent.name).strip(), locality))
    if locality and _ends_with(own, locality) and fold(own) != fold(locality):
        own = own[: len(own) - len(locality)].rstrip(" ,-")
    return parent_line, own


# --------------------------------------------------------------------------- signature


def _without_deputy(title: str) -> str | None:
    """'Phó Giám đốc' → 'Giám đốc'; None when the title is not a deputy's."""
    match = re.match(r"^Phó\s+(.+)$", title.strip(), re.IGNORECASE)
    if match is None:
        return None
    rest = match.group(1)
    return rest[:1].upper() + rest[1:]


def signature_block(document: Document) -> SignatureBlock:
    """Box 7 from the document's signing authority, signer title and signer name."""
    owner = document.owner
    authority = _AUTHORITIES.get(document.signer_authority, "")
    title = nfc(document.signer_title).strip()
    name = nfc(document.signer_name).strip()
    if not name and document.signer is not None:
        name = str(getattr(document.signer, "full_name", "") or "")
    if owner.kind in _COMMITTEES:
        # "Chủ tịch UBND xã" as a position title prints "CHỦ TỊCH" under "TM. ỦY BAN NHÂN DÂN".
        title = _COMMITTEE_SUFFIX.sub("", title)
    head = _HEAD_TITLES.get(owner.kind, "Thủ trưởng cơ quan")
    if authority == "":
        return SignatureBlock("", "", title or head, name)
    if authority == "TM.":
        collective = "Ủy ban nhân dân" if owner.kind in _COMMITTEES else header_names(owner)[1]
        deputy_of = _without_deputy(title)
        return SignatureBlock("TM.", collective, title or head, name, deputy_for=deputy_of or "")
    if authority == "KT.":
        return SignatureBlock("KT.", _without_deputy(title) or head, title, name)
    if authority == "Q.":
        acting = re.sub(r"^Quyền\s+", "", title, flags=re.IGNORECASE) or head
        return SignatureBlock("Q.", acting, "", name)
    if authority == "TL.":
        deputy_of = _without_deputy(title)
        return SignatureBlock("TL.", head, title, name, deputy_for=deputy_of or "")
    return SignatureBlock(authority, head, title, name)


# --------------------------------------------------------------------------- body


@dataclass(frozen=True)
class ParsedBody:
    legal_bases: tuple[str, ...] = ()
    addressees: tuple[str, ...] = ()
    blocks: tuple[Block, ...] = field(default=())


_HEADING = re.compile(r"^((?:Phần|Chương|Mục|Tiểu mục)\s+[0-9IVXLC]+)(?!\w)\s*[.:]?\s*(.*)$")
_ROMAN_SECTION = re.compile(r"^([IVXLC]+)\.\s+(.+)$")
_ARABIC_SECTION = re.compile(r"^([1-9]\d*(?:\.[1-9]\d*)*)\.\s+(.+)$")
_LETTER_SECTION = re.compile(r"^([a-zđ])\)\s+(.+)$")
_ADDRESSEE = re.compile(r"^Kính\s+gửi\s*:\s*(.*)$", re.IGNORECASE)
_SECTION_TITLE_MAX = 150
# Word and pasted text often use an en dash or a bullet where Decree 30 writes "-".
_BULLET_MARKS = frozenset("-+–•")


def _is_title(text: str) -> bool:
    """A numbered line is a section title when it is short and not a sentence."""
    return len(text) <= _SECTION_TITLE_MAX and not text.rstrip().endswith((".", ";", ":", ","))


def _block(line: str, following: str | None) -> tuple[Block, bool]:
    """The block for `line`, and whether it consumed `following` (a heading's title)."""
    if match := _HEADING.match(line):
        label, title = match.group(1), match.group(2)
        if (
            not title
            and following
            and following == following.upper()
            and following.upper() != following.lower()
        ):
            return Heading(label, following), True
        return Heading(label, title), False
    if (match := _ROMAN_SECTION.match(line)) and _is_title(match.group(2)):
        return Section(match.group(1), match.group(2)), False
    for pattern in (_ARABIC_SECTION, _LETTER_SECTION):
        if (match := pattern.match(line)) and _is_title(match.group(2)):
            return Section(match.group(1), match.group(2)), False
    if line[:1] in _BULLET_MARKS and line[1:2].isspace() and line[2:].strip():
        return Bullet(line[2:].strip(), marker="+" if line[0] == "+" else "-"), False
    return Paragraph(line), False


def parse_body(text: str) -> ParsedBody:
    """Split the body text into the renderer's blocks (see the module docstring)."""
    lines = [nfc(line).strip() for line in text.replace("\r\n", "\n").split("\n")]
    lines = [line for line in lines if line]
    index = 0
    bases: list[str] = []
    while index < len(lines) and fold(lines[index]).startswith("can cu "):
        bases.append(lines[index])
        index += 1
    addressees: list[str] = []
    if index < len(lines) and (match := _ADDRESSEE.match(lines[index])):
        index += 1
        if match.group(1).strip():
            addressees.append(match.group(1).strip())
        else:
            while index < len(lines) and lines[index].startswith("- "):
                addressees.append(lines[index][2:].strip())
                index += 1
    blocks: list[Block] = []
    while index < len(lines):
        following = lines[index + 1] if index + 1 < len(lines) else None
        block, consumed = _block(lines[index], following)
        blocks.append(block)
        index += 2 if consumed else 1
    return ParsedBody(tuple(bases), tuple(addressees), tuple(blocks))


# --------------------------------------------------------------------------- recipients


def _list_item(line: str) -> str:
    return nfc(line).strip().removeprefix("-").removeprefix("+").strip().rstrip(";.,").strip()


def _recipients(document: Document) -> tuple[list[str], str]:
    """The recipients (platform agencies first, then the other lines) and any "Lưu:" line found."""
    names: list[str] = []
    if document.pk is not None:
        names.extend(nfc(agency.name) for agency in document.recipient_agencies.all())
    archive = ""
    for line in document.recipients_text.splitlines():
        item = _list_item(line)
        if not item:
            continue
        if fold(item).startswith("luu"):
            archive = item
        elif fold(item) not in {fold(name) for name in names}:
            names.append(item)
    return names, archive


def _archive_line(document: Document, found: str) -> str:
    text = nfc(document.archive_line).strip() or found
    text = re.sub(r"^-?\s*Lưu\s*:?\s*", "", text, flags=re.IGNORECASE).rstrip(" .;")
    if not text:
        parts = ["VT"]
        if document.drafting_unit is not None and document.drafting_unit.notation:
            parts.append(document.drafting_unit.notation)
        text = ", ".join(parts)
    return f"Lưu: {text}"


def _initials(full_name: str) -> str:
    """'Nguyễn Văn Ánh' → 'NVÁ' (box 12: the drafter's initials, upper case)."""
    return "".join(word[0] for word in nfc(full_name).split() if word[0].isalpha()).upper()


def _footer(agency: Agency) -> tuple[str, ...]:
    lines: list[str] = []
    if agency.address:
        lines.append(f"Địa chỉ: {agency.address}")
    contact = [
        f"Điện thoại: {agency.phone}" if agency.phone else "",
        f"Email: {agency.email}" if agency.email else "",
    ]
    if any(contact):
        lines.append("; ".join(part for part in contact if part))
    return tuple(lines)


# --------------------------------------------------------------------------- document


def official_document(document: Document) -> OfficialDocument:
    """The rendering model of an outgoing (or internal) document; `DocumentFormatError` if incomplete."""
    if document.direction == Direction.INCOMING:
        raise DocumentFormatError(
            "Chỉ trình bày được văn bản đi hoặc văn bản nội bộ; văn bản đến giữ nguyên tệp đã nhận."
        )
    owner = document.owner
    parent_line, issuing_line = header_names(owner, document.issuing_agency_name)
    body = parse_body(document.body)
    recipients, found_archive = _recipients(document)
    addressees: Sequence[str] = body.addressees
    cc: list[str] = recipients
    if not addressees and document.doc_type in _ADDRESSED_TYPES and recipients:
        addressees, cc = recipients, ["Như trên"]
    drafter_name = str(getattr(document.drafter, "full_name", "") or "") if document.drafter else ""
    drafter_code = _initials(drafter_name) if drafter_name else ""
    issued_on = document.issued_on
    draft_year = issued_on.year if issued_on else (document.registered_year or timezone.localdate().year)
    return OfficialDocument(
        parent_agency_name=parent_line,
        issuing_agency_name=issuing_line,
        number=document.number or None,
        notation=document.notation,
        place=document.place or owner.place_name,
        issued_on=issued_on,
        type_name=None if document.doc_type == _OFFICIAL_LETTER else document.doc_type,
        subject=document.subject,
        signature=signature_block(document),
        body=body.blocks,
        recipients_to=tuple(addressees),
        legal_bases=body.legal_bases,
        cc=tuple(cc),
        archive_line=_archive_line(document, found_archive),
        urgency=_URGENCY_MARKS.get(document.urgency, ""),
        secrecy=_SECRECY_MARKS.get(document.secrecy, ""),
        drafter_code=drafter_code,
        copies=document.copies if drafter_code and document.copies else None,
        footer=_footer(owner),
        draft_year=draft_year,
    )


def document_pdf(document: Document) -> bytes:
    """The document as a Decree-30 PDF (fonts embedded)."""
    return render_pdf(official_document(document))


def document_docx(document: Document) -> bytes:
    """The document as an editable Decree-30 DOCX."""
    return render_docx(official_document(document))
