"""The life of one report: prefill from live data, narratives, signature, submission (values
frozen), acceptance or return with a reason.

Every function takes keyword arguments and the acting user `by`, runs in one transaction and
writes exactly one audit event (``reporting.report_*``). Refusals raise `ApplicationError`
(business rules) or `PermissionDenied` with Vietnamese messages.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from cqs.audit.services import audit_record
from cqs.core.errors import ApplicationError
from cqs.core.text import format_date_short
from cqs.notify.services import notify
from cqs.reporting import permissions
from cqs.reporting.compute import IndicatorResult, compute_agencies
from cqs.reporting.models import (
    Indicator,
    OutlineSection,
    Report,
    ReportNarrative,
    ReportStatus,
    ReportValue,
    SectionKind,
)
from cqs.reporting.render import frozen_task_tables
from cqs.reporting.selectors import campaign_period, is_late, regime_indicators, reporting_officers
from cqs.reporting.workflow import require_editable, require_transition

__all__ = [
    "report_accept",
    "report_refresh",
    "report_return",
    "report_sign",
    "report_submit",
    "report_update",
    "store_values",
]

_NOTE_MAX = 300


def person(user: Any) -> str:
    if user is None:
        return "Hệ thống"
    return str(getattr(user, "full_name", "") or getattr(user, "username", "") or user)


def _clean(value: Any) -> str:
    return unicodedata.normalize("NFC", str(value or "")).replace("\r\n", "\n").strip()


def _lock(report: Report) -> Report:
    fresh = Report.objects.select_for_update().get(pk=report.pk)
    for name in ("status", "status_reason", "submitted_at", "submitted_by_id", "signed_pdf", "signed_sha256"):
        setattr(report, name, getattr(fresh, name))
    return report


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise PermissionDenied(message)


def _report_url(report: Report) -> str:
    return reverse("reporting:report", args=[report.pk])


def _audit(by: Any, report: Report, action: str, payload: dict[str, Any] | None = None) -> None:
    audit_record(actor=by, action=action, target=report, agency_id=report.agency_id, payload=payload or {})


def store_values(report: Report, results: Mapping[str, IndicatorResult], *, at: datetime) -> int:
    """Write the report's ReportValue rows from computed results (no permission check, no
    audit: the calling service does both). Only for a report that is not frozen."""
    require_editable(report)
    existing = {v.indicator_id: v for v in report.values.all()}
    to_create, to_update = [], []
    for result in results.values():
        figure = result.figure
        note = "\n".join(result.issues)[:_NOTE_MAX]
        row = existing.get(result.indicator.pk)
        if row is None:
            row = ReportValue(report=report, indicator=result.indicator)
            to_create.append(row)
        else:
            to_update.append(row)
        row.value = figure.value
        row.numerator = figure.numerator
        row.denominator = figure.denominator
        row.is_manual = result.indicator.source == "nhap_tay"
        row.note = note
        row.computed_at = at
    ReportValue.objects.bulk_create(to_create)
    ReportValue.objects.bulk_update(
        to_update, ["value", "numerator", "denominator", "is_manual", "note", "computed_at"]
    )
    return len(to_create) + len(to_update)


def _compute(report: Report) -> dict[str, IndicatorResult]:
    indicators: list[Indicator] = regime_indicators(report.campaign.regime)
    return compute_agencies(indicators, [report.agency_id], campaign_period(report.campaign)).get(
        report.agency_id, {}
    )


def _unsign(report: Report) -> bool:
    """A change after signing voids the signed PDF (it no longer shows the report)."""
    if not report.signed_sha256:
        return False
    report.signed_pdf = ""
    report.signed_sha256 = ""
    return True


def report_refresh(*, by: Any, report: Report) -> Report:
    """Prefill or refresh the report's values from live data over the period's window.
    Also the only way a returned report's frozen values change before it is sent again."""
    with transaction.atomic():
        _lock(report)
        _require(
            permissions.can_edit_report(by, report),
            "Chỉ cán bộ báo cáo, lãnh đạo của cơ quan mới cập nhật số liệu.",
        )
        require_editable(report)
        results = _compute(report)
        now = timezone.now()
        count = store_values(report, results, at=now)
        unsigned = _unsign(report)
        report.save()
        _audit(
            by,
            report,
            "reporting.report_refresh",
            {"values": count, "period": report.campaign.period, "signature_voided": unsigned},
        )
    return report


