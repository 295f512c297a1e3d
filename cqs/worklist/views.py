"""Screens of task tracking (thin: parse with a form, call a selector or a service, render)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_http_methods, require_POST

from cqs.core.errors import ApplicationError
from cqs.core.text import format_date_short
from cqs.org.models import Agency, Position
from cqs.org.permissions import NOT_FOUND
from cqs.worklist import forms as f
from cqs.worklist import permissions as perms
from cqs.worklist import selectors, services, xlsx
from cqs.worklist.models import ExtensionStatus, Task, TaskEvidence
from cqs.worklist.stats import task_table
from cqs.worklist.timing import Timing
from cqs.worklist.workflow import Action, allowed

RESULTS = "ket-qua"
PAGE_SIZE = 50


def _today() -> date:
    return services.local_today()


def _refusal(error: Exception) -> str:
    if isinstance(error, ApplicationError):
        return error.message
    return str(error) or "Bạn không có quyền thực hiện thao tác này."


def _own_agencies(user: Any) -> list[Agency]:
    ids = Position.objects.current(_today()).filter(user=user).values("agency_id")
    return list(Agency.objects.filter(pk__in=ids).order_by("tree_path"))


def _rows(tasks: list[Task], today: date) -> list[dict[str, Any]]:
    counts = selectors.reminder_counts([t.pk for t in tasks])
    return [
        {"task": t, "timing": selectors.timing_of(t, today), "reminders": counts.get(t.pk, 0)} for t in tasks
    ]


def _render_list(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    htmx = getattr(request, "htmx", None)
    partial = bool(htmx and not htmx.history_restore_request and htmx.target == RESULTS)
    response = render(request, "worklist/_results.html" if partial else template, context)
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response


def _list_context(
    request: HttpRequest,
    qs_builder: Callable[[selectors.TaskFilters], QuerySet[Task]],
    agencies: list[Agency],
) -> dict[str, Any]:
    plans = list(selectors.plans_for(request.user))
    form = f.FilterForm(request.GET or None, plans=plans, agencies=agencies)
    filters = selectors.TaskFilters()
    if form.is_valid():
        d = form.cleaned_data
        filters = selectors.TaskFilters(
            plan_id=d.get("ke_hoach"),
            agency_id=d.get("co_quan"),
            status=d.get("trang_thai") or "",
            query=d.get("q") or "",
        )
    try:
        number = max(1, int(request.GET.get("trang", "1")))
    except ValueError:
        number = 1
    paginator = Paginator(qs_builder(filters), PAGE_SIZE)
    page = paginator.get_page(number)
    return {
        "form": form,
        "page": page,
        "rows": _rows(list(page.object_list), _today()),
        "total": paginator.count,
        "results_target": RESULTS,
        "list_url": request.path,
    }


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """Leaders (and the committee's office) land on what they assigned; others on what they owe."""
    if perms.acting_agency_ids(request.user):
        return redirect("worklist:assigned")
    return redirect("worklist:agency")


@login_required
def assigned(request: HttpRequest) -> HttpResponse:
    today = _today()
    agencies = list(Agency.objects.valid_on(today).order_by("tree_path"))
    context = _list_context(request, lambda flt: selectors.assigned_by_me(request.user, flt, today), agencies)
    context.update(
        current="giao", heading="Nhiệm vụ đã giao", can_assign=bool(perms.acting_agency_ids(request.user))
    )
    return _render_list(request, "worklist/task_list.html", context)


@login_required
def agency(request: HttpRequest) -> HttpResponse:
    today = _today()
    own = _own_agencies(request.user)
    if not own:
        raise Http404(NOT_FOUND)
    chosen = next((a for a in own if str(a.pk) == request.GET.get("don_vi")), own[0])
    context = _list_context(
        request, lambda flt: selectors.owed_by_agency(request.user, chosen, flt, today), []
    )
    context["form"].fields.pop("co_quan")
    context.update(current="co_quan", heading=f"Nhiệm vụ của {chosen.name}", own=own, chosen=chosen)
    return _render_list(request, "worklist/task_list.html", context)


def _period(request: HttpRequest) -> tuple[date, date]:
    today = _today()
    default_start = date(today.year, 1, 1)
    try:
        start = (
            date.fromisoformat(request.GET.get("tu_ngay", ""))
            if request.GET.get("tu_ngay")
            else default_start
        )
        end = date.fromisoformat(request.GET.get("den_ngay", "")) if request.GET.get("den_ngay") else today
    except ValueError:
        messages.error(request, "Ngày lọc không hợp lệ; đang hiển thị từ đầu năm đến hôm nay.")
        return default_start, today
    if end < start:
        messages.error(request, "Ngày kết thúc trước ngày bắt đầu; đang hiển thị từ đầu năm đến hôm nay.")
        return default_start, today
    return start, end


@login_required
def board(request: HttpRequest) -> HttpResponse:
    start, end = _period(request)
    sort = request.GET.get("sap_xep", "qua_han")
    plan_id = request.GET.get("ke_hoach")
    plan = perms.access_plan(request.user, plan_id) if plan_id else None
    rows = selectors.board(request.user, start, end, plan_id=plan.pk if plan else None, sort=sort)
    totals = {
        key: sum(getattr(r.stats, key) for r in rows)
        for key in ("assigned", "done_early", "done_on_time", "done_late", "in_progress_within", "overdue")
    }
    context = {
        "current": "bang",
        "rows": rows,
        "totals": totals,
        "start": start,
        "end": end,
        "sort": sort,
        "plan": plan,
        "plans": list(selectors.plans_for(request.user)),
    }
    return render(request, "worklist/board.html", context)


# --- one task --------------------------------------------------------------------------


def _detail_context(request: HttpRequest, task: Task, **forms_: Any) -> dict[str, Any]:
    user, today = request.user, _today()
    manage, report, finish = (
        perms.can_manage(user, task),
        perms.can_report(user, task),
        perms.can_finish(user, task),
    )
    status = task.status
    pending = task.extensions.filter(status=ExtensionStatus.PENDING).first()
    return {
        "task": task,
        "timing": selectors.timing_of(task, today),
        "timeline": selectors.timeline(task),
        "children": [
            {"task": c, "timing": selectors.timing_of(c, today)}
            for c in task.children.select_related("lead_agency", "lead_unit").order_by("order", "id")
        ],
        "supporting_agencies": list(task.supporting_agencies.all()),
        "supporting_units": list(task.supporting_units.all()),
        "reminder_count": task.reminders.count(),
        "pending": pending,
        "can": {
            "progress": report and allowed(status, Action.PROGRESS),
            "extension": finish and allowed(status, Action.REQUEST_EXTENSION),
            "decide": manage and pending is not None,
            "done": finish and allowed(status, Action.MARK_DONE),
            "chase": manage and allowed(status, Action.CHASE),
            "cancel": manage and allowed(status, Action.CANCEL),
            "split": perms.can_split(user, task) and allowed(status, Action.SPLIT),
        },
        "progress_form": forms_.get("progress_form") or f.ProgressForm(),
        "extension_form": forms_.get("extension_form") or f.ExtensionRequestForm(),
        "decision_form": forms_.get("decision_form") or f.ExtensionDecisionForm(),
        "done_form": forms_.get("done_form") or f.DoneForm(),
        "chase_form": forms_.get("chase_form") or f.ChaseForm(),
        "cancel_form": forms_.get("cancel_form") or f.CancelForm(),
        "split_form": forms_.get("split_form") or f.SubTaskForm(task=task),
        "open_form": next(iter(forms_), ""),
        "Timing": Timing,
    }


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = perms.access_task(request.user, pk)
    return render(request, "worklist/task_detail.html", _detail_context(request, task))


def _act(
    request: HttpRequest,
    pk: int,
    form_name: str,
    make_form: Callable[[Task], Any],
    call: Callable[[Task, dict[str, Any]], object],
    success: str,
) -> HttpResponse:
    """POST a form of the detail page: on success redirect with a message; on bad input or a
    refusal render the page again with the form, its input and the Vietnamese error (status 400)."""
    task = perms.access_task(request.user, pk)
    form = make_form(task)
    if form.is_valid():
        try:
            call(task, form.cleaned_data)
        except (ApplicationError, PermissionDenied) as error:
            form.add_error(None, _refusal(error))
        else:
            messages.success(request, success)
            return redirect("worklist:detail", pk=task.pk)
    task = perms.access_task(request.user, pk)
    context = _detail_context(request, task, **{form_name: form})
    return render(request, "worklist/task_detail.html", context, status=400)


@login_required
@require_POST
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "progress_form",
        lambda t: f.ProgressForm(request.POST, request.FILES),
        lambda t, d: services.task_report_progress(
            by=request.user, task=t, text=d["text"], percent=d["percent"], files=d["evidence"]
        ),
        "Đã gửi báo cáo tiến độ.",
    )


