"""Campaigns (đợt báo cáo): the requesting agency sends a regime for one period to the
reporting agencies; and the outline the requesting agency edits.

Keyword arguments, the acting user `by`, one transaction and exactly one audit event per call.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone

from cqs.audit.services import audit_record
from cqs.core.errors import ApplicationError
from cqs.core.periods import Period, parse_period
from cqs.core.text import format_date_short
from cqs.core.workcalendar import add_working_days
from cqs.notify.services import notify
from cqs.org.models import Agency
from cqs.reporting import permissions
from cqs.reporting.compute import compute_agencies
from cqs.reporting.models import (
    Campaign,
    CampaignStatus,
    Frequency,
    Indicator,
    OutlineSection,
    Regime,
    Report,
    ReportNarrative,
    SectionKind,
)
from cqs.reporting.selectors import regime_indicators, reporting_officers
from cqs.reporting.services.reports import person, store_values

__all__ = [
    "campaign_close",
    "campaign_launch",
    "deadline_for",
    "outline_section_delete",
    "outline_section_move",
    "outline_section_save",
    "reporting_agencies_on",
]

_KIND_OF_FREQUENCY: dict[str, str] = {
    Frequency.MONTH: "month",
    Frequency.QUARTER: "quarter",
    Frequency.HALF_YEAR: "half_year",
    Frequency.NINE_MONTHS: "nine_months",
    Frequency.YEAR: "year",
}


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise PermissionDenied(message)


def _clean(value: Any) -> str:
    return unicodedata.normalize("NFC", str(value or "")).replace("\r\n", "\n").strip()


def regime_period(regime: Regime, code: str) -> Period:
    """The period `code` under the regime's data window; refuses a period of another frequency."""
    try:
        period = parse_period(code, regime.window)
    except ValueError as error:
        raise ApplicationError(str(error), code="period") from None
    expected = _KIND_OF_FREQUENCY.get(regime.frequency)
    if expected is not None and period.kind != expected:
        raise ApplicationError(
            f"Chế độ “{regime.name}” báo cáo {regime.get_frequency_display().lower()}; "
            f"kỳ {period.label} không phù hợp.",
            code="period",
        )
    return period


def deadline_for(regime: Regime, period: Period) -> Any:
    """The regime's deadline: `deadline_days` working days after the cut-off date."""
    return add_working_days(period.end, regime.deadline_days)


def reporting_agencies_on(regime: Regime, on: Any) -> list[Agency]:
    """The agencies that report under `regime` on day `on`: the named ones and every agency of
    the named levels in the requester's province, valid that day."""
    valid = Agency.objects.valid_on(on)
    named = valid.filter(pk__in=regime.reporting_agencies.values("pk"))
    levels = [level.strip() for level in regime.reporting_levels.split(",") if level.strip()]
    query = Q(pk__in=named.values("pk"))
    if levels:
        root = regime.requesting_agency.tree_path.strip("/").split("/")[0]
        query |= Q(level__in=levels, tree_path__startswith=f"/{root}/")
    return list(valid.filter(query).order_by("tree_path", "code"))


