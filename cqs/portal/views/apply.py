"""Applying online (GOV.UK patterns): start → task list → applicant details → one page per
component upload → check your answers → submit → pay (when there is a fee) → confirmation.
Everything typed and uploaded is kept in the draft, so an error loses nothing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from cqs.core.errors import ApplicationError
from cqs.onestop.models import OnlineLevel, Procedure, ProcedureComponent
from cqs.onestop.services.digitise import MAX_COMPONENT_BYTES
from cqs.portal.forms import DetailsForm, UploadForm
from cqs.portal.models import DraftApplication, DraftPurpose
from cqs.portal.permissions import STAFF_REFUSED, access_draft, access_own_dossier, citizen_required
from cqs.portal.selectors import competent_agencies, current_version, is_citizen
from cqs.portal.services.drafts import (
    DraftDetails,
    draft_attach,
    draft_remove_file,
    draft_save_details,
    draft_start,
    draft_submit,
    missing_components,
)
from cqs.portal.views.common import render


@require_POST
def apply_start(request: HttpRequest, code: str) -> HttpResponse:
    procedure = get_object_or_404(Procedure, code=code, is_active=True)
    if not request.user.is_authenticated:  # back to the start page after logging in
        return redirect_to_login(reverse("portal:procedure", args=[code]), reverse("portal:login"))
    if not is_citizen(request.user):
        return render(request, "portal/staff_refused.html", {"message": STAFF_REFUSED}, status=403)
    version = current_version(procedure)
    if version is None:
        raise Http404("Không tìm thấy thủ tục.")
    try:
        draft = draft_start(actor=request.user, version=version)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("portal:procedure", code=code)
    return redirect("portal:draft", draft_id=draft.pk)


def _tasks(draft: DraftApplication) -> dict[str, object]:
    components = list(draft.version.components.all())
    files = {f.component_id: f for f in draft.files.all()}
    rows = [{"component": c, "file": files.get(c.pk)} for c in components]
    required_done = all(c.pk in files for c in components if c.is_required)
    done = int(draft.details_done) + sum(1 for r in rows if r["file"] is not None)
    return {
        "draft": draft,
        "version": draft.version,
        "procedure": draft.version.procedure,
        "rows": rows,
        "ready": draft.details_done and required_done,
        "done_count": done,
        "task_count": 1 + len(rows),
        "max_mb": MAX_COMPONENT_BYTES // (1024 * 1024),
    }


@citizen_required
def draft_tasks(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = access_draft(request.user, draft_id, purpose=DraftPurpose.SUBMISSION)
    return render(request, "portal/draft_tasks.html", _tasks(draft))


@citizen_required
def draft_details(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = access_draft(request.user, draft_id, purpose=DraftPurpose.SUBMISSION)
    agencies = competent_agencies(draft.version)
    initial = {
        "agency": draft.agency_id,
        "applicant_name": draft.applicant_name,
        "applicant_id_number": draft.applicant_id_number,
        "applicant_phone": draft.applicant_phone,
        "applicant_email": draft.applicant_email,
        "applicant_address": draft.applicant_address,
    }
    form = DetailsForm(request.POST or None, initial=initial, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            draft_save_details(
                actor=request.user,
                draft=draft,
                details=DraftDetails(
                    agency=data["agency"],
                    applicant_name=data["applicant_name"],
                    applicant_id_number=data["applicant_id_number"],
                    applicant_phone=data["applicant_phone"],
                    applicant_email=data["applicant_email"] or "",
                    applicant_address=data["applicant_address"],
                ),
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            return redirect(
                "portal:check" if request.GET.get("tu") == "kiem-tra" else "portal:draft", draft_id=draft.pk
            )
    return render(
        request,
        "portal/draft_details.html",
        {"form": form, "draft": draft, "procedure": draft.version.procedure},
    )


def component_page(
    request: HttpRequest,
    draft: DraftApplication,
    component_id: int,
    *,
    template: str,
    back_url: str,
    done_url: str,
) -> HttpResponse:
    """Upload (or remove) the file of one component of a draft; shared with supplements."""
    component = get_object_or_404(ProcedureComponent, pk=component_id, version_id=draft.version_id)
    current = draft.files.filter(component=component).first()
    form = UploadForm()
    if request.method == "POST":
        if request.POST.get("hanh-dong") == "xoa":
            draft_remove_file(actor=request.user, draft=draft, component_id=component.pk)
            messages.info(request, f"Đã xóa tệp của “{component.name}”.")
            return redirect(back_url)
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                item = draft_attach(
                    actor=request.user,
                    draft=draft,
                    component_id=component.pk,
                    upload=form.cleaned_data["file"],
                )
            except ApplicationError as error:
                form.add_error("file", error.message)
            else:
                messages.success(request, f"Đã tải lên “{item.name}” cho “{component.name}”.")
                return redirect(done_url)
    return render(
        request,
        template,
        {
            "draft": draft,
            "component": component,
            "current": current,
            "form": form,
            "back_url": back_url,
            "max_bytes": MAX_COMPONENT_BYTES,
            "max_mb": MAX_COMPONENT_BYTES // (1024 * 1024),
            "procedure": draft.version.procedure,
        },
    )


@citizen_required
def draft_component(request: HttpRequest, draft_id: int, component_id: int) -> HttpResponse:
    draft = access_draft(request.user, draft_id, purpose=DraftPurpose.SUBMISSION)
    tasks = reverse("portal:draft", args=[draft.pk])
    return component_page(
        request, draft, component_id, template="portal/draft_component.html", back_url=tasks, done_url=tasks
    )


@citizen_required
def draft_file(request: HttpRequest, draft_id: int, component_id: int) -> FileResponse:
    """The citizen's own staged file, to check it before sending."""
    draft = access_draft(request.user, draft_id)
    item = draft.files.filter(component_id=component_id).first()
    if item is None:
        raise Http404("Không tìm thấy tệp.")
    return FileResponse(
        item.file.open("rb"), content_type=item.content_type, filename=item.name, as_attachment=False
    )


