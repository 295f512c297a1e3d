"""The report's life: launch, prefill, narratives, submit (freeze), return, accept; the
transition table; completeness and timeliness."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from cqs.audit.models import AuditEvent
from cqs.core.errors import ApplicationError
from cqs.notify.models import Notification
from cqs.reporting.models import ReportStatus, SectionKind
from cqs.reporting.selectors import campaign_progress, report_rows
from cqs.reporting.services.reports import (
    report_accept,
    report_refresh,
    report_return,
    report_submit,
    report_update,
)
from cqs.reporting.tests.core_helpers import outgoing, vn
from cqs.reporting.tests.life_helpers import World, build_world
from cqs.reporting.workflow import TRANSITIONS, can_transition

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cast: Any) -> World:
    return build_world(cast)


def _value(report: Any, code: str) -> Any:
    return report.values.get(indicator__code=code)


def test_transition_table() -> None:
    S = ReportStatus
    assert TRANSITIONS[S.DRAFT] == {S.SUBMITTED}
    assert TRANSITIONS[S.SUBMITTED] == {S.ACCEPTED, S.RETURNED}
    assert TRANSITIONS[S.RETURNED] == {S.SUBMITTED}
    assert TRANSITIONS[S.ACCEPTED] == frozenset()


def test_launch_creates_prefilled_drafts_for_agencies_valid_at_window_end(world: World) -> None:
    cast = world.cast
    outgoing(cast.commune_a, vn(2025, 8, 1))
    outgoing(cast.commune_a, vn(2025, 8, 2))
    before = AuditEvent.objects.filter(action="reporting.campaign_launch").count()
    campaign = world.launch("2025Q3")
    assert (campaign.window_start, campaign.window_end) == (dt.date(2025, 6, 15), dt.date(2025, 9, 14))
    assert campaign.deadline > campaign.window_end
    agencies = set(campaign.reports.values_list("agency_id", flat=True))
    # Communes valid on 14/09/2025: A and B; the old commune ended 30/06/2025.
    assert agencies == {cast.commune_a.pk, cast.commune_b.pk}
    report = world.report(campaign, cast.commune_a)
    assert report.status == ReportStatus.DRAFT
    assert _value(report, "VB_TRAO_DOI_DT").denominator == Decimal(2)
    assert AuditEvent.objects.filter(action="reporting.campaign_launch").count() == before + 1
    assert Notification.objects.filter(user=world.officer_a, title__contains="Yêu cầu báo cáo").exists()


def test_launch_refuses_duplicates_wrong_period_and_outsiders(world: World) -> None:
    world.launch("2025Q3")
    with pytest.raises(ApplicationError, match="Đã có đợt"):
        world.launch("2025Q3")
    with pytest.raises(ApplicationError, match="không phù hợp"):
        world.launch("2025M09")
    with pytest.raises(ApplicationError, match="không hợp lệ"):
        world.launch("2025Q9")
    from cqs.reporting.services.campaigns import campaign_launch

    with pytest.raises(PermissionDenied):
        campaign_launch(by=world.officer_a, regime=world.dt, period="2025Q4")


def test_submit_freezes_values_and_later_changes_show_as_difference(world: World) -> None:
    cast = world.cast
    outgoing(cast.commune_a, vn(2025, 8, 1))
    campaign = world.launch("2025Q3")
    report = world.report(campaign, cast.commune_a)
    report_submit(by=world.officer_a, report=report)
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED and report.submitted_at is not None
    frozen = _value(report, "VB_TRAO_DOI_DT")
    assert frozen.denominator == Decimal(1)
    # A document released in the window after submission: the report does not change...
    outgoing(cast.commune_a, vn(2025, 9, 10))
    with pytest.raises(ApplicationError, match="đã được chốt"):
        report_refresh(by=world.officer_a, report=report)
    assert _value(report, "VB_TRAO_DOI_DT").denominator == Decimal(1)
    # ...but shows the live figure beside the frozen one.
    rows = {r.result.indicator.code: r for r in report_rows(report, with_live=True)}
    assert rows["VB_TRAO_DOI_DT"].differs
    assert rows["VB_TRAO_DOI_DT"].result.figure.denominator == Decimal(1)
    assert rows["VB_TRAO_DOI_DT"].live is not None
    assert rows["VB_TRAO_DOI_DT"].live.figure.denominator == Decimal(2)
    assert not rows["HS_TIEP_NHAN"].differs


def test_return_requires_reason_then_refresh_unfreezes_and_resubmit(world: World) -> None:
    cast = world.cast
    outgoing(cast.commune_a, vn(2025, 8, 1))
    campaign = world.launch("2025Q3")
    report = world.report(campaign, cast.commune_a)
    report_submit(by=world.officer_a, report=report)
    with pytest.raises(ApplicationError, match="lý do"):
        report_return(by=world.requester, report=report, reason="  ")
    with pytest.raises(PermissionDenied):
        report_return(by=world.officer_a, report=report, reason="Tự trả lại")
    report_return(by=world.requester, report=report, reason="Bổ sung phần tồn tại, hạn chế.")
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED
    assert report.status_reason == "Bổ sung phần tồn tại, hạn chế."
    assert Notification.objects.filter(user=world.officer_a, title__contains="trả lại").exists()
    # Still the frozen values until the officer refreshes them.
    outgoing(cast.commune_a, vn(2025, 9, 1))
    assert _value(report, "VB_TRAO_DOI_DT").denominator == Decimal(1)
    report_refresh(by=world.officer_a, report=report)
    assert _value(report, "VB_TRAO_DOI_DT").denominator == Decimal(2)
    report_submit(by=world.officer_a, report=report)
    report_accept(by=world.requester, report=report)
    report.refresh_from_db()
    assert report.status == ReportStatus.ACCEPTED and report.reviewed_by == world.requester
    with pytest.raises(ApplicationError, match="Không thể chuyển"):
        report_return(by=world.requester, report=report, reason="Muộn rồi")
    assert not can_transition(report, ReportStatus.SUBMITTED)


def test_each_service_writes_one_audit_event(world: World) -> None:
    campaign = world.launch("2025Q3")
    report = world.report(campaign, world.cast.commune_a)
    narrative = campaign.regime.sections.filter(kind=SectionKind.NARRATIVE).first()
    assert narrative is not None
    for action, call in (
        ("reporting.report_refresh", lambda: report_refresh(by=world.officer_a, report=report)),
        (
            "reporting.report_update",
            lambda: report_update(
                by=world.officer_a, report=report, narratives={narrative.pk: "Đã quán triệt."}
            ),
        ),
        ("reporting.report_submit", lambda: report_submit(by=world.officer_a, report=report)),
        ("reporting.report_accept", lambda: report_accept(by=world.requester, report=report)),
    ):
        before = AuditEvent.objects.filter(target_id=str(report.pk)).count()
        call()
        events = AuditEvent.objects.filter(target_id=str(report.pk)).order_by("-id")
        assert events.count() == before + 1
        assert events.first().action == action  # type: ignore[union-attr]


def test_narratives_only_in_narrative_sections_and_not_after_submission(world: World) -> None:
    campaign = world.launch("2025Q3")
    report = world.report(campaign, world.cast.commune_a)
    heading = campaign.regime.sections.filter(kind=SectionKind.HEADING).first()
    narrative = campaign.regime.sections.filter(kind=SectionKind.NARRATIVE).first()
    assert heading is not None and narrative is not None
    with pytest.raises(ApplicationError):
        report_update(by=world.officer_a, report=report, narratives={heading.pk: "x"})
    with pytest.raises(PermissionDenied):
        report_update(by=world.officer_b, report=report, narratives={narrative.pk: "x"})
    report_update(by=world.officer_a, report=report, narratives={narrative.pk: "  Nội dung\r\nthứ hai  "})
    assert report.narratives.get(section=narrative).text == "Nội dung\nthứ hai"
    report_submit(by=world.officer_a, report=report)
    with pytest.raises(ApplicationError, match="đã được chốt"):
        report_update(by=world.officer_a, report=report, narratives={narrative.pk: "sửa"})


def test_completeness_and_timeliness(world: World) -> None:
    campaign = world.launch("2025Q3")
    a = world.report(campaign, world.cast.commune_a)
    b = world.report(campaign, world.cast.commune_b)
    progress = campaign_progress(campaign)
    assert progress.summary == "0/2 đơn vị đã nộp"
    assert {x.pk for x in progress.missing} == {world.cast.commune_a.pk, world.cast.commune_b.pk}
    report_submit(by=world.officer_a, report=a)
    report_submit(by=world.officer_b, report=b)
    # A was sent on the deadline day, B the day after (the campaign is a past quarter).
    on_time = timezone.make_aware(dt.datetime.combine(campaign.deadline, dt.time(16, 30)))
    late = timezone.make_aware(dt.datetime.combine(campaign.deadline + dt.timedelta(days=1), dt.time(9)))
    type(a).objects.filter(pk=a.pk).update(submitted_at=on_time)
    type(b).objects.filter(pk=b.pk).update(submitted_at=late)
    progress = campaign_progress(campaign)
    assert progress.summary == "2/2 đơn vị đã nộp, 1 nộp muộn"
    assert [x.pk for x in progress.late_agencies] == [world.cast.commune_b.pk]
    report_return(by=world.requester, report=a, reason="Thiếu số liệu")
    assert campaign_progress(campaign).summary == "1/2 đơn vị đã nộp, 1 nộp muộn"


def test_leader_signs_the_rendered_pdf_and_editing_voids_the_signature(world: World) -> None:
    from cqs.reporting.services.reports import report_sign
    from cqs.signing.testing import equip_person, make_material, trust
    from cqs.signing.verify import Verdict, verify_pdf

    campaign = world.launch("2025Q3")
    report = world.report(campaign, world.cast.commune_a)
    with pytest.raises(PermissionDenied):
        report_sign(by=world.officer_a, report=report, reauth_ok=True)  # not a leader
    with pytest.raises(ApplicationError, match="chưa có chứng thư"):
        report_sign(by=world.leader_a, report=report, reauth_ok=True)
    material = make_material()
    trust(material)
    equip_person(material, world.leader_a)
    with pytest.raises(ApplicationError, match="mật khẩu"):
        report_sign(by=world.leader_a, report=report, reauth_ok=False)
    report_sign(by=world.leader_a, report=report, reauth_ok=True)
    report.refresh_from_db()
    assert report.signed_sha256 and report.signer == world.leader_a
    with report.signed_pdf.open("rb") as handle:
        verdicts = [v for v in verify_pdf(handle.read()) if not v.is_timestamp]
    assert [v.verdict for v in verdicts] == [Verdict.VALID]
    narrative = campaign.regime.sections.filter(kind=SectionKind.NARRATIVE).first()
    assert narrative is not None
    report_update(by=world.officer_a, report=report, narratives={narrative.pk: "Sửa sau khi ký."})
    report.refresh_from_db()
    assert report.signed_sha256 == ""  # the signed PDF no longer shows the report
    report_submit(by=world.officer_a, report=report)  # unsigned reports may still be sent
    assert AuditEvent.objects.filter(action="reporting.report_submit", payload__signed=False).exists()