def campaign_launch(*, by: Any, regime: Regime, period: str, prefill: bool = True) -> Campaign:
    """Send `regime` for `period` (e.g. "2023Q3"): one draft report per reporting agency valid at
    the window end, prefilled from live data, deadline from the regime; the agencies'
    reporting officers are notified."""
    _require(
        permissions.can_manage_regime(by, regime), "Chỉ cơ quan yêu cầu báo cáo mới phát động đợt báo cáo."
    )
    if not regime.is_active:
        raise ApplicationError("Chế độ báo cáo này đã ngừng áp dụng.", code="inactive")
    resolved = regime_period(regime, period)
    with transaction.atomic():
        if Campaign.objects.filter(regime=regime, period=resolved.code).exists():
            raise ApplicationError(f"Đã có đợt báo cáo “{regime.name}” {resolved.label}.", code="duplicate")
        agencies = reporting_agencies_on(regime, resolved.end)
        if not agencies:
            raise ApplicationError(
                "Không có cơ quan nào thực hiện chế độ báo cáo này vào ngày "
                f"{format_date_short(resolved.end)}.",
                code="no_agencies",
            )
        campaign = Campaign.objects.create(
            regime=regime,
            period=resolved.code,
            window_start=resolved.start,
            window_end=resolved.end,
            deadline=deadline_for(regime, resolved),
            launched_by=by,
        )
        reports = Report.objects.bulk_create(
            [Report(campaign=campaign, agency=agency, created_by=by) for agency in agencies]
        )
        if prefill:
            indicators: Sequence[Indicator] = regime_indicators(regime)
            results = compute_agencies(indicators, [a.pk for a in agencies], resolved)
            now = timezone.now()
            for report in reports:
                store_values(report, results.get(report.agency_id, {}), at=now)
        officers = reporting_officers([a.pk for a in agencies])
        for report in reports:
            notify(
                users=officers.get(report.agency_id, []),
                title=f"Yêu cầu báo cáo: {regime.name} — {resolved.label}",
                body=f"{regime.requesting_agency.name} đề nghị {report.agency.name} gửi báo cáo "
                f"{resolved.label} (số liệu từ {format_date_short(resolved.start)} đến "
                f"{format_date_short(resolved.end)}) trước ngày {format_date_short(campaign.deadline)}. "
                "Số liệu đã được điền sẵn từ dữ liệu trên nền tảng.",
                url=reverse("reporting:report", args=[report.pk]),
            )
        audit_record(
            actor=by,
            action="reporting.campaign_launch",
            target=campaign,
            agency_id=regime.requesting_agency_id,
            payload={
                "regime": regime.code,
                "period": resolved.code,
                "deadline": campaign.deadline.isoformat(),
                "agencies": [a.pk for a in agencies],
            },
        )
    return campaign


def campaign_close(*, by: Any, campaign: Campaign) -> Campaign:
    _require(
        permissions.can_manage_regime(by, campaign.regime),
        "Chỉ cơ quan yêu cầu báo cáo mới kết thúc đợt báo cáo.",
    )
    with transaction.atomic():
        if campaign.status == CampaignStatus.CLOSED:
            raise ApplicationError("Đợt báo cáo đã kết thúc.", code="closed")
        campaign.status = CampaignStatus.CLOSED
        campaign.save(update_fields=["status"])
        audit_record(
            actor=by,
            action="reporting.campaign_close",
            target=campaign,
            agency_id=campaign.regime.requesting_agency_id,
            payload={"by": person(by)},
        )
    return campaign


# ----------------------------------------------------------------------------- outline

_SECTION_FIELDS = ("kind", "number", "title", "template", "hint", "task_plan_reference")


def outline_section_save(
    *,
    by: Any,
    regime: Regime,
    data: Mapping[str, Any],
    section: OutlineSection | None = None,
    indicator_codes: Iterable[str] | None = None,
    after: OutlineSection | None = None,
) -> OutlineSection:
    """Add a section (at the end, or after `after`) or edit one: kind, number, title, sentence
    template, hint, indicators. A template may only name indicators of the catalogue."""
    _require(permissions.can_manage_regime(by, regime), "Chỉ cơ quan yêu cầu báo cáo mới sửa đề cương.")
    unknown = set(data) - set(_SECTION_FIELDS)
    if unknown:
        raise ValueError(f"Unknown section fields: {sorted(unknown)}")
    values = {k: _clean(v) for k, v in data.items()}
    kind = values.get("kind", section.kind if section else "")
    if kind not in SectionKind.values:
        raise ApplicationError("Chọn loại mục của đề cương.", code="kind")
    codes = [c.strip() for c in (indicator_codes or []) if c.strip()]
    found = {i.code: i for i in Indicator.objects.filter(code__in=codes)}
    missing = [c for c in codes if c not in found]
    template_codes = _template_codes(values.get("template", section.template if section else ""))
    missing += [c for c in template_codes if c not in found and not Indicator.objects.filter(code=c).exists()]
    if missing:
        raise ApplicationError(f"Không có chỉ tiêu mã: {', '.join(sorted(set(missing)))}.", code="indicator")
    if kind == SectionKind.HEADING and not values.get("title", section.title if section else ""):
        raise ApplicationError("Mục tiêu đề cần có tiêu đề.", code="title")
    if kind == SectionKind.SENTENCE and not values.get("template", section.template if section else ""):
        raise ApplicationError(
            "Câu có số liệu cần có mẫu câu, ví dụ: “… là {VB_DI} văn bản”.", code="template"
        )
    with transaction.atomic():
        created = section is None
        if section is None:
            section = OutlineSection(regime=regime)
            section.order = _insert_order(regime, after)
        for name, value in values.items():
            setattr(section, name, value)
        section.kind = kind
        section.full_clean(exclude=["regime"])
        section.save()
        if indicator_codes is not None:
            section.indicators.set([found[c] for c in codes])
            regime.indicators.add(*found.values())
        extra = list(Indicator.objects.filter(code__in=template_codes))
        if extra:
            regime.indicators.add(*extra)
        audit_record(
            actor=by,
            action="reporting.outline_save",
            target=section,
            agency_id=regime.requesting_agency_id,
            payload={
                "regime": regime.code,
                "created": created,
                "fields": sorted(values),
                "indicators": codes,
            },
        )
    return section


