"""Text from scanned documents (Tesseract OCR) and the PDF tools behind it (poppler-utils).

Everything here takes bytes and returns plain results, with no database access, so that a
task queue can run it later exactly as the request runs it now:

* `ocr_pdf` rasterises each page with ``pdftoppm``, recognises it with Tesseract and its
  Vietnamese model (``-l vie``), and merges the pages (``pdfunite``) into a searchable PDF:
  the page images with an invisible text layer over them;
* `ocr_image` recognises a PNG, JPEG or (multi-page) TIFF;
* `scan_quality` / `check_scan_quality` compare a scan with the digitisation standard of
  Nghị định 30/2020 (Phụ lục I, regulations.md §1.7): PDF 1.4 or later, colour, at least
  200 dpi, for every page;
* `pdf_info` and `pdf_text` wrap ``pdfinfo`` and ``pdftotext -layout`` for `cqs.documents.files`.

Every external program runs with a timeout, and a missing program is reported in Vietnamese
with the way to install it. Settings (all optional): ``DOCUMENT_OCR_LANGUAGES`` ("vie"),
``DOCUMENT_OCR_DPI`` (300), ``DOCUMENT_OCR_MAX_PAGES`` (100), ``DOCUMENT_OCR_PAGE_TIMEOUT``
(120 s), ``DOCUMENT_OCR_WORKERS`` (up to 4), ``DOCUMENT_TOOL_TIMEOUT`` (60 s).
"""

from __future__ import annotations

import math
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal, TypeAlias

from django.conf import settings

from cqs.core.errors import ApplicationError
from cqs.core.text import nfc

__all__ = [
    "MIN_PDF_VERSION",
    "MIN_SCAN_DPI",
    "ColourMode",
    "OcrError",
    "OcrResult",
    "PageScan",
    "PdfInfo",
    "ScanQuality",
    "ToolMissingError",
    "check_scan_quality",
    "max_pages",
    "ocr_image",
    "ocr_pdf",
    "pdf_info",
    "pdf_text",
    "scan_quality",
    "tesseract_languages",
]

#: Digitisation standard, Nghị định 30/2020 Phụ lục I Phần II §I (regulations.md §1.7).
MIN_SCAN_DPI = 200
MIN_PDF_VERSION = (1, 4)

ColourMode: TypeAlias = Literal["colour", "grey", "bw"]

_SYSTEM_DEPS_HINT = "Quản trị viên cần chạy scripts/system-deps.sh"
_PACKAGES = {
    "tesseract": "tesseract-ocr, tesseract-ocr-vie",
    "pdftoppm": "poppler-utils",
    "pdftotext": "poppler-utils",
    "pdfinfo": "poppler-utils",
    "pdfimages": "poppler-utils",
    "pdfunite": "poppler-utils",
}
_STEPS = {
    "tesseract": "nhận dạng chữ (OCR)",
    "pdftoppm": "chuyển trang PDF thành ảnh",
    "pdftotext": "trích xuất nội dung PDF",
    "pdfinfo": "đọc thông tin PDF",
    "pdfimages": "kiểm tra ảnh quét",
    "pdfunite": "ghép các trang PDF",
}
# A scan is an image covering at least this share of its page; smaller images (logos,
# signature images on a born-digital document) say nothing about digitisation quality.
_SCAN_COVERAGE = 0.5
# Pages larger than A3 are rasterised at a lower resolution so that no page image exceeds
# the pixels of an A3 page at 300 dpi (about 17.4 million).
_MAX_PAGE_PIXELS = round(11.69 * 16.54 * 300 * 300)


