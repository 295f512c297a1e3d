"""The PDF side of signing: bytes in, signed bytes out; no database, no permissions.

Every signature is one incremental update (the bytes before it are never touched), a PAdES
signature (``ETSI.CAdES.detached``; B-B, or B-T with a timestamper). The mechanism that lets
the leader sign first and the Văn thư release afterwards, with both signatures valid:

1. The leader's revision creates, before signing, the text fields ``so_van_ban`` and
   ``ngay_ban_hanh`` (empty appearance: the draft's blank line shows through) and the
   agency's empty signature field ``chu_ky_co_quan`` (its lock: all fields, once signed),
   then certifies the document with DocMDP level 2 — "form filling and signing allowed".
   A document that already carries a signature gets an approval signature instead.
2. The release revision fills the two text fields (new appearance streams, read-only flag)
   and signs the agency field with the seal as appearance. For the leader's signature this
   revision is form filling plus signing an existing field: allowed by DocMDP 2, so both
   signatures validate (pyHanko's difference analysis says FORM_FILLING).

Appearances are drawn by `cqs.signing.appearance` and put on the widgets before signing;
pyHanko is told to keep them (``NoOpStampStyle``). The signing time is chosen here (Vietnam
time, whole seconds) and given to pyHanko, so the time shown equals the one signed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from typing import Any

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name, pdf_string
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.pdf_utils.rw_common import find_inherited_value_in_tree
from pyhanko.sign import fields as sig_fields
from pyhanko.sign.fields import FieldMDPAction, FieldMDPSpec, MDPPerm, SigFieldSpec, SigSeedSubFilter
from pyhanko.sign.general import SigningError
from pyhanko.sign.signers import PdfSignatureMetadata, PdfSigner
from pyhanko.sign.signers.pdf_signer import PdfSigningSession
from pyhanko.sign.timestamps.api import TimeStamper
from pyhanko.sign.timestamps.common_utils import TimestampRequestError
from pyhanko.stamp import NoOpStampStyle

from cqs.core.errors import ApplicationError
from cqs.rendering.pdf import SignatureBox
from cqs.signing import appearance
from cqs.signing.backends import CertificateSigner
from cqs.signing.formats import display_time, iso_time, vietnam_time
from cqs.signing.placement import DATE_FIELD, NUMBER_FIELD, TextFieldSpec

__all__ = [
    "AGENCY_FIELD",
    "ATTACHMENT_FIELD",
    "LEADER_FIELD",
    "EngineResult",
    "SigningFailure",
    "sign_agency",
    "sign_attachment",
    "sign_invisible",
    "sign_leader",
]

LEADER_FIELD = "chu_ky_lanh_dao"
AGENCY_FIELD = "chu_ky_co_quan"
ATTACHMENT_FIELD = "chu_ky_co_quan_dinh_kem"
INVISIBLE_FIELD = "chu_ky_so"
_DIGEST = "sha256"
_READ_ONLY = 1
_PRINT = 4
#: Standard-14 fonts a viewer may use if it ever regenerates a field (our own appearances
#: are always present and embed Liberation Serif).
_DA_FONTS = {False: "/TiRo", True: "/TiIt"}
_DR_FONTS = {"/TiRo": "/Times-Roman", "/TiIt": "/Times-Italic"}
_DA_PATTERN = re.compile(r"(/\S+)\s+([\d.]+)\s+Tf")


class SigningFailure(ApplicationError):
    """The PDF could not be signed; the message says why, in Vietnamese."""

    def __init__(self, message: str, *, code: str = "signing_failed") -> None:
        super().__init__(message, code=code)


@dataclass(frozen=True)
class EngineResult:
    content: bytes
    field_name: str
    signing_time: datetime
    pades_level: str
    certified: bool = False


# ----------------------------------------------------------------------------- PDF objects
# pyHanko's object constructors are not annotated; these typed wrappers keep that in one place.


def _pdf_dict(entries: Mapping[str, Any] | None = None) -> Any:
    return generic.DictionaryObject(  # type: ignore[no-untyped-call]
        {pdf_name(key): value for key, value in (entries or {}).items()}
    )


def _pdf_int(value: int) -> Any:
    return generic.NumberObject(value)  # type: ignore[no-untyped-call]


def _pdf_box(values: Sequence[float]) -> Any:
    return generic.ArrayObject(generic.FloatObject(v) for v in values)  # type: ignore[no-untyped-call]


def _page_ref(writer: IncrementalPdfFileWriter, index: int) -> Any:
    return writer.find_page_for_modification(index)[0]  # type: ignore[no-untyped-call]


# ----------------------------------------------------------------------------- pyHanko glue


class _TimedPdfSigner(PdfSigner):
    """A PdfSigner whose session uses the signing time we chose (and showed in the appearance)."""

    def __init__(self, *args: Any, signing_time: datetime, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._signing_time = signing_time

    def init_signing_session(self, pdf_out: Any, existing_fields_only: bool = False) -> PdfSigningSession:
        session = super().init_signing_session(pdf_out, existing_fields_only=existing_fields_only)
        session.system_time = self._signing_time
        return session


def _open(pdf: bytes) -> IncrementalPdfFileWriter:
    if not pdf.lstrip()[:5].startswith(b"%PDF-"):
        raise SigningFailure("Tệp không phải PDF.", code="not_pdf")
    try:
        writer = IncrementalPdfFileWriter(BytesIO(pdf))
    except (PdfError, ValueError, KeyError, TypeError) as error:
        raise SigningFailure(f"Tệp PDF hỏng, không đọc được: {error}", code="bad_pdf") from error
    if writer.prev.encrypted:
        raise SigningFailure(
            "Tệp PDF đang được bảo vệ bằng mật khẩu; cần bản không mã hóa để ký.", code="encrypted_pdf"
        )
    return writer


def _now() -> datetime:
    return vietnam_time(datetime.now().astimezone())


def _signed_field_names(writer: IncrementalPdfFileWriter) -> list[str]:
    return [name for name, value, _ in sig_fields.enumerate_sig_fields(writer.prev) if value is not None]


def _field_names(writer: IncrementalPdfFileWriter) -> set[str]:
    try:
        fields = writer.root["/AcroForm"]["/Fields"]
    except KeyError:
        return set()
    return {str(ref.get_object().get("/T", "")) for ref in fields}


def _free_name(base: str, taken: set[str]) -> str:
    if base not in taken:
        return base
    number = 2
    while f"{base}_{number}" in taken:
        number += 1
    return f"{base}_{number}"


def _find_field(writer: IncrementalPdfFileWriter, name: str) -> generic.DictionaryObject | None:
    try:
        fields = writer.root["/AcroForm"]["/Fields"]
    except KeyError:
        return None
    for ref in fields:
        field = ref.get_object()
        if field.get("/T") == name:
            return field  # type: ignore[no-any-return]
    return None


def _rect(field: generic.DictionaryObject) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = (float(v) for v in field["/Rect"])
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def _import_appearance(writer: IncrementalPdfFileWriter, pdf: bytes) -> generic.IndirectObject:
    """The first page of a small PDF as a form XObject in `writer`."""
    return writer.import_page_as_xobject(PdfFileReader(BytesIO(pdf)))  # type: ignore[no-any-return]


def _layered_appearance(
    writer: IncrementalPdfFileWriter, width: float, height: float, layers: Sequence[bytes]
) -> Any:
    """One form XObject drawing each one-page PDF of `layers` (all `width` × `height`) in turn."""
    if len(layers) == 1:
        return _import_appearance(writer, layers[0])
    names = [f"/L{index}" for index in range(len(layers))]
    xobjects = _pdf_dict(
        {name: _import_appearance(writer, layer) for name, layer in zip(names, layers, strict=True)}
    )
    stream = generic.StreamObject(
        _pdf_dict(
            {
                "/Type": pdf_name("/XObject"),
                "/Subtype": pdf_name("/Form"),
                "/BBox": _pdf_box((0, 0, width, height)),
                "/Resources": _pdf_dict({"/XObject": xobjects}),
            }
        ),
        stream_data=" ".join(f"q {name} Do Q" for name in names).encode("ascii"),
    )
    return writer.add_object(stream)


def _set_appearance(writer: IncrementalPdfFileWriter, field: generic.DictionaryObject, xobject: Any) -> None:
    field[pdf_name("/AP")] = _pdf_dict({"/N": xobject})
    writer.update_container(field)


def _add_signature_field(
    writer: IncrementalPdfFileWriter, name: str, box: SignatureBox | None, *, lock_all: bool = False
) -> generic.DictionaryObject:
    spec = SigFieldSpec(
        sig_field_name=name,
        on_page=(box.page - 1) if box is not None else 0,
        box=(box.x0, box.y0, box.x1, box.y1) if box is not None else None,  # type: ignore[arg-type]
        field_mdp_spec=FieldMDPSpec(action=FieldMDPAction.ALL) if lock_all else None,
    )
    sig_fields.append_signature_field(writer, spec)
    field = _find_field(writer, name)
    assert field is not None
    return field


def _ensure_form_fonts(writer: IncrementalPdfFileWriter) -> None:
    form = writer.root["/AcroForm"]
    resources = form.get("/DR")
    if resources is None:
        resources = _pdf_dict()
        form[pdf_name("/DR")] = resources
    fonts = resources.get("/Font")
    if fonts is None:
        fonts = _pdf_dict()
        resources[pdf_name("/Font")] = fonts
    for key, base in _DR_FONTS.items():
        if key not in fonts:
            fonts[pdf_name(key)] = writer.add_object(
                _pdf_dict(
                    {
                        "/Type": pdf_name("/Font"),
                        "/Subtype": pdf_name("/Type1"),
                        "/BaseFont": pdf_name(base),
                        "/Encoding": pdf_name("/WinAnsiEncoding"),
                    }
                )
            )
    writer.update_container(form)


def _add_text_field(writer: IncrementalPdfFileWriter, spec: TextFieldSpec) -> None:
    page_ref = _page_ref(writer, spec.box.page - 1)
    box = spec.box
    empty = appearance_xobject_empty(writer, box.width, box.height)
    field = _pdf_dict(
        {
            "/FT": pdf_name("/Tx"),
            "/T": pdf_string(spec.name),
            "/TU": pdf_string(spec.tooltip or spec.name),
            "/Ff": _pdf_int(0),
            "/DA": pdf_string(f"{_DA_FONTS[spec.italic]} {spec.font_size:g} Tf 0 g"),
            "/Q": _pdf_int(1),
            "/Type": pdf_name("/Annot"),
            "/Subtype": pdf_name("/Widget"),
            "/F": _pdf_int(_PRINT),
            "/Rect": _pdf_box((box.x0, box.y0, box.x1, box.y1)),
            "/P": page_ref,
            "/AP": _pdf_dict({"/N": empty}),
        }
    )
    ref = writer.add_object(field)
    form = writer.root["/AcroForm"]
    form_fields = form["/Fields"]
    form_fields.append(ref)
    writer.update_container(form_fields)
    writer.register_annotation(page_ref, ref)  # type: ignore[no-untyped-call]


def appearance_xobject_empty(writer: IncrementalPdfFileWriter, width: float, height: float) -> Any:
    stream = generic.StreamObject(
        _pdf_dict(
            {
                "/Type": pdf_name("/XObject"),
                "/Subtype": pdf_name("/Form"),
                "/BBox": _pdf_box((0, 0, width, height)),
                "/Resources": _pdf_dict(),
            }
        ),
        stream_data=b"",
    )
    return writer.add_object(stream)


def _fill_text_field(writer: IncrementalPdfFileWriter, name: str, value: str) -> None:
    field = _find_field(writer, name)
    if field is None or field.get("/FT") != "/Tx":
        raise SigningFailure(
            f"Văn bản không có trường “{name}” để ghi số và ngày; cần ký lại bằng bản do hệ thống tạo.",
            code="missing_field",
        )
    if int(field.get("/Ff", 0)) & _READ_ONLY:
        raise SigningFailure(f"Trường “{name}” đã được ghi và khóa.", code="field_locked")
    match = _DA_PATTERN.search(str(field.get("/DA", "")))
    size = float(match.group(2)) if match else 13.0
    italic = bool(match and match.group(1) == _DA_FONTS[True])
    x0, y0, x1, y1 = _rect(field)
    drawn = appearance.text_field_appearance(x1 - x0, y1 - y0, value, size=size, italic=italic)
    field[pdf_name("/V")] = pdf_string(value)
    field[pdf_name("/Ff")] = _pdf_int(int(field.get("/Ff", 0)) | _READ_ONLY)
    _set_appearance(writer, field, _import_appearance(writer, drawn))


def _inherited(page: Any, key: str) -> Any:
    return find_inherited_value_in_tree(page, key, "/Parent")  # type: ignore[no-untyped-call]


def _page_box(writer: IncrementalPdfFileWriter, page_index: int) -> tuple[float, float, float, float]:
    page_ref = _page_ref(writer, page_index)
    page = page_ref.get_object()
    box = _inherited(page, "/CropBox") or _inherited(page, "/MediaBox")
    x0, y0, x1, y1 = (float(v) for v in box)
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def _sign(
    writer: IncrementalPdfFileWriter,
    signer: CertificateSigner,
    *,
    field_name: str,
    signing_time: datetime,
    timestamper: TimeStamper | None,
    certify: bool = False,
    reason: str | None = None,
    location: str | None = None,
) -> EngineResult:
    meta = PdfSignatureMetadata(
        field_name=field_name,
        md_algorithm=_DIGEST,
        subfilter=SigSeedSubFilter.PADES,
        certify=certify,
        docmdp_permissions=MDPPerm.FILL_FORMS,
        reason=reason,
        location=location,
    )
    pdf_signer = _TimedPdfSigner(
        meta, signer, timestamper=timestamper, stamp_style=NoOpStampStyle(), signing_time=signing_time
    )
    try:
        # Without a timestamp the CMS size is known: skip pyHanko's trial signature.
        reserved = signer.reserved_bytes() if timestamper is None else None
        output = pdf_signer.sign_pdf(writer, existing_fields_only=False, bytes_reserved=reserved)
    except TimestampRequestError as error:
        raise SigningFailure(f"Không lấy được dấu thời gian: {error}", code="timestamp") from error
    except SigningError as error:
        raise SigningFailure(f"Không ký được tệp PDF: {error}") from error
    except PdfError as error:
        raise SigningFailure(f"Tệp PDF có cấu trúc không ký được: {error}", code="bad_pdf") from error
    return EngineResult(
        content=output.getvalue(),
        field_name=field_name,
        signing_time=signing_time,
        pades_level="B-T" if timestamper is not None else "B-B",
        certified=certify,
    )


# ----------------------------------------------------------------------------- use cases


def sign_leader(
    pdf: bytes,
    signer: CertificateSigner,
    *,
    signer_name: str,
    box: SignatureBox | None,
    image_png: bytes | None,
    text_fields: Sequence[TextFieldSpec] = (),
    timestamper: TimeStamper | None = None,
    reason: str | None = None,
    location: str | None = None,
) -> EngineResult:
    """The competent person's signature: visible in `box` (or invisible), certifying when first."""
    writer = _open(pdf)
    taken = _field_names(writer)
    certify = not _signed_field_names(writer)
    if box is not None and _certified(writer):
        # A new visible field after a certification signature is not form filling: it would
        # invalidate the certifying signature (pyHanko, like Acrobat, refuses it).
        raise SigningFailure(
            "Văn bản đã được chứng thực bởi chữ ký trước; chữ ký thêm của người có thẩm quyền "
            "chỉ có thể là chữ ký không hiển thị.",
            code="certified_visible",
        )
    field_name = _free_name(LEADER_FIELD, taken)
    signing_time = _now()
    leader_field = _add_signature_field(writer, field_name, box)
    seal_box: SignatureBox | None = None
    if box is not None:
        aspect = appearance.image_aspect(image_png) if image_png is not None else 2.5
        layout = appearance.leader_layout(box, aspect=aspect)
        layers = [] if image_png is None else [appearance.leader_image_layer(layout, image_png)]
        layers.append(
            appearance.leader_text_layer(
                layout, [f"Ký bởi: {signer_name}", f"Thời gian ký: {display_time(signing_time)}"]
            )
        )
        _set_appearance(writer, leader_field, _layered_appearance(writer, box.width, box.height, layers))
        seal_box = layout.seal()
    if AGENCY_FIELD not in taken:
        # Created after the leader's field so that the seal is drawn over the signature.
        _add_signature_field(writer, AGENCY_FIELD, seal_box, lock_all=True)
    new_text_fields = [spec for spec in text_fields if spec.name not in taken]
    if new_text_fields:
        _ensure_form_fonts(writer)
        for spec in new_text_fields:
            _add_text_field(writer, spec)
    return _sign(
        writer,
        signer,
        field_name=field_name,
        signing_time=signing_time,
        timestamper=timestamper,
        certify=certify,
        reason=reason,
        location=location,
    )


