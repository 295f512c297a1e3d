"""Forms of the document screens: list filters, registration, drafting, routing and handling.

The forms only turn what the user typed into Python values and say, in Vietnamese, what is
missing or malformed; every business rule stays in `cqs.documents.services` (its
`ApplicationError` messages are put next to the field they name, see `apply_service_error`).
Field names are English; labels and messages Vietnamese.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils import timezone

from cqs.accounts.models import User
from cqs.core.doctypes import ADMINISTRATIVE_TYPES, DOCUMENT_TYPES
from cqs.core.errors import ApplicationError
from cqs.documents.files import ALLOWED_FORMATS, UploadError, validate_upload
from cqs.documents.models import (
    INCOMING_STATUSES,
    OUTGOING_STATUSES,
    Direction,
    Document,
    DocumentFile,
    DocumentStatus,
    Secrecy,
    SignerAuthority,
    Urgency,
)
from cqs.org.models import Agency, Unit

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"]
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]
DATE_INVALID = "Ngày không hợp lệ. Nhập theo dạng ngày/tháng/năm, ví dụ 05/01/2024."
REQUIRED = "Vui lòng nhập {label}."
REQUIRED_CHOICE = "Vui lòng chọn {label}."
INVALID_CHOICE = "Lựa chọn không hợp lệ; vui lòng chọn lại trong danh sách."
RESELECT_FILES = "Tệp đã chọn chưa được lưu: vui lòng chọn lại tệp trước khi gửi."


# ---------------------------------------------------------------------------- widgets


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one <input type=file multiple>; cleans to a list (maybe empty)."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        uploads = data if isinstance(data, list | tuple) else ([data] if data else [])
        if not uploads and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        single = super().clean
        return [single(upload, initial) for upload in uploads if upload]


def date_field(label: str, *, required: bool = False, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        input_formats=DATE_FORMATS,
        widget=DateInput(),
        help_text=help_text,
        error_messages={"invalid": DATE_INVALID, "required": REQUIRED.format(label=label.lower())},
    )


def _messages(label: str, *, choice: bool = False) -> dict[str, str]:
    required = (REQUIRED_CHOICE if choice else REQUIRED).format(label=label.lower())
    return {"required": required, "invalid_choice": INVALID_CHOICE, "invalid_pk_value": INVALID_CHOICE}


def _type_choices(types: Iterable[Any], *, blank: str | None) -> list[tuple[str, str]]:
    choices = [(t.name, t.name) for t in types]
    return [("", blank), *choices] if blank is not None else choices


def urgency_choices(*, blank: str | None = None) -> list[tuple[Any, str]]:
    choices: list[tuple[Any, str]] = [(value, str(label)) for value, label in Urgency.choices]
    return [("", blank), *choices] if blank is not None else choices


def person_label(user: Any) -> str:
    return str(user.get_full_name() if hasattr(user, "get_full_name") else user)


class PersonChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """Staff shown by their full name."""

    def label_from_instance(self, obj: Any) -> str:
        return person_label(obj)


class UnitChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """Units shown by their own name (the agency is known from the page)."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class ServiceErrorMixin:
    """Puts a service's `ApplicationError` next to the field its code names, else on top."""

    #: service error code -> form field
    error_fields: dict[str, str] = {}

    def apply_service_error(self, error: ApplicationError) -> None:
        form: forms.Form = self  # type: ignore[assignment]
        field = self.error_fields.get(error.code, error.code)
        form.add_error(field if field in form.fields else None, error.message)


# ---------------------------------------------------------------------------- lists