class OcrError(ApplicationError):
    """A scan could not be read or recognised; the message is Vietnamese and shown as is."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="ocr")


class ToolMissingError(OcrError):
    """An external program (Tesseract or a poppler-utils tool) is not installed."""


# --------------------------------------------------------------------------- settings


def _setting_int(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def max_pages() -> int:
    """The most pages one OCR run takes on (``DOCUMENT_OCR_MAX_PAGES``, default 100)."""
    return _setting_int("DOCUMENT_OCR_MAX_PAGES", 100)


def _tool_timeout() -> float:
    return float(getattr(settings, "DOCUMENT_TOOL_TIMEOUT", 60))


def _page_timeout() -> float:
    return float(getattr(settings, "DOCUMENT_OCR_PAGE_TIMEOUT", 120))


# --------------------------------------------------------------------------- running tools


def _environment() -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("LC_")}
    # One thread per Tesseract process: the pages run in parallel instead, which is faster
    # than OpenMP threads competing inside each process.
    env["OMP_THREAD_LIMIT"] = "1"
    env["LANG"] = "C.UTF-8"
    return env


def _missing_message(tool: str) -> str:
    if tool == "tesseract":
        return (
            "Máy chủ chưa cài Tesseract OCR nên không nhận dạng được văn bản quét. "
            f"{_SYSTEM_DEPS_HINT} (gói {_PACKAGES[tool]})."
        )
    return (
        f"Máy chủ chưa cài chương trình {tool} để xử lý tệp PDF. {_SYSTEM_DEPS_HINT} (gói {_PACKAGES[tool]})."
    )


def _run(
    args: Sequence[str], *, timeout: float, cwd: Path | None = None
) -> subprocess.CompletedProcess[bytes]:
    """Run a tool without a shell; a missing tool or a timeout becomes an `OcrError`."""
    tool = args[0]
    executable = shutil.which(tool)
    if executable is None:
        raise ToolMissingError(_missing_message(tool))
    try:
        return subprocess.run(
            [executable, *args[1:]],
            cwd=cwd,
            env=_environment(),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        step = _STEPS.get(tool, tool)
        raise OcrError(f"Bước {step} vượt quá thời gian cho phép ({math.ceil(timeout)} giây).") from exc


def _check(result: subprocess.CompletedProcess[bytes], what: str) -> None:
    if result.returncode != 0:
        detail = result.stderr.decode("utf-8", "replace").strip().splitlines()
        tail = f" ({detail[-1][:200]})" if detail else ""
        raise OcrError(f"Không {what}{tail}.")


# --------------------------------------------------------------------------- pdfinfo / pdftotext


@dataclass(frozen=True)
class PdfInfo:
    """What ``pdfinfo`` says about a PDF. `page_sizes` are (width, height) in points."""

    pages: int
    version: tuple[int, int]
    encrypted: bool
    page_sizes: tuple[tuple[float, float], ...]

    @property
    def version_text(self) -> str:
        return f"{self.version[0]}.{self.version[1]}"


class PdfUnreadableError(OcrError):
    """The bytes are not a PDF that poppler can open."""


class PdfEncryptedError(OcrError):
    """The PDF is encrypted (needs a password, or restricts its use)."""


_INFO_LINE = re.compile(r"^([^:]+):\s*(.*)$")
_PAGE_SIZE = re.compile(r"^Page\s+(\d+)\s+size:\s+([\d.]+)\s+x\s+([\d.]+)\s+pts")
_VERSION = re.compile(r"^(\d+)\.(\d+)$")


def _pdf_info_path(path: Path) -> PdfInfo:
    # First pass: the page count (pdfinfo prints per-page sizes only for a given range).
    result = _run(["pdfinfo", str(path)], timeout=_tool_timeout())
    stderr = result.stderr.decode("utf-8", "replace")
    if result.returncode != 0:
        if "password" in stderr.casefold():
            raise PdfEncryptedError("Tệp PDF được đặt mật khẩu.")
        raise PdfUnreadableError("Tệp PDF bị hỏng hoặc không đọc được.")
    fields: dict[str, str] = {}
    for line in result.stdout.decode("utf-8", "replace").splitlines():
        match = _INFO_LINE.match(line)
        if match:
            fields[match.group(1).strip()] = match.group(2).strip()
    try:
        pages = int(fields["Pages"])
    except (KeyError, ValueError) as exc:
        raise PdfUnreadableError("Tệp PDF bị hỏng hoặc không đọc được.") from exc
    if pages < 1:
        raise PdfUnreadableError("Tệp PDF không có trang nào.")
    version_match = _VERSION.match(fields.get("PDF version", ""))
    version = (int(version_match.group(1)), int(version_match.group(2))) if version_match else (0, 0)
    sized = _run(["pdfinfo", "-f", "1", "-l", str(pages), str(path)], timeout=_tool_timeout())
    _check(sized, "đọc được kích thước trang PDF")
    sizes: dict[int, tuple[float, float]] = {}
    for line in sized.stdout.decode("utf-8", "replace").splitlines():
        match = _PAGE_SIZE.match(line)
        if match:
            sizes[int(match.group(1))] = (float(match.group(2)), float(match.group(3)))
    # A4 portrait for any page pdfinfo gave no size for (it always does for readable pages).
    page_sizes = tuple(sizes.get(number, (595.28, 841.89)) for number in range(1, pages + 1))
    return PdfInfo(
        pages=pages,
        version=version,
        encrypted=fields.get("Encrypted", "no").startswith("yes"),
        page_sizes=page_sizes,
    )


def pdf_info(pdf_bytes: bytes) -> PdfInfo:
    """Page count, version, encryption and page sizes; `PdfUnreadableError` for a broken file."""
    with tempfile.TemporaryDirectory(prefix="cqs-pdf-") as tmp:
        path = Path(tmp) / "in.pdf"
        path.write_bytes(pdf_bytes)
        return _pdf_info_path(path)


def _pdf_text_path(path: Path, *, layout: bool) -> str:
    args = ["pdftotext", "-enc", "UTF-8"]
    if layout:
        args.append("-layout")
    result = _run([*args, str(path), "-"], timeout=_tool_timeout())
    _check(result, "trích xuất được nội dung tệp PDF")
    return nfc(result.stdout.decode("utf-8", "replace"))


def pdf_text(pdf_bytes: bytes, *, layout: bool = True) -> str:
    """The PDF's text layer (``pdftotext -layout``), NFC; pages are separated by form feeds."""
    with tempfile.TemporaryDirectory(prefix="cqs-pdf-") as tmp:
        path = Path(tmp) / "in.pdf"
        path.write_bytes(pdf_bytes)
        return _pdf_text_path(path, layout=layout)


