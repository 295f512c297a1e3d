"""Applications being filled in on the portal, and supplements being prepared.

Every upload is checked at once (format by content, size, unreadable files: onestop's
`check_upload`) and kept in the draft, so an error on one file or one field never loses what
was already uploaded or typed. Sending hands the draft to onestop's `submit_online` or
`supply_supplement`; OCR runs there, before their transaction, so the draft is only *claimed*
(`sending_since`) while that runs and marked sent afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any

from django.core.files.base import ContentFile, File
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_valid_filename

from cqs.audit.services import audit_record
from cqs.core.errors import ApplicationError
from cqs.core.text import fold, nfc
from cqs.onestop.models import Dossier, DossierStatus, OnlineLevel, ProcedureComponent, ProcedureVersion
from cqs.onestop.services.digitise import check_upload
from cqs.org.models import Agency
from cqs.portal.models import CitizenProfile, DraftApplication, DraftFile, DraftPurpose
from cqs.portal.selectors import competent_agencies, is_citizen

# A claim older than this is from a request that died mid-way; the draft may be sent again.
SENDING_CLAIM_TIMEOUT = timedelta(minutes=10)


@dataclass(frozen=True)
class DraftDetails:
    agency: Agency | None
    applicant_name: str
    applicant_id_number: str
    applicant_phone: str = ""
    applicant_email: str = ""
    applicant_address: str = ""


def _require_citizen(actor: Any) -> CitizenProfile:
    if not is_citizen(actor):
        raise ApplicationError(
            "Cần đăng nhập bằng tài khoản công dân để nộp hồ sơ trực tuyến.", code="citizen"
        )
    return CitizenProfile.objects.get(user=actor)


def _require_owner(actor: Any, draft: DraftApplication) -> None:
    if draft.owner_id != actor.pk:
        raise ApplicationError("Hồ sơ đang soạn này không thuộc tài khoản của bạn.", code="owner")
    if draft.sent_at is not None:
        raise ApplicationError("Hồ sơ này đã được gửi; không sửa được nữa.", code="sent")


def _lock(draft: DraftApplication) -> DraftApplication:
    list(DraftApplication.objects.select_for_update().filter(pk=draft.pk).values_list("pk", flat=True))
    draft.refresh_from_db()
    return draft


def draft_start(*, actor: Any, version: ProcedureVersion) -> DraftApplication:
    """A new application for `version`, or the citizen's unsent one for it (resumed)."""
    profile = _require_citizen(actor)
    procedure = version.procedure
    if not (procedure.is_active and version.is_current) or version.online_level == OnlineLevel.NONE:
        raise ApplicationError(
            f"Thủ tục “{procedure.name}” chưa nộp trực tuyến được; vui lòng nộp tại Bộ phận một cửa.",
            code="not_online",
        )
    with transaction.atomic():
        existing = (
            DraftApplication.objects.select_for_update()
            .filter(owner=actor, version=version, purpose=DraftPurpose.SUBMISSION, sent_at__isnull=True)
            .first()
        )
        if existing is not None:
            return existing
        agencies = list(competent_agencies(version))
        draft = DraftApplication.objects.create(
            owner=actor,
            purpose=DraftPurpose.SUBMISSION,
            version=version,
            agency=agencies[0] if len(agencies) == 1 else None,
            applicant_name=profile.full_name,
            applicant_id_number=profile.id_number,
            applicant_phone=profile.phone,
            applicant_email=profile.email,
            applicant_address=profile.address,
        )
        audit_record(actor=actor, action="portal.draft_start", target=draft, payload={"version": version.pk})
    return draft


def draft_save_details(*, actor: Any, draft: DraftApplication, details: DraftDetails) -> DraftApplication:
    with transaction.atomic():
        _lock(draft)
        _require_owner(actor, draft)
        if (
            details.agency is None
            or not competent_agencies(draft.version).filter(pk=details.agency.pk).exists()
        ):
            raise ApplicationError("Vui lòng chọn nơi nộp hồ sơ trong danh sách.", code="agency")
        draft.agency = details.agency
        draft.applicant_name = " ".join(nfc(details.applicant_name).split())
        draft.applicant_id_number = details.applicant_id_number
        draft.applicant_phone = details.applicant_phone
        draft.applicant_email = details.applicant_email.lower()
        draft.applicant_address = nfc(details.applicant_address).strip()
        draft.details_done = True
        draft.save()
        audit_record(
            actor=actor, action="portal.draft_details", target=draft, payload={"agency": details.agency.pk}
        )
    return draft