class DocumentFilterForm(forms.Form):
    """GET filters of the incoming and outgoing lists; every field is optional."""

    q = forms.CharField(
        label="Từ khóa",
        required=False,
        max_length=200,
        help_text=(
            "Số, ký hiệu, trích yếu, cơ quan ban hành, nội dung tệp; gõ không dấu cũng được. "
            "Tìm theo từ trọn vẹn; thêm * để tìm từ bắt đầu bằng các chữ đã gõ (vd. 2250*)."
        ),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    chieu = forms.ChoiceField(
        label="Văn bản",
        required=False,
        choices=[
            ("", "Đến và đi"),
            (Direction.INCOMING.value, "Văn bản đến"),
            (Direction.OUTGOING.value, "Văn bản đi"),
        ],
    )
    loai = forms.ChoiceField(label="Loại văn bản", required=False, choices=())
    tu_ngay = date_field("Ngày văn bản từ")
    den_ngay = date_field("Đến ngày")
    trang_thai = forms.ChoiceField(label="Trạng thái", required=False, choices=())
    do_khan = forms.TypedChoiceField(
        label="Độ khẩn", required=False, choices=(), coerce=int, empty_value=None
    )
    co_quan = forms.ModelChoiceField(
        label="Cơ quan ban hành",
        required=False,
        queryset=Agency.objects.none(),
        empty_label="Tất cả cơ quan",
        error_messages=_messages("cơ quan ban hành", choice=True),
    )

    def __init__(self, *args: Any, direction: str = "", **kwargs: Any) -> None:
        """`direction` "" is the search page: both directions, with a direction filter."""
        super().__init__(*args, **kwargs)
        self.direction = direction
        types = ADMINISTRATIVE_TYPES if direction == Direction.OUTGOING else DOCUMENT_TYPES
        self.fields["loai"].choices = _type_choices(types, blank="Tất cả loại")  # type: ignore[attr-defined]
        statuses: tuple[DocumentStatus, ...] = (*INCOMING_STATUSES, *OUTGOING_STATUSES)
        if direction == Direction.INCOMING:
            statuses = INCOMING_STATUSES
        elif direction == Direction.OUTGOING:
            statuses = OUTGOING_STATUSES
        self.fields["trang_thai"].choices = [  # type: ignore[attr-defined]
            ("", "Tất cả trạng thái"),
            *((s.value, str(s.label)) for s in statuses),
        ]
        self.fields["do_khan"].choices = urgency_choices(blank="Tất cả")  # type: ignore[attr-defined]
        if direction:
            del self.fields["chieu"]
        if direction == Direction.OUTGOING:
            del self.fields["co_quan"]
        else:
            field = self.fields["co_quan"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = Agency.objects.filter(valid_to__isnull=True).order_by("tree_path")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("tu_ngay"), data.get("den_ngay")
        if start and end and start > end:
            self.add_error("den_ngay", "“Đến ngày” phải từ “Ngày văn bản từ” trở về sau.")
        return data

    def search_arguments(self) -> dict[str, Any]:
        """Keyword arguments of `cqs.documents.search.search_documents` (valid filters only)."""
        data = self.cleaned_data if self.is_bound and hasattr(self, "cleaned_data") else {}
        return {
            "query": data.get("q") or "",
            "doc_type": data.get("loai") or None,
            "direction": self.direction or data.get("chieu") or None,
            "date_from": data.get("tu_ngay"),
            "date_to": data.get("den_ngay"),
            "issuing_agency": data.get("co_quan"),
            "status": data.get("trang_thai") or None,
            "urgency": data.get("do_khan"),
        }

    @property
    def is_filtered(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return any(value not in (None, "") for value in data.values())


class AssignmentFilterForm(forms.Form):
    """GET filters of "Việc của tôi"."""

    SCOPES = [
        ("dang_xu_ly", "Đang xử lý"),
        ("qua_han", "Quá hạn"),
        ("hoan_thanh", "Đã hoàn thành"),
        ("tat_ca", "Tất cả"),
    ]
    pham_vi = forms.ChoiceField(label="Hiển thị", required=False, choices=SCOPES)
    do_khan = forms.TypedChoiceField(
        label="Độ khẩn", required=False, choices=(), coerce=int, empty_value=None
    )
    q = forms.CharField(
        label="Từ khóa",
        required=False,
        max_length=200,
        help_text=(
            "Tìm trong số, ký hiệu, trích yếu; gõ không dấu cũng được; thêm * để tìm phần đầu từ (vd. 2250*)."
        ),
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["do_khan"].choices = urgency_choices(blank="Tất cả")  # type: ignore[attr-defined]

    @property
    def scope(self) -> str:
        data = getattr(self, "cleaned_data", {})
        return str(data.get("pham_vi") or "dang_xu_ly")


# ---------------------------------------------------------------------------- incoming


class IncomingRegisterForm(ServiceErrorMixin, forms.Form):
    """The clerk's registration form: the incoming register's columns and the PL VI fields."""

    error_fields = {"upload": "uploads", "arrival_date": "arrival_date", "issued_on": "issued_on"}

    owner = forms.ModelChoiceField(
        label="Cơ quan nhận",
        queryset=Agency.objects.none(),
        error_messages=_messages("cơ quan nhận", choice=True),
    )
    issuing_agency = forms.ModelChoiceField(
        label="Cơ quan ban hành trên nền tảng",
        required=False,
        queryset=Agency.objects.none(),
        empty_label="— Không có trên nền tảng —",
        help_text="Chọn nếu cơ quan gửi có trên nền tảng; nếu không, nhập tên ở ô dưới.",
        error_messages=_messages("cơ quan ban hành", choice=True),
    )
    issuing_agency_name = forms.CharField(
        label="Tên cơ quan ban hành",
        required=False,
        max_length=200,
        help_text="Ví dụ: Bộ Nội vụ. Để trống nếu đã chọn cơ quan trên nền tảng.",
    )
    doc_type = forms.ChoiceField(
        label="Tên loại văn bản", choices=(), error_messages=_messages("tên loại", choice=True)
    )
    number = forms.CharField(label="Số", required=False, max_length=11, help_text="Ví dụ: 05")
    notation = forms.CharField(label="Ký hiệu", required=False, max_length=30, help_text="Ví dụ: BC-UBND")
    issued_on = date_field("Ngày văn bản", required=True)
    place = forms.CharField(label="Địa danh", required=False, max_length=100)
    subject = forms.CharField(
        label="Trích yếu nội dung",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages=_messages("trích yếu nội dung"),
    )
    urgency = forms.TypedChoiceField(label="Độ khẩn", choices=(), coerce=int, initial=Urgency.NORMAL)
    secrecy = forms.TypedChoiceField(
        label="Độ mật",
        choices=Secrecy.choices,
        coerce=int,
        initial=Secrecy.NONE,
        help_text="Văn bản mật vào sổ đến mật; chỉ văn thư, lãnh đạo cơ quan và người được giao xem được.",
    )
    signer_title = forms.CharField(label="Chức vụ người ký", required=False, max_length=100)
    signer_name = forms.CharField(label="Người ký", required=False, max_length=50)
    page_count = forms.IntegerField(label="Số trang", required=False, min_value=0, max_value=32767)
    copies = forms.IntegerField(label="Số bản", required=False, min_value=1, max_value=32767, initial=1)
    due_date = date_field("Hạn trả lời/giải quyết (nếu có)")
    arrival_date = forms.DateTimeField(
        label="Thời điểm đến",
        input_formats=DATETIME_FORMATS,
        widget=DateTimeInput(),
        error_messages={
            "invalid": "Thời điểm đến không hợp lệ; nhập ngày và giờ, ví dụ 05/01/2024 08:30.",
            "required": "Vui lòng nhập thời điểm đến.",
        },
    )
    is_electronic = forms.BooleanField(label="Văn bản điện tử", required=False)
    is_digitally_signed = forms.BooleanField(label="Có chữ ký số", required=False)
    uploads = MultipleFileField(
        label="Tệp văn bản",
        required=False,
        help_text=f"Chọn một hoặc nhiều tệp ({ALLOWED_FORMATS}); tệp đầu tiên là tệp văn bản chính. "
        "Bản scan được nhận dạng chữ (OCR) để tìm kiếm.",
    )
    confirm_duplicate = forms.BooleanField(
        label="Tôi đã kiểm tra: đây là văn bản khác, vẫn đăng ký",
        required=False,
    )

    SERVICE_FIELDS = (
        "doc_type",
        "number",
        "notation",
        "issued_on",
        "place",
        "issuing_agency",
        "issuing_agency_name",
        "subject",
        "urgency",
        "secrecy",
        "signer_title",
        "signer_name",
        "page_count",
        "copies",
        "due_date",
        "arrival_date",
        "is_electronic",
        "is_digitally_signed",
    )

    def __init__(self, *args: Any, owners: QuerySet[Agency], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {})
        kwargs["initial"].setdefault("arrival_date", timezone.localtime().replace(second=0, microsecond=0))
        super().__init__(*args, **kwargs)
        owner_field = self.fields["owner"]
        assert isinstance(owner_field, forms.ModelChoiceField)
        owner_field.queryset = owners
        self.only_owner = owners.first() if owners.count() == 1 else None
        if self.only_owner is not None:
            owner_field.initial = self.only_owner
            owner_field.required = False
            owner_field.widget = forms.HiddenInput()
        issuing = self.fields["issuing_agency"]
        assert isinstance(issuing, forms.ModelChoiceField)
        issuing.queryset = Agency.objects.filter(valid_to__isnull=True).order_by("tree_path")
        self.fields["doc_type"].choices = _type_choices(DOCUMENT_TYPES, blank="— Chọn tên loại —")  # type: ignore[attr-defined]
        self.fields["urgency"].choices = urgency_choices()  # type: ignore[attr-defined]
        self.fields["doc_type"].widget.attrs["autofocus"] = True
        self.files_were_sent = bool(self.files.getlist("uploads")) if self.is_bound else False

    def clean_uploads(self) -> list[UploadedFile]:
        uploads: list[UploadedFile] = self.cleaned_data.get("uploads") or []
        problems = []
        for upload in uploads:
            try:
                validate_upload(upload)
            except UploadError as error:
                problems.append(error.message)
        if problems:
            raise forms.ValidationError(problems)
        return uploads

    def clean_owner(self) -> Agency | None:
        owner: Agency | None = self.cleaned_data.get("owner")
        return owner or self.only_owner

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("issuing_agency") and not (data.get("issuing_agency_name") or "").strip():
            self.add_error(
                "issuing_agency_name", "Vui lòng nhập tên cơ quan ban hành hoặc chọn cơ quan trên nền tảng."
            )
        arrival = data.get("arrival_date")
        if isinstance(arrival, datetime) and arrival > timezone.now():
            self.add_error("arrival_date", "Thời điểm đến không thể sau thời điểm hiện tại.")
        issued = data.get("issued_on")
        if (
            isinstance(arrival, datetime)
            and isinstance(issued, date)
            and issued > timezone.localtime(arrival).date()
        ):
            self.add_error("issued_on", "Ngày văn bản không thể sau ngày đến.")
        if self.errors and self.files_were_sent:
            self.add_error("uploads", RESELECT_FILES)
        return data

    def service_data(self) -> dict[str, Any]:
        data = {name: self.cleaned_data.get(name) for name in self.SERVICE_FIELDS}
        for name in ("number", "notation", "place", "issuing_agency_name", "signer_title", "signer_name"):
            data[name] = data[name] or ""
        data["page_count"] = data["page_count"] or 0
        data["copies"] = data["copies"] or 1
        return data


class AttachForm(ServiceErrorMixin, forms.Form):
    """More files for a document: clerks for incoming ones, whoever holds an outgoing draft."""

    error_fields = {"upload": "uploads"}

    uploads = MultipleFileField(
        label="Chọn tệp",
        help_text=f"{ALLOWED_FORMATS}; có thể chọn nhiều tệp.",
        error_messages={"required": "Vui lòng chọn tệp."},
    )
    kind = forms.ChoiceField(label="Loại tệp", choices=DocumentFile.Kind.choices)

    def __init__(self, *args: Any, document: Document, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "dinh-kem")
        super().__init__(*args, **kwargs)
        has_main = document.files.filter(kind=DocumentFile.Kind.MAIN).exists()
        self.fields["kind"].initial = DocumentFile.Kind.ATTACHMENT if has_main else DocumentFile.Kind.MAIN
        if document.direction == Direction.INCOMING:
            self.fields["kind"].choices = [  # type: ignore[attr-defined]
                c for c in DocumentFile.Kind.choices if c[0] != DocumentFile.Kind.DRAFT
            ]

    def clean_uploads(self) -> list[UploadedFile]:
        uploads: list[UploadedFile] = self.cleaned_data.get("uploads") or []
        problems = []
        for upload in uploads:
            try:
                validate_upload(upload)
            except UploadError as error:
                problems.append(error.message)
        if problems:
            raise forms.ValidationError(problems)
        return uploads


class ReasonForm(forms.Form):
    """A mandatory reason: returning a document, recalling it, sending a draft back."""

    reason = forms.CharField(
        label="Lý do",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Vui lòng nêu lý do."},
    )


# ---------------------------------------------------------------------------- routing


def _target_key(target: Unit | User) -> str:
    return f"u{target.pk}" if isinstance(target, Unit) else f"p{target.pk}"


class RouteTargets:
    """The units and people a leader may route to, as choice values "u12" / "p34"."""

    def __init__(self, units: Sequence[Unit], people: Sequence[User]) -> None:
        self.by_key: dict[str, Unit | User] = {}
        for unit in units:
            self.by_key[_target_key(unit)] = unit
        for user in people:
            self.by_key[_target_key(user)] = user
        self.units = list(units)
        self.people = list(people)

    def grouped_choices(self, *, blank: str | None = None) -> list[Any]:
        choices: list[Any] = [("", blank)] if blank is not None else []
        if self.units:
            choices.append(("Đơn vị", [(_target_key(u), u.name) for u in self.units]))
        if self.people:
            choices.append(("Cán bộ", [(_target_key(p), person_label(p)) for p in self.people]))
        return choices

    def flat_choices(self) -> list[tuple[str, str]]:
        return [(_target_key(u), u.name) for u in self.units] + [
            (_target_key(p), person_label(p)) for p in self.people
        ]

    def get(self, key: str) -> Unit | User:
        return self.by_key[key]


class RouteForm(ServiceErrorMixin, forms.Form):
    """The leader's routing: one lead, supporting and for-information targets, direction, deadlines."""

    error_fields = {"target": "lead", "deadline": "deadline"}

    lead = forms.ChoiceField(
        label="Chủ trì giải quyết",
        choices=(),
        error_messages=_messages("đơn vị hoặc cán bộ chủ trì", choice=True),
    )
    supports = forms.MultipleChoiceField(
        label="Phối hợp",
        required=False,
        choices=(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": INVALID_CHOICE},
    )
    informed = forms.MultipleChoiceField(
        label="Để biết",
        required=False,
        choices=(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": INVALID_CHOICE},
    )
    direction = forms.CharField(
        label="Ý kiến chỉ đạo",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Vui lòng ghi ý kiến chỉ đạo."},
    )
    deadline = date_field(
        "Thời hạn giải quyết (chủ trì)",
        help_text="Để trống: tính theo ngày làm việc mặc định, không quá hạn của văn bản.",
    )
    support_deadline = date_field(
        "Thời hạn của đơn vị, cán bộ phối hợp", help_text="Để trống: như thời hạn của đơn vị chủ trì."
    )

    def __init__(self, *args: Any, targets: RouteTargets, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.targets = targets
        self.fields["lead"].choices = targets.grouped_choices(blank="— Chọn đơn vị hoặc cán bộ —")  # type: ignore[attr-defined]
        self.fields["supports"].choices = targets.flat_choices()  # type: ignore[attr-defined]
        self.fields["informed"].choices = targets.flat_choices()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lead = data.get("lead")
        supports = set(data.get("supports") or [])
        informed = set(data.get("informed") or [])
        if lead and lead in supports:
            self.add_error("supports", "Đơn vị hoặc cán bộ chủ trì không đồng thời là phối hợp.")
        if lead and lead in informed:
            self.add_error("informed", "Đơn vị hoặc cán bộ chủ trì không đồng thời nhận để biết.")
        both = supports & informed
        if both:
            names = ", ".join(str(dict(self.targets.flat_choices())[k]) for k in sorted(both))
            self.add_error("informed", f"{names} đã được chọn phối hợp.")
        today = timezone.localdate()
        for name in ("deadline", "support_deadline"):
            value = data.get(name)
            if isinstance(value, date) and value < today:
                self.add_error(name, "Thời hạn đã qua; chọn một ngày từ hôm nay trở đi.")
        return data


class ForwardForm(ServiceErrorMixin, forms.Form):
    """A unit head passes an assignment on to an officer."""

    error_fields = {"target": "to_user", "deadline": "deadline"}

    to_user = PersonChoiceField(
        label="Chuyển cho cán bộ",
        queryset=User.objects.none(),
        empty_label="— Chọn cán bộ —",
        error_messages=_messages("cán bộ", choice=True),
    )
    direction = forms.CharField(
        label="Ý kiến", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    deadline = date_field("Thời hạn", help_text="Để trống: như thời hạn của phân công.")

    def __init__(self, *args: Any, people: Sequence[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["to_user"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = User.objects.filter(pk__in=[p.pk for p in people]).order_by("full_name", "pk")


class ProgressForm(ServiceErrorMixin, forms.Form):
    note = forms.CharField(
        label="Tiến độ giải quyết",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Vui lòng ghi nội dung tiến độ."},
    )


class CompleteForm(ServiceErrorMixin, forms.Form):
    error_fields = {"reply_document": "reply_document"}

    note = forms.CharField(
        label="Kết quả giải quyết", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    reply_document = forms.ModelChoiceField(
        label="Văn bản trả lời (nếu có)",
        required=False,
        queryset=Document.objects.none(),
        empty_label="— Không có —",
        error_messages=_messages("văn bản trả lời", choice=True),
    )

    #: how many recent outgoing documents the reply list offers
    REPLY_CHOICES = 100

    def __init__(self, *args: Any, replies: QuerySet[Document], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["reply_document"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = replies
        recent = replies.order_by("-released_at", "-id")[: self.REPLY_CHOICES]
        field.choices = [("", "— Không có —"), *((d.pk, _reply_label(d)) for d in recent)]


def _reply_label(document: Document) -> str:
    day = f" ngày {document.issued_on:%d/%m/%Y}" if document.issued_on else ""
    return f"{document.doc_type} số {document.reference}{day}: {document.subject[:90]}"


class ChaseForm(forms.Form):
    message = forms.CharField(
        label="Nội dung đôn đốc",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Để trống: “Đề nghị khẩn trương giải quyết và báo cáo kết quả.”",
    )


# ---------------------------------------------------------------------------- outgoing


class OutgoingDraftForm(ServiceErrorMixin, forms.Form):
    """Drafting (and editing) an outgoing document."""

    error_fields = {
        "recipients": "recipient_agencies",
        "upload": "uploads",
        "incomplete": "__all__",
    }

    doc_type = forms.ChoiceField(
        label="Tên loại văn bản", choices=(), error_messages=_messages("tên loại", choice=True)
    )
    subject = forms.CharField(
        label="Trích yếu nội dung",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages=_messages("trích yếu nội dung"),
    )
    body = forms.CharField(
        label="Nội dung",
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="Gõ nội dung văn bản, hoặc tải lên tệp dự thảo DOCX/PDF ở dưới. "
        "Mỗi đoạn một dòng; dòng bắt đầu bằng “1.”, “a)” là mục, điểm.",
    )
    uploads = MultipleFileField(
        label="Tệp dự thảo (DOCX hoặc PDF)",
        required=False,
        help_text="Có thể chọn nhiều tệp; tệp đầu tiên là tệp văn bản chính, các tệp sau là phụ lục.",
    )
    drafting_unit = UnitChoiceField(
        label="Đơn vị soạn thảo",
        required=False,
        queryset=Unit.objects.none(),
        empty_label="— Chọn đơn vị —",
        help_text="Công văn ghi ký hiệu theo đơn vị soạn thảo (ví dụ UBND-VP).",
        error_messages=_messages("đơn vị soạn thảo", choice=True),
    )
    recipient_agencies = forms.ModelMultipleChoiceField(
        label="Nơi nhận trên nền tảng",
        required=False,
        queryset=Agency.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text="Các cơ quan này nhận văn bản ngay khi phát hành.",
        error_messages={"invalid_choice": INVALID_CHOICE, "invalid_pk_value": INVALID_CHOICE},
    )
    recipients_text = forms.CharField(
        label="Nơi nhận khác (ngoài nền tảng)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Mỗi dòng một nơi nhận, ví dụ: Bộ Nội vụ.",
    )
    urgency = forms.TypedChoiceField(label="Độ khẩn", choices=(), coerce=int, initial=Urgency.NORMAL)
    secrecy = forms.TypedChoiceField(
        label="Độ mật",
        choices=Secrecy.choices,
        coerce=int,
        initial=Secrecy.NONE,
        help_text="Văn bản mật không gửi qua mạng: nơi nhận nhận bản giấy.",
    )
    signer = PersonChoiceField(
        label="Người ký",
        required=False,
        queryset=User.objects.none(),
        empty_label="— Chọn người ký —",
        error_messages=_messages("người ký", choice=True),
    )
    signer_authority = forms.ChoiceField(
        label="Thẩm quyền ký", required=False, choices=SignerAuthority.choices
    )
    archive_line = forms.CharField(
        label="Dòng lưu", required=False, max_length=100, help_text="Ví dụ: VT, VP (in sau “- Lưu:”)."
    )
    due_date = date_field("Hạn trả lời (nếu có)")

    SERVICE_FIELDS = (
        "doc_type",
        "subject",
        "body",
        "drafting_unit",
        "recipient_agencies",
        "recipients_text",
        "urgency",
        "secrecy",
        "signer",
        "signer_authority",
        "archive_line",
        "due_date",
    )

    def __init__(
        self,
        *args: Any,
        owner: Agency,
        signers: Sequence[User],
        units: QuerySet[Unit],
        recipients: QuerySet[Agency],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.owner = owner
        self.fields["doc_type"].choices = _type_choices(ADMINISTRATIVE_TYPES, blank="— Chọn tên loại —")  # type: ignore[attr-defined]
        self.fields["doc_type"].widget.attrs["autofocus"] = True
        self.fields["urgency"].choices = urgency_choices()  # type: ignore[attr-defined]
        signer = self.fields["signer"]
        assert isinstance(signer, forms.ModelChoiceField)
        signer.queryset = User.objects.filter(pk__in=[s.pk for s in signers]).order_by("full_name", "pk")
        unit = self.fields["drafting_unit"]
        assert isinstance(unit, forms.ModelChoiceField)
        unit.queryset = units
        agencies = self.fields["recipient_agencies"]
        assert isinstance(agencies, forms.ModelMultipleChoiceField)
        agencies.queryset = recipients
        self.files_were_sent = bool(self.files.getlist("uploads")) if self.is_bound else False

    def clean_uploads(self) -> list[UploadedFile]:
        uploads: list[UploadedFile] = self.cleaned_data.get("uploads") or []
        problems = []
        for upload in uploads:
            try:
                prepared = validate_upload(upload)
            except UploadError as error:
                problems.append(error.message)
                continue
            if prepared.format not in ("PDF", "DOCX"):
                problems.append(f"Tệp «{prepared.name}»: dự thảo chỉ nhận tệp DOCX hoặc PDF.")
        if problems:
            raise forms.ValidationError(problems)
        return uploads

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors and self.files_were_sent:
            self.add_error("uploads", RESELECT_FILES)
        return data

    def service_data(self) -> dict[str, Any]:
        data = {name: self.cleaned_data.get(name) for name in self.SERVICE_FIELDS}
        for name in ("body", "recipients_text", "signer_authority", "archive_line"):
            data[name] = data[name] or ""
        data["recipient_agencies"] = list(data["recipient_agencies"] or [])
        return data


class CommentForm(forms.Form):
    text = forms.CharField(
        label="Ý kiến góp ý",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Vui lòng nhập ý kiến."},
    )


class DecisionForm(forms.Form):
    """Reviewing or signing: approve, or send back with a reason."""

    decision = forms.ChoiceField(
        label="Quyết định",
        choices=[("duyet", "Đồng ý"), ("tra_lai", "Trả lại người soạn thảo")],
        widget=forms.RadioSelect,
        initial="duyet",
        error_messages=_messages("quyết định", choice=True),
    )
    note = forms.CharField(
        label="Ý kiến",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Bắt buộc khi trả lại.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "tra_lai" and not (data.get("note") or "").strip():
            self.add_error("note", "Vui lòng nêu lý do trả lại.")
        return data

    @property
    def approve(self) -> bool:
        return bool(self.cleaned_data.get("decision") == "duyet")


class ReleaseForm(ServiceErrorMixin, forms.Form):
    error_fields = {"released_on": "released_on"}

    released_on = date_field("Ngày ban hành", help_text="Để trống: hôm nay.")


# ---------------------------------------------------------------------------- registers


class RegisterForm(forms.Form):
    KINDS = [
        ("di", "Sổ đăng ký văn bản đi"),
        ("den", "Sổ đăng ký văn bản đến"),
        ("giai-quyet", "Sổ theo dõi giải quyết văn bản đến"),
    ]
    so = forms.ChoiceField(
        label="Sổ", choices=KINDS, initial="den", error_messages=_messages("sổ", choice=True)
    )
    nam = forms.TypedChoiceField(
        label="Năm", choices=(), coerce=int, error_messages=_messages("năm", choice=True)
    )
    co_quan = forms.ModelChoiceField(
        label="Cơ quan", queryset=Agency.objects.none(), error_messages=_messages("cơ quan", choice=True)
    )

    def __init__(self, *args: Any, agencies: QuerySet[Agency], years: Sequence[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["nam"].choices = [(y, str(y)) for y in years]  # type: ignore[attr-defined]
        field = self.fields["co_quan"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = agencies
        if agencies.count() == 1:
            field.widget = forms.HiddenInput()