# --------------------------------------------------------------------------- scan quality


@dataclass(frozen=True)
class PageScan:
    """The scanned image of one page: its resolution and colour as stored in the PDF."""

    page: int
    width: int
    height: int
    dpi: int
    colour: ColourMode


@dataclass(frozen=True)
class ScanQuality:
    """A PDF compared with the digitisation standard; `scans` lists only pages holding a scan."""

    pages: int
    version: tuple[int, int]
    scans: tuple[PageScan, ...]
    warnings: tuple[str, ...]

    @property
    def is_scan(self) -> bool:
        return bool(self.scans)

    @property
    def dpi(self) -> int | None:
        """The lowest resolution over the scanned pages (None when nothing is scanned)."""
        return min((scan.dpi for scan in self.scans), default=None)

    @property
    def is_colour(self) -> bool:
        """Every scanned page is in colour (False when nothing is scanned)."""
        return bool(self.scans) and all(scan.colour == "colour" for scan in self.scans)


_COLOUR_SPACES = frozenset({"rgb", "cmyk", "lab", "index"})


def _colour_mode(space: str, components: int, bits: int) -> ColourMode:
    if space in _COLOUR_SPACES or components >= 3:
        return "colour"
    return "bw" if bits == 1 else "grey"


def _page_scans(path: Path, info: PdfInfo) -> tuple[PageScan, ...]:
    result = _run(["pdfimages", "-list", str(path)], timeout=_tool_timeout())
    _check(result, "đọc được danh sách ảnh trong tệp PDF")
    best: dict[int, tuple[int, PageScan]] = {}
    for line in result.stdout.decode("utf-8", "replace").splitlines()[2:]:
        parts = line.split()
        # page num type width height color comp bpc enc interp object ID x-ppi y-ppi size ratio
        if len(parts) < 14 or parts[2] != "image":
            continue
        try:
            page, width, height = int(parts[0]), int(parts[3]), int(parts[4])
            components, bits = int(parts[6]), int(parts[7])
            x_ppi, y_ppi = float(parts[12]), float(parts[13])
        except ValueError:
            continue
        if not 1 <= page <= info.pages or x_ppi <= 0 or y_ppi <= 0:
            continue
        page_width, page_height = info.page_sizes[page - 1]
        shown_area = (width / x_ppi * 72) * (height / y_ppi * 72)
        if shown_area < _SCAN_COVERAGE * page_width * page_height:
            continue
        pixels = width * height
        if page in best and best[page][0] >= pixels:
            continue
        scan = PageScan(
            page=page,
            width=width,
            height=height,
            dpi=round(min(x_ppi, y_ppi)),
            colour=_colour_mode(parts[5], components, bits),
        )
        best[page] = (pixels, scan)
    return tuple(best[page][1] for page in sorted(best))