@login_required
@require_POST
def extension_request(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "extension_form",
        lambda t: f.ExtensionRequestForm(request.POST),
        lambda t, d: services.task_request_extension(
            by=request.user, task=t, new_deadline=d["new_deadline"], reason=d["reason"]
        ),
        "Đã gửi đề nghị gia hạn.",
    )


@login_required
@require_POST
def extension_decide(request: HttpRequest, pk: int) -> HttpResponse:
    def call(task: Task, d: dict[str, Any]) -> object:
        if d["decision"] == "dong_y":
            return services.task_grant_extension(by=request.user, task=task, reason=d["reason"])
        return services.task_refuse_extension(by=request.user, task=task, reason=d["reason"])

    return _act(
        request,
        pk,
        "decision_form",
        lambda t: f.ExtensionDecisionForm(request.POST),
        call,
        "Đã ghi ý kiến gia hạn.",
    )


@login_required
@require_POST
def mark_done(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "done_form",
        lambda t: f.DoneForm(request.POST),
        lambda t, d: services.task_mark_done(by=request.user, task=t, result_note=d["result_note"]),
        "Đã báo cáo hoàn thành nhiệm vụ.",
    )


@login_required
@require_POST
def chase(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "chase_form",
        lambda t: f.ChaseForm(request.POST),
        lambda t, d: services.task_chase(by=request.user, task=t, kind=d["kind"], text=d["text"]),
        "Đã gửi đôn đốc.",
    )


