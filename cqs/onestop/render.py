"""The one-stop forms of TT 03/2025/TT-VPCP, Phụ lục I (regulations.md §4.2), laid out by the
shared Decree-30 renderer (`cqs.rendering`) to PDF (signable) and DOCX (editable):

01 Giấy tiếp nhận hồ sơ và hẹn trả kết quả · 02 Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ ·
03 Phiếu từ chối tiếp nhận giải quyết hồ sơ · 04 Phiếu xin lỗi và hẹn lại ngày trả kết quả ·
05 Thông báo dừng giải quyết hồ sơ · 06 Phiếu kiểm soát quá trình giải quyết hồ sơ ·
07 Sổ theo dõi hồ sơ; and the result document issued on approval.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from django.db.models import QuerySet

from cqs.core.text import format_date_short
from cqs.core.workcalendar import VN_TZ, get_calendar
from cqs.documents.render import header_names
from cqs.onestop.models import Dossier, DossierPause, DossierStatus, DossierStep
from cqs.org.models import Agency, AgencyKind, Position, Role
from cqs.rendering.docx import render_docx
from cqs.rendering.model import Bullet, OfficialDocument, Paragraph, Section, SignatureBlock, Table
from cqs.rendering.pdf import render_pdf

FORM_TITLES: dict[str, str] = {
    "01": "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
    "02": "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
    "03": "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
    "04": "Phiếu xin lỗi và hẹn lại ngày trả kết quả",
    "05": "Thông báo dừng giải quyết hồ sơ",
    "06": "Phiếu kiểm soát quá trình giải quyết hồ sơ",
    "07": "Sổ theo dõi hồ sơ",
}
_COMMITTEES = (AgencyKind.COMMUNE_COMMITTEE, AgencyKind.DISTRICT_COMMITTEE, AgencyKind.PROVINCIAL_COMMITTEE)


def _local(moment: datetime | None) -> datetime | None:
    return moment.astimezone(VN_TZ) if moment is not None else None


def _when(moment: datetime | None) -> str:
    local = _local(moment)
    return f"{local:%H} giờ {local:%M} phút, ngày {format_date_short(local.date())}" if local else ""


def _day(value: date | None) -> str:
    return format_date_short(value) if value else ""


def _title_of(user: Any, agency_id: int) -> str:
    position = Position.objects.current().filter(user=user, agency_id=agency_id).first()
    return position.title if position is not None else ""


def _person(user: Any) -> str:
    return str(getattr(user, "full_name", "") or getattr(user, "username", "") or "")


def _officer_signature(user: Any, title: str = "Người tiếp nhận") -> SignatureBlock:
    return SignatureBlock("", "", title, _person(user) or "Cán bộ một cửa")


def _leader_signature(user: Any, agency: Agency) -> SignatureBlock:
    title = _title_of(user, agency.pk) or "Thủ trưởng cơ quan"
    name = _person(user) or "Lãnh đạo"
    if agency.kind in _COMMITTEES:
        clean = title.replace(" UBND", "").split(" xã")[0].strip() or "Chủ tịch"
        deputy = "Chủ tịch" if clean.lower().startswith("phó") else ""
        return SignatureBlock("TM.", "Ủy ban nhân dân", clean, name, deputy_for=deputy)
    if title.lower().startswith("phó "):
        return SignatureBlock("KT.", title[4:].strip().capitalize(), title, name)
    return SignatureBlock("", "", title, name)


def _document(
    agency: Agency,
    *,
    form: str,
    subject: str,
    body: Sequence[Any],
    signature: SignatureBlock,
    on: date,
    recipients: Sequence[str] = (),
) -> OfficialDocument:
    parent_line, own = header_names(agency)
    return OfficialDocument(
        parent_agency_name=parent_line,
        issuing_agency_name=own,
        number=None,
        notation=f"MC{form}",
        place=agency.place_name,
        issued_on=on,
        type_name=FORM_TITLES.get(form, form),
        subject=subject,
        body=body,
        signature=signature,
        recipients_to=recipients,
        archive_line="Lưu: Bộ phận một cửa",
    )


def _applicant(dossier: Dossier) -> list[Any]:
    lines = [
        Paragraph(f"Ông/Bà: {dossier.applicant_name}"),
        Paragraph(f"Số định danh cá nhân: {dossier.applicant_id_number}"),
    ]
    if dossier.applicant_address:
        lines.append(Paragraph(f"Địa chỉ: {dossier.applicant_address}"))
    contact = "; ".join(
        part
        for part in (
            f"Số điện thoại: {dossier.applicant_phone}" if dossier.applicant_phone else "",
            f"Thư điện tử: {dossier.applicant_email}" if dossier.applicant_email else "",
        )
        if part
    )
    if contact:
        lines.append(Paragraph(contact))
    lines.append(Paragraph(f"Nội dung yêu cầu giải quyết: {dossier.version.procedure.name}"))
    return lines


def _today(moment: datetime | None = None) -> date:
    return (_local(moment) or datetime.now(tz=VN_TZ)).date()


def form01(dossier: Dossier) -> OfficialDocument:
    components = list(dossier.components.order_by("id"))
    rows = [
        [
            str(i),
            c.name,
            (
                c.component.note
                if c.component and c.component.note
                else ("Bản điện tử" if not c.is_paper else "Bản giấy")
            ),
            "Đã số hóa" if c.digitised else "Chưa số hóa",
        ]
        for i, c in enumerate(components, start=1)
    ] or [["", "(không có thành phần)", "", ""]]
    version = dossier.version
    days = "trong ngày" if version.processing_days == 0 else f"{version.processing_days:02d} ngày làm việc"
    body: list[Any] = [
        Paragraph(f"Bộ phận tiếp nhận và trả kết quả {dossier.receiving_agency.name} tiếp nhận hồ sơ của:"),
        *_applicant(dossier),
        Paragraph("Thành phần hồ sơ nộp gồm:"),
        Table(
            header=["STT", "Tên giấy tờ", "Hình thức", "Số hóa"],
            rows=rows,
            widths=[1, 8, 3, 2.5],
            align=["center", "left", "left", "center"],
        ),
        Paragraph("Số lượng hồ sơ: 01 (bộ)"),
        Paragraph(f"Thời gian giải quyết hồ sơ theo quy định là: {days}"),
        Paragraph(f"Thời gian nhận hồ sơ: {_when(dossier.received_at)}"),
        Paragraph(
            f"Thời gian trả kết quả giải quyết hồ sơ: ngày {_day(dossier.appointment_date)}", bold=True
        ),
        Paragraph(f"Mã hồ sơ để tra cứu: {dossier.code}", bold=True),
    ]
    if dossier.fee:
        body.append(Paragraph(f"Phí, lệ phí: {dossier.fee:,} đồng".replace(",", ".")))
    if version.online_level != "toan_trinh" and dossier.channel == "truc_tuyen":
        body.append(
            Paragraph("Người nộp mang bản chính các giấy tờ khi nhận kết quả để đối chiếu.", italic=True)
        )
    return _document(
        dossier.receiving_agency,
        form="01",
        subject=f"Mã hồ sơ: {dossier.code}",
        body=body,
        signature=_officer_signature(dossier.received_by),
        on=_today(dossier.received_at),
    )


def form02(dossier: Dossier, pause: DossierPause) -> OfficialDocument:
    items = [line.removeprefix("- ").strip() for line in pause.reason.splitlines() if line.startswith("- ")]
    reason = next(
        (line[len("Lý do: ") :] for line in pause.reason.splitlines() if line.startswith("Lý do: ")), ""
    )
    body: list[Any] = [
        Paragraph(f"Bộ phận tiếp nhận và trả kết quả {dossier.receiving_agency.name} tiếp nhận hồ sơ của:"),
        *_applicant(dossier),
        Paragraph(f"Mã hồ sơ: {dossier.code}"),
        Paragraph("Yêu cầu bổ sung, hoàn thiện hồ sơ gồm những nội dung sau:"),
        *[Bullet(item) for item in items],
        Paragraph(f"Lý do: {reason}"),
    ]
    if pause.legal_basis:
        body.append(Paragraph(f"Căn cứ: {pause.legal_basis}"))
    body.append(
        Paragraph(
            "Thời gian chờ bổ sung không tính vào thời hạn giải quyết. Trong quá trình hoàn thiện hồ sơ, "
            "nếu có vướng mắc, ông/bà liên hệ Bộ phận tiếp nhận và trả kết quả để được hướng dẫn."
        )
    )
    return _document(
        dossier.receiving_agency,
        form="02",
        subject=f"Mã hồ sơ: {dossier.code}",
        body=body,
        signature=_officer_signature(pause.requested_by, "Người hướng dẫn"),
        on=_today(pause.requested_at),
    )


def _event_time(dossier: Dossier, status: str) -> datetime | None:
    event = dossier.events.filter(to_status=status).order_by("-at").first()
    return event.at if event else dossier.finished_at


def _signer(dossier: Dossier, status: str) -> Any:
    event = dossier.events.filter(to_status=status).order_by("-at").first()
    return event.actor if event else None


def form03(dossier: Dossier) -> OfficialDocument:
    body = [
        Paragraph(f"Bộ phận tiếp nhận và trả kết quả {dossier.receiving_agency.name} tiếp nhận hồ sơ của:"),
        *_applicant(dossier),
        Paragraph(f"Mã hồ sơ: {dossier.code}"),
        Paragraph("Sau khi xem xét, cơ quan từ chối giải quyết hồ sơ với lý do sau:"),
        *[Paragraph(line) for line in dossier.status_reason.splitlines() if line.strip()],
        Paragraph("Xin thông báo để ông/bà được biết và thực hiện."),
    ]
    return _document(
        dossier.agency,
        form="03",
        subject=f"Mã hồ sơ: {dossier.code}",
        body=body,
        signature=_officer_signature(_signer(dossier, DossierStatus.REFUSED), "Người từ chối"),
        on=_today(_event_time(dossier, DossierStatus.REFUSED)),
    )


def form04(dossier: Dossier) -> OfficialDocument:
    apology = dossier.apologies.order_by("-issued_at").first()
    if apology is None:
        raise ValueError("Hồ sơ chưa có văn bản xin lỗi.")
    body = [
        Paragraph(
            f"Ngày {_day(_today(dossier.received_at))}, {dossier.receiving_agency.name} tiếp nhận hồ sơ "
            f"mã số {dossier.code} của ông/bà {dossier.applicant_name} đề nghị giải quyết thủ tục "
            f"{dossier.version.procedure.name}, hẹn trả kết quả ngày {_day(apology.old_due_date)}."
        ),
        Paragraph(f"Tuy nhiên, đến nay hồ sơ chưa giải quyết xong. Lý do: {apology.reason}"),
        Paragraph(
            f"Sự chậm trễ này đã gây phiền hà cho ông/bà. {dossier.agency.name} xin lỗi ông/bà và "
            f"hẹn lại thời gian trả kết quả vào ngày {_day(apology.new_due_date)}.",
        ),
        Paragraph("Mong nhận được sự thông cảm của ông/bà."),
    ]
    return _document(
        dossier.agency,
        form="04",
        subject=f"Mã hồ sơ: {dossier.code}",
        body=body,
        signature=_leader_signature(apology.issued_by, dossier.agency),
        on=_today(apology.issued_at),
        recipients=[f"Ông/Bà {dossier.applicant_name}"],
    )


def form05(dossier: Dossier) -> OfficialDocument:
    body = [
        Paragraph(
            f"{dossier.agency.name} thông báo dừng giải quyết hồ sơ mã số {dossier.code} của ông/bà "
            f"{dossier.applicant_name}, thủ tục {dossier.version.procedure.name}, tiếp nhận ngày "
            f"{_day(_today(dossier.received_at or dossier.submitted_at))}."
        ),
        Paragraph(f"Lý do: {dossier.status_reason}"),
    ]
    return _document(
        dossier.agency,
        form="05",
        subject=f"Mã hồ sơ: {dossier.code}",
        body=body,
        signature=_officer_signature(_signer(dossier, DossierStatus.STOPPED), "Người thông báo"),
        on=_today(_event_time(dossier, DossierStatus.STOPPED)),
    )


def step_verdict(step: DossierStep) -> str:
    """Per step (regulations.md §2.4): used < allotted = trước hạn, equal = đúng hạn, else quá hạn."""
    if step.finished_at is None:
        return "Đang xử lý"
    used = get_calendar().working_days_between(_today(step.started_at), _today(step.finished_at))
    if used < step.allotted_days:
        return "Trước hạn"
    return "Đúng hạn" if used == step.allotted_days else "Quá hạn"


def form06(dossier: Dossier) -> OfficialDocument:
    steps = list(
        dossier.steps.select_related("officer", "handed_over_by", "handed_to", "unit").order_by("order")
    )
    rows = []
    for step in steps:
        giver = _person(step.handed_over_by) or _person(step.officer)
        receiver = _person(step.handed_to) or "—"
        rows.append(
            [
                str(step.order),
                f"{step.name}"
                + (f" ({step.unit.name})" if step.unit else "")
                + (f"\n{_person(step.officer)}" if step.officer else ""),
                _when(step.started_at),
                _when(step.finished_at) or "Đang xử lý",
                f"Giao: {giver}\nNhận: {receiver}",
                step_verdict(step),
            ]
        )
    body = [
        Paragraph(f"Mã hồ sơ: {dossier.code} — {dossier.version.procedure.name}"),
        Paragraph(f"Người nộp: {dossier.applicant_name}"),
        Paragraph(
            f"Ngày hẹn trả kết quả: {_day(dossier.appointment_date)}"
            + (
                f"; hạn hiện tại: {_day(dossier.due_date)}"
                if dossier.due_date != dossier.appointment_date
                else ""
            )
        ),
        Table(
            header=["STT", "Bước, người xử lý", "Nhận lúc", "Chuyển lúc", "Giao - nhận", "Kết quả"],
            rows=rows or [["", "(chưa có bước xử lý)", "", "", "", ""]],
            widths=[0.8, 4.5, 3, 3, 3.5, 2],
            align=["center", "left", "left", "left", "left", "center"],
        ),
    ]
    return _document(
        dossier.agency,
        form="06",
        subject=f"Mã hồ sơ: {dossier.code}",
        body=body,
        signature=_officer_signature(dossier.received_by, "Bộ phận tiếp nhận và trả kết quả"),
        on=_today(),
    )


def form07(agency: Agency, dossiers: QuerySet[Dossier], start: date, end: date) -> OfficialDocument:
    rows = []
    for i, d in enumerate(
        dossiers.select_related("version__procedure").order_by("received_at", "id")[:2000], start=1
    ):
        rows.append(
            [
                str(i),
                d.code,
                d.version.procedure.name,
                d.applicant_name,
                _day(_today(d.received_at)) if d.received_at else "",
                _day(d.due_date),
                _day(d.finished_on),
                _day(_today(d.returned_at)) if d.returned_at else "",
                d.get_status_display(),
            ]
        )
    body = [
        Paragraph(f"Từ ngày {_day(start)} đến ngày {_day(end)}"),
        Table(
            header=[
                "STT",
                "Mã hồ sơ",
                "Thủ tục",
                "Người nộp",
                "Nhận",
                "Hẹn trả",
                "Có kết quả",
                "Đã trả",
                "Ghi chú",
            ],
            rows=rows or [["", "(không có hồ sơ)", "", "", "", "", "", "", ""]],
            widths=[0.8, 3.6, 4.5, 2.8, 1.9, 1.9, 1.9, 1.9, 2.2],
        ),
    ]
    return _document(
        agency,
        form="07",
        subject=f"Từ ngày {_day(start)} đến ngày {_day(end)}",
        body=body,
        signature=SignatureBlock("", "", "Người lập sổ", "Bộ phận tiếp nhận và trả kết quả"),
        on=_today(),
    )


def result_document(dossier: Dossier, *, summary: str, signer: Any) -> OfficialDocument:
    version = dossier.version
    body = [
        Section("I", "Thông tin hồ sơ"),
        Paragraph(f"Mã hồ sơ: {dossier.code}"),
        *_applicant(dossier),
        Section("II", "Kết quả giải quyết"),
        Paragraph(f"Loại kết quả: {version.result_type}"),
        *[Paragraph(line) for line in summary.splitlines() if line.strip()],
    ]
    parent_line, own = header_names(dossier.agency)
    return OfficialDocument(
        parent_agency_name=parent_line,
        issuing_agency_name=own,
        number=None,
        notation=f"KQ-{dossier.agency.notation}",
        place=dossier.agency.place_name,
        issued_on=_today(dossier.finished_at),
        type_name="Thông báo",
        subject=f"Kết quả giải quyết thủ tục {version.procedure.name}",
        body=body,
        signature=_leader_signature(signer, dossier.agency),
        recipients_to=[f"Ông/Bà {dossier.applicant_name}"],
        archive_line="Lưu: VT, Bộ phận một cửa",
    )


def result_pdf(dossier: Dossier, *, summary: str, signer: Any) -> bytes:
    return render_pdf(result_document(dossier, summary=summary, signer=signer))


def dossier_form(dossier: Dossier, form: str) -> OfficialDocument:
    """The rendering model of form `form` ("01"…"06") for `dossier`; ValueError when it does not apply."""
    builders: dict[str, Callable[[], OfficialDocument]] = {
        "01": lambda: form01(dossier),
        "03": lambda: form03(dossier),
        "04": lambda: form04(dossier),
        "05": lambda: form05(dossier),
        "06": lambda: form06(dossier),
    }
    if form == "01" and dossier.received_at is None:
        raise ValueError("Hồ sơ chưa được tiếp nhận nên chưa có giấy tiếp nhận.")
    if form == "02":
        pause = dossier.pauses.order_by("-requested_at").first()
        if pause is None:
            raise ValueError("Hồ sơ chưa có yêu cầu bổ sung.")
        return form02(dossier, pause)
    if form == "03" and dossier.status != DossierStatus.REFUSED:
        raise ValueError("Hồ sơ không bị từ chối.")
    if form == "05" and dossier.status != DossierStatus.STOPPED:
        raise ValueError("Hồ sơ không bị dừng giải quyết.")
    if form not in builders:
        raise ValueError("Không có mẫu phiếu này.")
    return builders[form]()


def available_forms(dossier: Dossier) -> list[tuple[str, str]]:
    forms = []
    if dossier.received_at is not None:
        forms.append("01")
    if dossier.pauses.exists():
        forms.append("02")
    if dossier.status == DossierStatus.REFUSED:
        forms.append("03")
    if dossier.apologies.exists():
        forms.append("04")
    if dossier.status == DossierStatus.STOPPED:
        forms.append("05")
    forms.append("06")
    return [(f, FORM_TITLES[f]) for f in forms]


def to_pdf(doc: OfficialDocument) -> bytes:
    return render_pdf(doc)


def to_docx(doc: OfficialDocument) -> bytes:
    return render_docx(doc)


__all__ = [
    "FORM_TITLES",
    "Role",
    "available_forms",
    "dossier_form",
    "form07",
    "result_pdf",
    "to_docx",
    "to_pdf",
]
