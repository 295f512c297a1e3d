"""Forms of the task screens. They parse input; the services decide."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone

from cqs.documents.models import Document
from cqs.documents.permissions import visible_documents
from cqs.org.models import Agency, Unit
from cqs.worklist import permissions as perms
from cqs.worklist.models import Plan, ReminderKind, Task
from cqs.worklist.selectors import STATUS_FILTERS
from cqs.worklist.services import TaskSpec

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def date_field(label: str, *, required: bool = False, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        widget=DateInput(),
        help_text=help_text,
        error_messages={"invalid": "Ngày không hợp lệ (dạng ngày/tháng/năm)."},
    )


class AgencyChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class AgencyMultipleChoice(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


def agencies_under(agency_ids: list[int]) -> QuerySet[Agency]:
    paths = list(Agency.objects.filter(pk__in=agency_ids).values_list("tree_path", flat=True))
    if not paths:
        return Agency.objects.none()
    query = Q()
    for path in paths:
        query |= Q(tree_path__startswith=path)
    return Agency.objects.valid_on(timezone.localdate()).filter(query).order_by("tree_path")


class DeadlineMixin(forms.Form):
    deadline = date_field("Thời hạn (ngày)", help_text="Ngày nghỉ được tính sang ngày làm việc tiếp theo.")
    working_days = forms.IntegerField(
        label="hoặc số ngày làm việc kể từ hôm nay",
        required=False,
        min_value=1,
        max_value=1000,
        error_messages={"min_value": "Số ngày làm việc phải từ 1 trở lên."},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        has_date, has_days = data.get("deadline") is not None, data.get("working_days") is not None
        if has_date == has_days and not self.errors:
            raise forms.ValidationError(
                "Hãy nhập thời hạn: một ngày cụ thể hoặc số ngày làm việc (chỉ một trong hai)."
            )
        return data


class TaskAssignForm(DeadlineMixin):
    assigning_agency = AgencyChoice(label="Cơ quan giao", queryset=Agency.objects.none(), empty_label=None)
    title = forms.CharField(
        label="Nội dung nhiệm vụ", max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
    lead_agency = AgencyChoice(label="Cơ quan chủ trì", queryset=Agency.objects.none())
    lead_unit = forms.ModelChoiceField(
        label="Đơn vị chủ trì (nếu giao đến phòng, ban)", queryset=Unit.objects.none(), required=False
    )
    supporting_agencies = AgencyMultipleChoice(
        label="Cơ quan phối hợp", queryset=Agency.objects.none(), required=False
    )
    expected_result = forms.CharField(
        label="Kết quả dự kiến (sản phẩm)", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    description = forms.CharField(
        label="Yêu cầu cụ thể", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    plan = forms.ModelChoiceField(label="Thuộc kế hoạch", queryset=Plan.objects.none(), required=False)
    source_reference = forms.CharField(
        label="Văn bản giao nhiệm vụ (số/ký hiệu)",
        required=False,
        max_length=60,
        help_text="Ví dụ: 35/KH-UBND — văn bản trên hệ thống mà bạn được xem.",
    )
    source_text = forms.CharField(
        label="Nguồn giao khác",
        required=False,
        max_length=500,
        help_text="Ví dụ: Kết luận của Chủ tịch UBND tỉnh tại cuộc họp ngày 05/3/2025.",
    )
    field_order = [
        "assigning_agency", "title", "lead_agency", "lead_unit", "supporting_agencies", "deadline",
        "working_days", "expected_result", "description", "plan", "source_reference", "source_text",
    ]  # fmt: skip

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        acting = perms.acting_agency_ids(user)
        self.fields["assigning_agency"].queryset = Agency.objects.filter(pk__in=acting)  # type: ignore[attr-defined]
        below = agencies_under(acting)
        self.fields["lead_agency"].queryset = below  # type: ignore[attr-defined]
        self.fields["supporting_agencies"].queryset = Agency.objects.valid_on(  # type: ignore[attr-defined]
            timezone.localdate()
        ).order_by("tree_path")
        self.fields["lead_unit"].queryset = Unit.objects.filter(  # type: ignore[attr-defined]
            agency__in=below, is_active=True
        ).select_related("agency")
        self.fields["plan"].queryset = Plan.objects.filter(issuing_agency_id__in=acting)  # type: ignore[attr-defined]

    def clean_source_reference(self) -> Document | None:
        return find_document(self.user, self.cleaned_data.get("source_reference", ""))

    def spec(self) -> TaskSpec:
        d = self.cleaned_data
        return TaskSpec(
            title=d["title"],
            lead_agency=d["lead_agency"],
            lead_unit=d.get("lead_unit"),
            supporting_agencies=list(d.get("supporting_agencies") or []),
            deadline=d.get("deadline"),
            working_days=d.get("working_days"),
            expected_result=d.get("expected_result", ""),
            description=d.get("description", ""),
            source_document=d.get("source_reference"),
            source_text=d.get("source_text", ""),
        )


def find_document(user: Any, reference: str) -> Document | None:
    """A document the user may see, by "number/notation" (35/KH-UBND)."""
    reference = (reference or "").strip()
    if not reference:
        return None
    number, _, notation = reference.partition("/")
    found = (
        visible_documents(user)
        .filter(number=number.strip(), notation__iexact=notation.strip())
        .order_by("-issued_on", "-id")
        .first()
    )
    if found is None:
        raise forms.ValidationError(f"Không tìm thấy văn bản số {reference} trong các văn bản bạn được xem.")
    return found


class SubTaskForm(DeadlineMixin):
    title = forms.CharField(
        label="Nội dung nhiệm vụ con", max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
    lead_unit = forms.ModelChoiceField(label="Đơn vị chủ trì", queryset=Unit.objects.none(), required=False)
    lead_agency = AgencyChoice(
        label="hoặc cơ quan trực thuộc chủ trì", queryset=Agency.objects.none(), required=False
    )
    expected_result = forms.CharField(label="Kết quả dự kiến", required=False)

    def __init__(self, *args: Any, task: Task, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.task = task
        self.fields["lead_unit"].queryset = Unit.objects.filter(  # type: ignore[attr-defined]
            agency_id=task.lead_agency_id, is_active=True
        )
        self.fields["lead_agency"].queryset = agencies_under([task.lead_agency_id]).exclude(  # type: ignore[attr-defined]
            pk=task.lead_agency_id
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("lead_unit") is None and data.get("lead_agency") is None and not self.errors:
            raise forms.ValidationError("Hãy chọn đơn vị chủ trì hoặc cơ quan trực thuộc chủ trì.")
        return data

    def spec(self) -> TaskSpec:
        d = self.cleaned_data
        unit = d.get("lead_unit")
        return TaskSpec(
            title=d["title"],
            lead_agency=self.task.lead_agency if unit is not None else d["lead_agency"],
            lead_unit=unit,
            deadline=d.get("deadline"),
            working_days=d.get("working_days"),
            expected_result=d.get("expected_result", ""),
        )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> Any:
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class ProgressForm(forms.Form):
    text = forms.CharField(label="Nội dung báo cáo tiến độ", widget=forms.Textarea(attrs={"rows": 3}))
    percent = forms.IntegerField(
        label="Tiến độ (%)",
        min_value=0,
        max_value=100,
        error_messages={
            "min_value": "Tiến độ phải từ 0 đến 100 %%.",
            "max_value": "Tiến độ phải từ 0 đến 100 %%.",
        },
    )
    evidence = MultipleFileField(
        label="Tệp minh chứng (PDF, DOCX, XLSX, PNG, JPEG)",
        required=False,
        widget=MultipleFileInput(attrs={"accept": ".pdf,.docx,.xlsx,.png,.jpg,.jpeg"}),
    )


class ExtensionRequestForm(forms.Form):
    new_deadline = date_field("Đề nghị gia hạn đến ngày", required=True)
    reason = forms.CharField(label="Lý do", widget=forms.Textarea(attrs={"rows": 2}))


class ExtensionDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Quyết định",
        choices=[("dong_y", "Đồng ý gia hạn"), ("tu_choi", "Không đồng ý")],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label="Ý kiến (bắt buộc khi không đồng ý)", required=False)


class DoneForm(forms.Form):
    result_note = forms.CharField(label="Kết quả thực hiện", widget=forms.Textarea(attrs={"rows": 3}))


class ChaseForm(forms.Form):
    kind = forms.ChoiceField(label="Hình thức đôn đốc", choices=ReminderKind.choices)
    text = forms.CharField(label="Nội dung", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CancelForm(forms.Form):
    reason = forms.CharField(label="Lý do hủy", widget=forms.Textarea(attrs={"rows": 2}))


class PlanForm(forms.Form):
    issuing_agency = AgencyChoice(label="Cơ quan ban hành", queryset=Agency.objects.none(), empty_label=None)
    title = forms.CharField(label="Tên kế hoạch, chương trình", max_length=500)
    year = forms.IntegerField(label="Năm", min_value=2000, max_value=2100)
    citation = forms.CharField(
        label="Số, ký hiệu, ngày ban hành",
        required=False,
        max_length=300,
        help_text="Ví dụ: Kế hoạch số 61/KH-UBND ngày 10/4/2019",
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["issuing_agency"].queryset = Agency.objects.filter(  # type: ignore[attr-defined]
            pk__in=perms.acting_agency_ids(user)
        )
        self.fields["year"].initial = date.today().year


class ImportForm(forms.Form):
    file = forms.FileField(label="Tệp Excel (.xlsx) danh sách nhiệm vụ")


class FilterForm(forms.Form):
    q = forms.CharField(label="Nội dung", required=False)
    ke_hoach = forms.TypedChoiceField(label="Kế hoạch", required=False, coerce=int, empty_value=None)
    co_quan = forms.TypedChoiceField(
        label="Cơ quan chủ trì/phối hợp", required=False, coerce=int, empty_value=None
    )
    trang_thai = forms.ChoiceField(
        label="Tình trạng", required=False, choices=[("", "Tất cả"), *STATUS_FILTERS.items()]
    )

    def __init__(self, *args: Any, plans: list[Plan], agencies: list[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ke_hoach"].choices = [("", "Tất cả"), *((p.pk, p.title) for p in plans)]  # type: ignore[attr-defined]
        self.fields["co_quan"].choices = [("", "Tất cả"), *((a.pk, a.name) for a in agencies)]  # type: ignore[attr-defined]