def _pages_note(pages: Sequence[int], total: int) -> str:
    if len(pages) == total:
        return ""
    return f" (trang {', '.join(str(page) for page in pages)})"


def _warnings(info: PdfInfo, scans: Sequence[PageScan]) -> tuple[str, ...]:
    if not scans:
        return ()
    warnings: list[str] = []
    if info.version < MIN_PDF_VERSION:
        warnings.append(
            f"Tệp PDF phiên bản {info.version_text}, quy định yêu cầu PDF từ phiên bản "
            f"{MIN_PDF_VERSION[0]}.{MIN_PDF_VERSION[1]} trở lên"
        )
    low = sorted({scan.dpi for scan in scans if scan.dpi < MIN_SCAN_DPI})
    for dpi in low:
        pages = [scan.page for scan in scans if scan.dpi == dpi]
        note = _pages_note(pages, info.pages)
        warnings.append(f"Độ phân giải {dpi} dpi thấp hơn mức tối thiểu {MIN_SCAN_DPI} dpi{note}")
    not_colour = [scan.page for scan in scans if scan.colour != "colour"]
    if not_colour:
        warnings.append(f"Bản quét đen trắng, quy định yêu cầu bản màu{_pages_note(not_colour, info.pages)}")
    return tuple(warnings)


def _scan_quality_path(path: Path, info: PdfInfo) -> ScanQuality:
    scans = _page_scans(path, info)
    return ScanQuality(pages=info.pages, version=info.version, scans=scans, warnings=_warnings(info, scans))


def scan_quality(pdf_bytes: bytes) -> ScanQuality:
    """Resolution and colour of each page's scan image (``pdfimages -list``) and the warnings."""
    with tempfile.TemporaryDirectory(prefix="cqs-scan-") as tmp:
        path = Path(tmp) / "in.pdf"
        path.write_bytes(pdf_bytes)
        info = _pdf_info_path(path)
        if info.encrypted:
            raise PdfEncryptedError("Tệp PDF được mã hóa.")
        return _scan_quality_path(path, info)


def check_scan_quality(pdf_bytes: bytes) -> list[str]:
    """Vietnamese warnings where a scanned PDF falls short of the digitisation standard.

    Empty for a compliant scan and for a born-digital PDF (one without page scans).
    """
    return list(scan_quality(pdf_bytes).warnings)


# --------------------------------------------------------------------------- Tesseract


@dataclass(frozen=True)
class OcrResult:
    """Recognised text (pages separated by form feeds) and the searchable PDF.

    `dpi` and `is_colour` describe the source scan (see `ScanQuality`); `warnings` are the
    digitisation-standard warnings for it.
    """

    text: str
    searchable_pdf_bytes: bytes
    pages: int
    dpi: int | None
    is_colour: bool
    warnings: tuple[str, ...] = ()