_HEADER_FIELDS = ("number", "signer_authority", "signer_title", "signer_name", "distribution")


def report_update(
    *,
    by: Any,
    report: Report,
    narratives: Mapping[int, str] | None = None,
    header: Mapping[str, str] | None = None,
) -> Report:
    """Save the officer's narratives (section id → text) and the header/signature fields."""
    narratives = narratives or {}
    header = header or {}
    unknown = set(header) - set(_HEADER_FIELDS)
    if unknown:
        raise ValueError(f"Unknown report fields: {sorted(unknown)}")
    with transaction.atomic():
        _lock(report)
        _require(
            permissions.can_edit_report(by, report),
            "Chỉ cán bộ báo cáo, lãnh đạo của cơ quan mới sửa báo cáo.",
        )
        require_editable(report)
        sections = {
            s.pk: s
            for s in OutlineSection.objects.filter(regime=report.campaign.regime, pk__in=list(narratives))
        }
        changed: list[int] = []
        for section_id, raw in narratives.items():
            section = sections.get(section_id)
            if section is None or section.kind != SectionKind.NARRATIVE:
                raise ApplicationError("Mục này không phải mục nội dung do đơn vị viết.", code="section")
            text = _clean(raw)
            row, created = ReportNarrative.objects.get_or_create(
                report=report, section=section, defaults={"text": text, "updated_by": by}
            )
            if not created and row.text != text:
                row.text = text
                row.updated_by = by
                row.save()
                changed.append(section_id)
            elif created:
                changed.append(section_id)
        for name, raw in header.items():
            value = _clean(raw)
            if name == "number" and value and not value.isdigit():
                raise ApplicationError("Số báo cáo chỉ gồm chữ số (ví dụ 05), hoặc để trống.", code="number")
            if name == "signer_authority" and value not in ("", "TM.", "KT.", "Q.", "TL.", "TUQ."):
                raise ApplicationError(
                    "Thẩm quyền ký chỉ là TM., KT., Q., TL., TUQ. hoặc để trống.", code="authority"
                )
            setattr(report, name, value)
        unsigned = _unsign(report) if (changed or header) else False
        report.save()
        _audit(
            by,
            report,
            "reporting.report_update",
            {"sections": changed, "fields": sorted(header), "signature_voided": unsigned},
        )
    return report


def report_sign(*, by: Any, report: Report, reauth_ok: bool) -> Report:
    """The agency's leader signs the rendered PDF with their personal certificate (PAdES,
    `cqs.signing`). Without a usable certificate this refuses; the report can then still be
    sent, marked as not digitally signed."""
    from cqs.rendering.pdf import render_pdf_with_layout
    from cqs.reporting.render import report_document
    from cqs.signing.models import Certificate
    from cqs.signing.services import active_image, sign_as_leader

    with transaction.atomic():
        _lock(report)
        _require(permissions.can_sign_report(by, report), "Chỉ lãnh đạo cơ quan báo cáo mới ký số báo cáo.")
        require_editable(report)
        if not report.values.exists():
            raise ApplicationError(
                "Báo cáo chưa có số liệu: bấm “Cập nhật số liệu” trước khi ký.", code="empty"
            )
        certificate = Certificate.objects.of_user(by).usable().order_by("-not_after", "-pk").first()
        if certificate is None:
            raise ApplicationError(
                "Bạn chưa có chứng thư số cá nhân còn hiệu lực; báo cáo vẫn gửi được nhưng được ghi là "
                "chưa ký số.",
                code="no_certificate",
            )
        if not report.signer_name:
            report.signer = by
            report.signer_name = person(by)
        official = report_document(report)
        rendering = render_pdf_with_layout(official)
        box = rendering.signature_box if active_image(by) is not None else None
        signed = sign_as_leader(
            by=by,
            pdf=rendering.content,
            certificate=certificate,
            box=box,
            reauth_ok=reauth_ok,
            document_ref=f"reporting.report:{report.pk}",
        )
        report.signer = by
        name = f"bao-cao-{report.campaign.period}-{report.agency.code}.pdf"
        report.signed_pdf.save(name, ContentFile(signed.content), save=False)
        report.signed_sha256 = signed.sha256
        report.save()
        _audit(by, report, "reporting.report_sign", {"sha256": signed.sha256, "record": signed.record_id})
    return report