def _template_codes(template: str) -> list[str]:
    return re.findall(r"\{([A-Z0-9_]+)(?::[a-z_]+)?\}", template or "")


def _insert_order(regime: Regime, after: OutlineSection | None) -> int:
    """The order for a new section after `after` (or at the end), shifting the rest down."""
    if after is None:
        last = regime.sections.aggregate(m=Max("order"))["m"]
        return (last or 0) + 1
    following = list(regime.sections.filter(order__gt=after.order).order_by("-order"))
    for item in following:  # from the end, so the unique (regime, order) never collides
        item.order += 1
        item.save(update_fields=["order"])
    return after.order + 1


def outline_section_move(*, by: Any, section: OutlineSection, direction: int) -> OutlineSection:
    """Swap the section with its neighbour above (direction -1) or below (+1)."""
    regime = section.regime
    _require(permissions.can_manage_regime(by, regime), "Chỉ cơ quan yêu cầu báo cáo mới sửa đề cương.")
    with transaction.atomic():
        siblings = list(regime.sections.select_for_update().order_by("order"))
        index = next(i for i, s in enumerate(siblings) if s.pk == section.pk)
        other_index = index + (1 if direction > 0 else -1)
        if not 0 <= other_index < len(siblings):
            raise ApplicationError("Mục đã ở đầu hoặc cuối đề cương.", code="edge")
        other = siblings[other_index]
        mine, theirs = siblings[index].order, other.order
        temporary = max(s.order for s in siblings) + 1
        OutlineSection.objects.filter(pk=section.pk).update(order=temporary)
        OutlineSection.objects.filter(pk=other.pk).update(order=mine)
        OutlineSection.objects.filter(pk=section.pk).update(order=theirs)
        section.order = theirs
        audit_record(
            actor=by,
            action="reporting.outline_move",
            target=section,
            agency_id=regime.requesting_agency_id,
            payload={"regime": regime.code, "from": mine, "to": theirs},
        )
    return section


def outline_section_delete(*, by: Any, section: OutlineSection) -> None:
    """Remove a section. One that already holds reports' text is kept (their text stays)."""
    regime = section.regime
    _require(permissions.can_manage_regime(by, regime), "Chỉ cơ quan yêu cầu báo cáo mới sửa đề cương.")
    with transaction.atomic():
        if ReportNarrative.objects.filter(section=section).exists():
            raise ApplicationError(
                "Mục này đã có nội dung trong báo cáo của các đơn vị; sửa tiêu đề thay vì xóa.", code="in_use"
            )
        payload = {
            "regime": regime.code,
            "order": section.order,
            "title": section.title,
            "kind": section.kind,
        }
        audit_record(
            actor=by,
            action="reporting.outline_delete",
            target=section,
            agency_id=regime.requesting_agency_id,
            payload=payload,
        )
        section.delete()
