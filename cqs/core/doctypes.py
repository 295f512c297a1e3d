"""Catalogue of Vietnamese document types (tên loại văn bản) and their abbreviations.

The 29 administrative types come from Article 7 and Appendix III of Decree 30/2020/NĐ-CP on
office work (công tác văn thư); the legal types are the normative kinds most often cited in
administrative correspondence. Types without an abbreviation (Công văn, Thư công, Luật,
Pháp lệnh) have `code=None`: their notation starts with the issuing body instead.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DocumentType:
    name: str
    code: str | None
    is_administrative: bool


DOCUMENT_TYPES: tuple[DocumentType, ...] = (
    DocumentType("Nghị quyết", "NQ", True),
    DocumentType("Quyết định", "QĐ", True),
    DocumentType("Chỉ thị", "CT", True),
    DocumentType("Quy chế", "QC", True),
    DocumentType("Quy định", "QyĐ", True),
    DocumentType("Thông cáo", "TC", True),
    DocumentType("Thông báo", "TB", True),
    DocumentType("Hướng dẫn", "HD", True),
    DocumentType("Chương trình", "CTr", True),
    DocumentType("Kế hoạch", "KH", True),
    DocumentType("Phương án", "PA", True),
    DocumentType("Đề án", "ĐA", True),
    DocumentType("Dự án", "DA", True),
    DocumentType("Báo cáo", "BC", True),
    DocumentType("Biên bản", "BB", True),
    DocumentType("Tờ trình", "TTr", True),
    DocumentType("Hợp đồng", "HĐ", True),
    DocumentType("Công văn", None, True),
    DocumentType("Công điện", "CĐ", True),
    DocumentType("Bản ghi nhớ", "BGN", True),
    DocumentType("Bản thỏa thuận", "BTT", True),
    DocumentType("Giấy ủy quyền", "GUQ", True),
    DocumentType("Giấy mời", "GM", True),
    DocumentType("Giấy giới thiệu", "GGT", True),
    DocumentType("Giấy nghỉ phép", "GNP", True),
    DocumentType("Phiếu gửi", "PG", True),
    DocumentType("Phiếu chuyển", "PC", True),
    DocumentType("Phiếu báo", "PB", True),
    DocumentType("Thư công", None, True),
    DocumentType("Luật", None, False),
    DocumentType("Nghị định", "NĐ", False),
    DocumentType("Thông tư", "TT", False),
    DocumentType("Thông tư liên tịch", "TTLT", False),
    DocumentType("Pháp lệnh", None, False),
)

ADMINISTRATIVE_TYPES: tuple[DocumentType, ...] = tuple(t for t in DOCUMENT_TYPES if t.is_administrative)

_BY_NAME = {t.name.casefold(): t for t in DOCUMENT_TYPES}
# Upper-cased keys: notations in all-caps headings write "TTR" for "TTr" and "QYĐ" for "QyĐ";
# no two codes collide once upper-cased.
_BY_CODE = {t.code.upper(): t for t in DOCUMENT_TYPES if t.code is not None}


def type_by_name(name: str) -> DocumentType | None:
    """Exact (case-insensitive) catalogue lookup; citations.py handles tone-placement variants."""
    return _BY_NAME.get(name.casefold())


def type_by_code(code: str) -> DocumentType | None:
    return _BY_CODE.get(code.upper())