def _certified(writer: IncrementalPdfFileWriter) -> bool:
    perms = writer.prev.root.get("/Perms")
    return perms is not None and "/DocMDP" in perms


def sign_agency(
    pdf: bytes,
    signer: CertificateSigner,
    *,
    seal_png: bytes | None,
    fills: Mapping[str, str],
    timestamper: TimeStamper | None = None,
    reason: str | None = None,
    location: str | None = None,
) -> EngineResult:
    """The agency's signature on release: fill the number and date, sign with the seal."""
    writer = _open(pdf)
    field = _find_field(writer, AGENCY_FIELD)
    if field is not None and field.get("/V") is not None:
        raise SigningFailure("Văn bản đã có chữ ký của cơ quan (đã phát hành).", code="already_released")
    if field is None:
        if _certified(writer):
            raise SigningFailure(
                "Văn bản đã được chứng thực nhưng không có ô chữ ký cơ quan; thêm chữ ký cơ quan "
                "sẽ làm mất hiệu lực chữ ký trước.",
                code="no_agency_field",
            )
        field = _add_signature_field(writer, AGENCY_FIELD, _seal_box_near_signature(writer), lock_all=True)
    signing_time = _now()
    for name in (NUMBER_FIELD, DATE_FIELD):
        if name in fills:
            _fill_text_field(writer, name, fills[name])
    for name, value in fills.items():
        if name not in (NUMBER_FIELD, DATE_FIELD):
            _fill_text_field(writer, name, value)
    x0, y0, x1, y1 = _rect(field)
    if seal_png is not None and x1 - x0 > 1 and y1 - y0 > 1:
        drawn = appearance.seal_appearance(min(x1 - x0, y1 - y0), seal_png=seal_png)
        _set_appearance(writer, field, _import_appearance(writer, drawn))
    return _sign(
        writer,
        signer,
        field_name=AGENCY_FIELD,
        signing_time=signing_time,
        timestamper=timestamper,
        reason=reason,
        location=location,
    )