@cache
def _installed_languages(executable: str) -> tuple[str, ...]:
    result = _run([executable, "--list-langs"], timeout=_tool_timeout())
    _check(result, "đọc được danh sách ngôn ngữ của Tesseract")
    # Tesseract 4 prints the list on stderr, Tesseract 5 on stdout.
    lines = (result.stdout + result.stderr).decode("utf-8", "replace").splitlines()
    return tuple(line.strip() for line in lines if line.strip() and not line.startswith("List of"))


def tesseract_languages() -> tuple[str, ...]:
    """The language models Tesseract has installed ("eng", "vie", …)."""
    executable = shutil.which("tesseract")
    if executable is None:
        raise ToolMissingError(_missing_message("tesseract"))
    return _installed_languages(executable)


def _language(language: str | None) -> str:
    """The ``-l`` argument: `language`, else the setting, else Vietnamese; every model must exist."""
    wanted = language or str(getattr(settings, "DOCUMENT_OCR_LANGUAGES", "vie"))
    installed = tesseract_languages()
    missing = [code for code in wanted.split("+") if code not in installed]
    if not missing:
        return wanted
    if "vie" in missing:
        raise ToolMissingError(
            "Máy chủ chưa cài mô hình tiếng Việt cho Tesseract nên không nhận dạng được văn bản quét. "
            f"{_SYSTEM_DEPS_HINT} (gói tesseract-ocr-vie)."
        )
    # An optional extra model (e.g. "eng" in "vie+eng") is missing: Vietnamese alone still works.
    return "vie"


def _tesseract(
    image: Path, out_base: Path, language: str, *, dpi: int | None, formats: Sequence[str]
) -> None:
    args = ["tesseract", str(image), str(out_base), "-l", language]
    if dpi is not None:
        args += ["--dpi", str(dpi)]
    result = _run([*args, *formats], timeout=_page_timeout())
    _check(result, "nhận dạng được chữ trên ảnh quét")


def _render_dpi(size: tuple[float, float], wanted: int) -> int:
    """`wanted`, lowered for pages so large that the image would exceed `_MAX_PAGE_PIXELS`."""
    width_in, height_in = size[0] / 72, size[1] / 72
    limit = math.sqrt(_MAX_PAGE_PIXELS / max(width_in * height_in, 1e-6))
    return max(72, min(wanted, math.floor(limit)))