@login_required
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "cancel_form",
        lambda t: f.CancelForm(request.POST),
        lambda t, d: services.task_cancel(by=request.user, task=t, reason=d["reason"]),
        "Đã hủy nhiệm vụ.",
    )


@login_required
@require_POST
def split(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(
        request,
        pk,
        "split_form",
        lambda t: f.SubTaskForm(request.POST, task=t),
        lambda t, d: services.task_split(by=request.user, task=t, specs=[_sub_spec(t, d)]),
        "Đã giao nhiệm vụ con.",
    )


def _sub_spec(task: Task, data: dict[str, Any]) -> services.TaskSpec:
    unit = data.get("lead_unit")
    return services.TaskSpec(
        title=data["title"],
        lead_agency=task.lead_agency if unit is not None else data["lead_agency"],
        lead_unit=unit,
        deadline=data.get("deadline"),
        working_days=data.get("working_days"),
        expected_result=data.get("expected_result", ""),
    )


@login_required
def evidence(request: HttpRequest, pk: int) -> FileResponse:
    try:
        item = TaskEvidence.objects.select_related("progress").get(pk=pk)
    except TaskEvidence.DoesNotExist:
        raise Http404(NOT_FOUND) from None
    perms.access_task(request.user, item.progress.task_id)
    response = FileResponse(item.file.open("rb"), as_attachment=True, filename=item.original_name)
    response["Content-Type"] = item.content_type
    return response


@login_required
@require_http_methods(["GET", "POST"])
def assign(request: HttpRequest) -> HttpResponse:
    if not perms.acting_agency_ids(request.user):
        raise Http404(NOT_FOUND)
    form = f.TaskAssignForm(
        request.POST or None, user=request.user, initial={"plan": request.GET.get("ke_hoach")}
    )
    if request.method == "POST" and form.is_valid():
        try:
            task = services.task_assign(
                by=request.user,
                assigning_agency=form.cleaned_data["assigning_agency"],
                spec=form.spec(),
                plan=form.cleaned_data.get("plan"),
            )
        except (ApplicationError, PermissionDenied) as error:
            form.add_error(None, _refusal(error))
        else:
            messages.success(
                request,
                f"Đã giao nhiệm vụ cho {task.lead_agency.name}, thời hạn {format_date_short(task.deadline)}.",
            )
            return redirect("worklist:detail", pk=task.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "worklist/assign.html", {"form": form, "current": "giao_moi"}, status=status)


# --- plans -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def plans(request: HttpRequest) -> HttpResponse:
    can_create = bool(perms.acting_agency_ids(request.user))
    form = f.PlanForm(request.POST or None, user=request.user) if can_create else None
    if request.method == "POST":
        if form is None:
            raise Http404(NOT_FOUND)
        if form.is_valid():
            try:
                plan = services.plan_create(
                    by=request.user,
                    issuing_agency=form.cleaned_data["issuing_agency"],
                    title=form.cleaned_data["title"],
                    year=form.cleaned_data["year"],
                    citation=form.cleaned_data["citation"],
                )
            except (ApplicationError, PermissionDenied) as error:
                form.add_error(None, _refusal(error))
            else:
                messages.success(request, "Đã tạo kế hoạch.")
                return redirect("worklist:plan", pk=plan.pk)
    context = {"plans": selectors.plans_for(request.user), "form": form, "current": "ke_hoach"}
    return render(request, "worklist/plans.html", context, status=400 if request.method == "POST" else 200)


def _plan_context(
    request: HttpRequest, plan: Any, import_form: Any = None, errors: Any = None
) -> dict[str, Any]:
    today = _today()
    rows = task_table(plan_id=plan.pk, agency_ids=None, start=date(plan.year, 1, 1), end=today)
    return {
        "plan": plan,
        "rows": rows,
        "import_form": import_form or f.ImportForm(),
        "import_errors": errors or [],
        "can_import": plan.issuing_agency_id in perms.acting_agency_ids(request.user),
        "current": "ke_hoach",
    }


@login_required
@require_http_methods(["GET", "POST"])
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = perms.access_plan(request.user, pk)
    if request.method == "GET":
        return render(request, "worklist/plan_detail.html", _plan_context(request, plan))
    form = f.ImportForm(request.POST, request.FILES)
    errors: list[str] = []
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            created = xlsx.import_plan_tasks(by=request.user, plan=plan, data=upload.read(xlsx.MAX_BYTES + 1))
        except xlsx.ImportRowsError as error:
            errors = error.errors
        except (ApplicationError, PermissionDenied) as error:
            errors = [_refusal(error)]
        else:
            messages.success(request, f"Đã nhập {len(created)} nhiệm vụ.")
            return redirect("worklist:plan", pk=plan.pk)
    return render(
        request, "worklist/plan_detail.html", _plan_context(request, plan, form, errors), status=400
    )


@login_required
def plan_export(request: HttpRequest, pk: int) -> HttpResponse:
    plan = perms.access_plan(request.user, pk)
    # A plan's annex is public to whoever may see the plan, like the plan document itself.
    tasks = list(
        plan.tasks.all()
        .select_related("lead_agency", "lead_unit")
        .prefetch_related("supporting_agencies", "supporting_units")
        .order_by("order", "id")
    )
    data = xlsx.export_plan(plan, tasks, today=_today())
    response = HttpResponse(
        data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="nhiem-vu-ke-hoach-{plan.pk}.xlsx"'
    return response