def _component_of(draft: DraftApplication, component_id: int) -> ProcedureComponent:
    component = ProcedureComponent.objects.filter(pk=component_id, version_id=draft.version_id).first()
    if component is None:
        raise ApplicationError("Thành phần hồ sơ này không thuộc thủ tục đang nộp.", code="component")
    return component


def _storage_name(name: str, extension: str) -> str:
    stem = get_valid_filename(fold(name.rsplit(".", 1)[0]))[:80] or "tep"
    return f"{stem}{extension}"


def draft_attach(*, actor: Any, draft: DraftApplication, component_id: int, upload: File[Any]) -> DraftFile:
    """Check `upload` and keep it as the file of one component (replacing an earlier one)."""
    _require_owner(actor, draft)
    component = _component_of(draft, component_id)
    prepared = check_upload(upload, component=component.name)  # no database work: before the lock
    extension = {"PDF": ".pdf", "JPEG": ".jpg", "PNG": ".png"}[str(prepared.format)]
    old_files: list[Any] = []
    with transaction.atomic():
        _lock(draft)
        _require_owner(actor, draft)
        previous = DraftFile.objects.filter(draft=draft, component=component).first()
        if previous is not None:
            old_files.append(previous.file)
            previous.delete()
        item = DraftFile(
            draft=draft,
            component=component,
            name=prepared.name,
            size=prepared.size,
            sha256=prepared.sha256,
            content_type=prepared.content_type,
        )
        item.file.save(_storage_name(prepared.name, extension), ContentFile(prepared.data), save=False)
        try:
            item.save()
            DraftApplication.objects.filter(pk=draft.pk).update(updated_at=timezone.now())
            audit_record(
                actor=actor,
                action="portal.draft_attach",
                target=draft,
                payload={"component": component.pk, "name": prepared.name, "sha256": prepared.sha256},
            )
        except BaseException:
            item.file.delete(save=False)
            raise
        for old in old_files:
            transaction.on_commit(partial(old.delete, save=False))
    return item


def draft_remove_file(*, actor: Any, draft: DraftApplication, component_id: int) -> None:
    with transaction.atomic():
        _lock(draft)
        _require_owner(actor, draft)
        item = DraftFile.objects.filter(draft=draft, component_id=component_id).first()
        if item is None:
            return
        stored = item.file
        item.delete()
        audit_record(
            actor=actor, action="portal.draft_remove_file", target=draft, payload={"component": component_id}
        )
        transaction.on_commit(lambda: stored.delete(save=False))


def missing_components(draft: DraftApplication) -> list[ProcedureComponent]:
    have = set(draft.files.values_list("component_id", flat=True))
    return [c for c in draft.version.components.all() if c.is_required and c.pk not in have]


def _claim(actor: Any, draft: DraftApplication) -> None:
    with transaction.atomic():
        _lock(draft)
        _require_owner(actor, draft)
        now = timezone.now()
        if draft.sending_since is not None and draft.sending_since > now - SENDING_CLAIM_TIMEOUT:
            raise ApplicationError("Hồ sơ đang được gửi, vui lòng chờ trong giây lát.", code="sending")
        draft.sending_since = now
        draft.save(update_fields=["sending_since"])


def _release(draft: DraftApplication) -> None:
    DraftApplication.objects.filter(pk=draft.pk, sent_at__isnull=True).update(sending_since=None)


def _finish(draft: DraftApplication, dossier: Dossier) -> None:
    """The draft is sent: remember the dossier and drop the staged files (kept in the dossier)."""
    with transaction.atomic():
        _lock(draft)
        draft.sent_at = timezone.now()
        draft.sending_since = None
        draft.dossier = dossier
        draft.save(update_fields=["sent_at", "sending_since", "dossier"])
        staged = [item.file for item in draft.files.all()]
        draft.files.all().delete()
        for stored in staged:
            transaction.on_commit(partial(stored.delete, save=False))