def _seal_box_near_signature(writer: IncrementalPdfFileWriter) -> SignatureBox | None:
    """For a document signed elsewhere: the seal over the left third of its last visible signature."""
    last: SignatureBox | None = None
    for _name, _value, ref in sig_fields.enumerate_sig_fields(writer.prev, filled_status=True):
        field = ref.get_object()
        if "/Rect" not in field or "/P" not in field:
            continue
        x0, y0, x1, y1 = _rect(field)
        if x1 - x0 < 1 or y1 - y0 < 1:
            continue
        page_number = _page_number(writer, field["/P"])
        if page_number is not None:
            last = SignatureBox(page_number, x0, y0, x1, y1)
    return appearance.seal_box(last) if last is not None else None


def _page_number(writer: IncrementalPdfFileWriter, page_ref: Any) -> int | None:
    target = page_ref.reference if hasattr(page_ref, "reference") else None
    for index in range(int(writer.root["/Pages"]["/Count"])):
        ref = _page_ref(writer, index)
        if target is not None and ref.reference == target:
            return index + 1
    return None


def sign_attachment(
    pdf: bytes,
    signer: CertificateSigner,
    *,
    number_notation: str,
    timestamper: TimeStamper | None = None,
    reason: str | None = None,
) -> EngineResult:
    """The agency's signature on a separate attachment: no image, top right of page 1, 10 pt."""
    writer = _open(pdf)
    field_name = _free_name(ATTACHMENT_FIELD, _field_names(writer))
    signing_time = _now()
    lines = [number_notation, iso_time(signing_time)]
    box = appearance.attachment_box(_page_box(writer, 0), lines)
    field = _add_signature_field(writer, field_name, box)
    _set_appearance(writer, field, _import_appearance(writer, appearance.attachment_appearance(box, lines)))
    return _sign(
        writer,
        signer,
        field_name=field_name,
        signing_time=signing_time,
        timestamper=timestamper,
        reason=reason,
    )


def sign_invisible(
    pdf: bytes,
    signer: CertificateSigner,
    *,
    field_base: str = INVISIBLE_FIELD,
    timestamper: TimeStamper | None = None,
    reason: str | None = None,
) -> EngineResult:
    """A signature with no appearance (approval; the document's own fields untouched)."""
    writer = _open(pdf)
    field_name = _free_name(field_base, _field_names(writer))
    return _sign(
        writer, signer, field_name=field_name, signing_time=_now(), timestamper=timestamper, reason=reason
    )