@citizen_required
def draft_check(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = access_draft(request.user, draft_id, purpose=DraftPurpose.SUBMISSION)
    context = _tasks(draft)
    context["missing"] = missing_components(draft)
    context["is_full"] = draft.version.online_level == OnlineLevel.FULL
    error = ""
    if request.method == "POST":
        if request.POST.get("cam-doan") != "1":
            error = "Vui lòng đánh dấu cam đoan thông tin đã khai là đúng sự thật trước khi nộp."
        else:
            try:
                dossier = draft_submit(actor=request.user, draft=draft)
            except ApplicationError as exc:
                error = exc.message
            else:
                if dossier.fee > 0 and dossier.payment_status == "chua_thanh_toan":
                    return redirect("portal:pay", code=dossier.code)
                return redirect("portal:confirmation", code=dossier.code)
    context["error"] = error
    return render(request, "portal/draft_check.html", context)


@require_POST
@citizen_required
def draft_discard(request: HttpRequest, draft_id: int) -> HttpResponse:
    from cqs.portal.services.drafts import draft_discard as discard

    draft = access_draft(request.user, draft_id)
    name = draft.version.procedure.name
    discard(actor=request.user, draft=draft)
    messages.info(request, f"Đã hủy hồ sơ đang soạn “{name}”.")
    return redirect("portal:my_dossiers")


@citizen_required
def confirmation(request: HttpRequest, code: str) -> HttpResponse:
    dossier = access_own_dossier(request.user, code)
    return render(
        request,
        "portal/confirmation.html",
        {
            "dossier": dossier,
            "procedure": dossier.version.procedure,
            "is_full": dossier.version.online_level == OnlineLevel.FULL,
            "unpaid": dossier.payment_status == "chua_thanh_toan",
        },
    )