def _open_files(draft: DraftApplication) -> tuple[dict[int, File[Any]], list[File[Any]]]:
    files: dict[int, File[Any]] = {}
    opened: list[File[Any]] = []
    for item in draft.files.select_related("component"):
        item.file.open("rb")
        opened.append(item.file)
        files[item.component_id] = File(item.file.file, name=item.name)
    return files, opened


def draft_submit(*, actor: Any, draft: DraftApplication) -> Dossier:
    """Send the application: onestop's `submit_online` creates the dossier (code at once)."""
    from cqs.onestop.services.reception import ApplicantData, submit_online

    _require_owner(actor, draft)
    if draft.purpose != DraftPurpose.SUBMISSION:
        raise ApplicationError("Đây không phải hồ sơ nộp mới.", code="purpose")
    if not draft.details_done or draft.agency is None:
        raise ApplicationError("Vui lòng điền thông tin người nộp và nơi nộp hồ sơ trước.", code="details")
    missing = missing_components(draft)
    if missing:
        raise ApplicationError(
            "Chưa tải lên thành phần bắt buộc: " + "; ".join(c.name for c in missing) + ".", code="incomplete"
        )
    _claim(actor, draft)
    applicant = ApplicantData(
        name=draft.applicant_name,
        id_number=draft.applicant_id_number,
        phone=draft.applicant_phone,
        email=draft.applicant_email,
        address=draft.applicant_address,
    )
    files, opened = _open_files(draft)
    try:
        dossier = submit_online(
            actor=actor, version=draft.version, agency=draft.agency, applicant=applicant, files=files
        )
    except BaseException:
        _release(draft)
        raise
    finally:
        for handle in opened:
            handle.close()
    _finish(draft, dossier)
    return dossier


def supplement_start(*, actor: Any, dossier: Dossier) -> DraftApplication:
    """The supplement being prepared for the owner's dossier that waits for one."""
    _require_citizen(actor)
    if dossier.owner_id != actor.pk:
        raise ApplicationError("Hồ sơ này không thuộc tài khoản của bạn.", code="owner")
    if dossier.status != DossierStatus.SUPPLEMENT:
        raise ApplicationError("Hồ sơ không ở trạng thái chờ bổ sung.", code="not_waiting")
    with transaction.atomic():
        existing = (
            DraftApplication.objects.select_for_update()
            .filter(owner=actor, dossier=dossier, purpose=DraftPurpose.SUPPLEMENT, sent_at__isnull=True)
            .first()
        )
        if existing is not None:
            return existing
        draft = DraftApplication.objects.create(
            owner=actor,
            purpose=DraftPurpose.SUPPLEMENT,
            version=dossier.version,
            agency=dossier.agency,
            dossier=dossier,
        )
        audit_record(
            actor=actor, action="portal.supplement_start", target=draft, payload={"dossier": dossier.pk}
        )
    return draft


def supplement_send(*, actor: Any, draft: DraftApplication, note: str) -> Dossier:
    """Send the prepared files through onestop's `supply_supplement`; the clock restarts there."""
    from cqs.onestop.services import supply_supplement

    _require_owner(actor, draft)
    if draft.purpose != DraftPurpose.SUPPLEMENT or draft.dossier is None:
        raise ApplicationError("Đây không phải hồ sơ bổ sung.", code="purpose")
    note = nfc(note).strip()
    if not draft.files.exists() and not note:
        raise ApplicationError(
            "Vui lòng tải lên giấy tờ cần bổ sung hoặc ghi rõ nội dung bổ sung.", code="empty"
        )
    dossier = draft.dossier
    _claim(actor, draft)
    files, opened = _open_files(draft)
    try:
        dossier = supply_supplement(actor=actor, dossier=dossier, files=files, note=note)
    except BaseException:
        _release(draft)
        raise
    finally:
        for handle in opened:
            handle.close()
    _finish(draft, dossier)
    return dossier


def draft_discard(*, actor: Any, draft: DraftApplication) -> None:
    """The citizen gives up a draft: it and its staged files are deleted."""
    with transaction.atomic():
        _lock(draft)
        _require_owner(actor, draft)
        staged = [item.file for item in draft.files.all()]
        audit_record(actor=actor, action="portal.draft_discard", target=draft, payload={"files": len(staged)})
        draft.delete()
        for stored in staged:
            transaction.on_commit(partial(stored.delete, save=False))