def _rasterise(
    path: Path, info: PdfInfo, modes: dict[int, ColourMode], out_dir: Path
) -> list[tuple[Path, int]]:
    """One JPEG per page (grey for pages scanned without colour), with the dpi each was made at."""
    wanted = _setting_int("DOCUMENT_OCR_DPI", 300)
    plan = [
        (page, _render_dpi(info.page_sizes[page - 1], wanted), modes.get(page, "colour") != "colour")
        for page in range(1, info.pages + 1)
    ]
    images: list[tuple[Path, int]] = []
    start = 0
    while start < len(plan):
        # One pdftoppm call per run of consecutive pages rendered alike (usually all of them).
        end = start
        while end + 1 < len(plan) and plan[end + 1][1:] == plan[start][1:]:
            end += 1
        first, dpi, grey = plan[start][0], plan[start][1], plan[start][2]
        last = plan[end][0]
        prefix = out_dir / f"r{first}"
        args = ["pdftoppm", "-r", str(dpi), "-f", str(first), "-l", str(last), "-jpeg"]
        args += ["-jpegopt", "quality=85"]
        if grey:
            args.append("-gray")
        result = _run([*args, str(path), str(prefix)], timeout=_tool_timeout() * (last - first + 1))
        _check(result, "chuyển được trang PDF thành ảnh")
        produced = sorted(out_dir.glob(f"r{first}-*.jpg"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
        if len(produced) != last - first + 1:
            raise OcrError("Không chuyển được đủ các trang PDF thành ảnh.")
        images.extend((image, dpi) for image in produced)
        start = end + 1
    return images


def _too_many_pages(pages: int, limit: int) -> str:
    return f"Tệp có {pages} trang, vượt quá giới hạn {limit} trang cho một lần nhận dạng OCR."


def _workers(pages: int) -> int:
    default = min(4, os.cpu_count() or 1)
    return max(1, min(pages, _setting_int("DOCUMENT_OCR_WORKERS", default)))


def ocr_pdf(pdf_bytes: bytes, *, language: str | None = None) -> OcrResult:
    """Recognise every page of a (scanned) PDF; see the module docstring.

    Raises `OcrError` (Vietnamese message) for an unreadable or encrypted PDF, one with more
    pages than ``DOCUMENT_OCR_MAX_PAGES``, a missing Tesseract or Vietnamese model, or a
    timeout. The input bytes are not changed; the searchable PDF is a new file.
    """
    lang = _language(language)
    limit = max_pages()
    with tempfile.TemporaryDirectory(prefix="cqs-ocr-") as tmp:
        work = Path(tmp)
        source = work / "in.pdf"
        source.write_bytes(pdf_bytes)
        info = _pdf_info_path(source)
        if info.encrypted:
            raise PdfEncryptedError("Tệp PDF được mã hóa nên không nhận dạng được.")
        if info.pages > limit:
            raise OcrError(_too_many_pages(info.pages, limit))
        quality = _scan_quality_path(source, info)
        modes = {scan.page: scan.colour for scan in quality.scans}
        images = _rasterise(source, info, modes, work)

        def recognise(item: tuple[int, tuple[Path, int]]) -> tuple[Path, str]:
            number, (image, dpi) = item
            out_base = work / f"ocr-{number:05d}"
            _tesseract(image, out_base, lang, dpi=dpi, formats=("pdf", "txt"))
            pdf = out_base.with_suffix(".pdf")
            txt = out_base.with_suffix(".txt")
            if not pdf.exists() or not txt.exists():
                raise OcrError(f"Tesseract không tạo được kết quả cho trang {number}.")
            return pdf, nfc(txt.read_text("utf-8", "replace")).strip()

        with ThreadPoolExecutor(max_workers=_workers(len(images))) as pool:
            pages = list(pool.map(recognise, enumerate(images, start=1)))
        if len(pages) == 1:
            searchable = pages[0][0].read_bytes()
        else:
            merged = work / "searchable.pdf"
            result = _run(
                ["pdfunite", *(str(pdf) for pdf, _ in pages), str(merged)],
                timeout=_tool_timeout(),
            )
            _check(result, "ghép được các trang đã nhận dạng")
            searchable = merged.read_bytes()
    return OcrResult(
        text="\f".join(text for _, text in pages),
        searchable_pdf_bytes=searchable,
        pages=info.pages,
        dpi=quality.dpi,
        is_colour=quality.is_colour,
        warnings=quality.warnings,
    )


def ocr_image(
    image_bytes: bytes, *, suffix: str = ".png", pages: int = 1, language: str | None = None
) -> str:
    """Recognise a PNG, JPEG or TIFF (every page of a multi-page TIFF); pages joined by form feeds.

    `suffix` is the image's extension, which Tesseract's image reader goes by; `pages` the
    number of frames (a TIFF may hold many), checked against ``DOCUMENT_OCR_MAX_PAGES``.
    """
    lang = _language(language)
    limit = max_pages()
    if pages > limit:
        raise OcrError(_too_many_pages(pages, limit))
    with tempfile.TemporaryDirectory(prefix="cqs-ocr-") as tmp:
        work = Path(tmp)
        image = work / f"in{suffix}"
        image.write_bytes(image_bytes)
        out_base = work / "out"
        result = _run(
            ["tesseract", str(image), str(out_base), "-l", lang, "txt"], timeout=_page_timeout() * pages
        )
        _check(result, "nhận dạng được chữ trên ảnh")
        text_file = out_base.with_suffix(".txt")
        if not text_file.exists():
            raise OcrError("Tesseract không tạo được kết quả nhận dạng.")
        texts = text_file.read_text("utf-8", "replace").split("\f")
    return "\f".join(nfc(text).strip() for text in texts if text.strip())