def report_submit(*, by: Any, report: Report) -> Report:
    """Send the report to the requesting agency: its values and task tables are frozen from now on.
    A report never prefilled is computed first, so what is frozen is what the data said."""
    with transaction.atomic():
        _lock(report)
        _require(
            permissions.can_edit_report(by, report),
            "Chỉ cán bộ báo cáo, lãnh đạo của cơ quan mới gửi báo cáo.",
        )
        require_transition(report, ReportStatus.SUBMITTED)
        now = timezone.now()
        if not report.values.exists():
            store_values(report, _compute(report), at=now)
        was_returned = report.status == ReportStatus.RETURNED
        report.task_tables = frozen_task_tables(report)  # kept like the values
        report.status = ReportStatus.SUBMITTED
        report.status_reason = ""
        report.submitted_at = now
        report.submitted_by = by
        if not report.issued_on:
            report.issued_on = timezone.localdate()
        report.save()
        late = is_late(report)
        campaign = report.campaign
        lateness = f" (nộp muộn, hạn {format_date_short(campaign.deadline)})" if late else ""
        requesters = reporting_officers([campaign.regime.requesting_agency_id]).get(
            campaign.regime.requesting_agency_id, []
        )
        notify(
            users=requesters,
            title=f"Báo cáo đã gửi: {report.agency.name} — {campaign_period(campaign).label}",
            body=f"{person(by)} gửi {'lại ' if was_returned else ''}báo cáo “{campaign.regime.name}” của "
            f"{report.agency.name}{lateness}"
            f"{'' if report.signed_sha256 else '; báo cáo chưa ký số'}.",
            url=_report_url(report),
        )
        _audit(
            by,
            report,
            "reporting.report_submit",
            {"late": late, "signed": bool(report.signed_sha256), "resubmitted": was_returned},
        )
    return report


def report_accept(*, by: Any, report: Report) -> Report:
    with transaction.atomic():
        _lock(report)
        _require(
            permissions.can_review_report(by, report), "Chỉ cơ quan yêu cầu báo cáo mới tiếp nhận báo cáo."
        )
        require_transition(report, ReportStatus.ACCEPTED)
        report.status = ReportStatus.ACCEPTED
        report.reviewed_at = timezone.now()
        report.reviewed_by = by
        report.save()
        officers = reporting_officers([report.agency_id]).get(report.agency_id, [])
        notify(
            users=officers,
            title=f"Báo cáo đã được tiếp nhận: {report.campaign.regime.name}",
            body=f"{person(by)} ({report.campaign.regime.requesting_agency.name}) đã tiếp nhận báo cáo "
            f"{campaign_period(report.campaign).label} của {report.agency.name}.",
            url=_report_url(report),
        )
        _audit(by, report, "reporting.report_accept")
    return report


def report_return(*, by: Any, report: Report, reason: str) -> Report:
    """Return a submitted report to its agency with a reason (required). It becomes editable
    again; its frozen values stay until the officer refreshes them."""
    reason = _clean(reason)
    if not reason:
        raise ApplicationError("Phải nêu lý do khi trả lại báo cáo.", code="required")
    with transaction.atomic():
        _lock(report)
        _require(
            permissions.can_review_report(by, report), "Chỉ cơ quan yêu cầu báo cáo mới trả lại báo cáo."
        )
        require_transition(report, ReportStatus.RETURNED)
        report.status = ReportStatus.RETURNED
        report.status_reason = reason
        report.reviewed_at = timezone.now()
        report.reviewed_by = by
        report.save()
        officers = reporting_officers([report.agency_id]).get(report.agency_id, [])
        notify(
            users=officers,
            title=f"Báo cáo bị trả lại: {report.campaign.regime.name}",
            body=f"{person(by)} trả lại báo cáo {campaign_period(report.campaign).label} của "
            f"{report.agency.name}. Lý do: {reason}",
            url=_report_url(report),
            level="warning",
        )
        _audit(by, report, "reporting.report_return", {"reason": reason})
    return report
