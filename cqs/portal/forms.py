"""Forms of the citizen portal: plain Vietnamese labels and hints, one question per field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django_stubs_ext import StrPromise

from cqs.accounts.forms import ThrottledLoginMixin
from cqs.core.text import nfc
from cqs.org.models import Agency
from cqs.portal.selectors import citizen_username, is_citizen
from cqs.portal.services.accounts import ProfileData
from cqs.portal.sms import normalise_phone
from cqs.portal.validators import validate_id_number, validate_mobile


def _required(label: str) -> dict[str, str]:
    return {"required": f"Vui lòng nhập {label}."}


def split_login(raw: str) -> tuple[str, str]:
    """A login typed as phone or email → (phone, email), one of them empty."""
    value = raw.strip()
    if "@" in value:
        try:
            validate_email(value)
        except ValidationError:
            raise ValidationError(
                "Thư điện tử chưa đúng định dạng, ví dụ ten@gmail.com.", code="email_format"
            ) from None
        return "", value.lower()
    phone = normalise_phone(value)
    if phone is None:
        raise ValidationError(
            "Nhập số điện thoại di động (10 chữ số, ví dụ 0912 345 678) "
            "hoặc thư điện tử (ví dụ ten@gmail.com).",
            code="login_format",
        )
    return phone, ""


class CitizenLoginForm(ThrottledLoginMixin, AuthenticationForm):
    """Phone or email and password; refuses staff accounts (they log in on the staff page)."""

    error_messages: dict[str, str | StrPromise] = {
        "invalid_login": (
            "Số điện thoại/thư điện tử hoặc mật khẩu không đúng. "
            "Lưu ý: mật khẩu phân biệt chữ hoa, chữ thường."
        ),
        "inactive": "Tài khoản này đã bị khóa.",
        "staff_account": (
            "Đây là tài khoản cán bộ, không dùng được trên Cổng dịch vụ công. "
            "Vui lòng đăng nhập tại trang dành cho cán bộ."
        ),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Số điện thoại di động hoặc thư điện tử"
        self.fields["username"].error_messages = dict(_required("số điện thoại hoặc thư điện tử"))
        self.fields["password"].label = "Mật khẩu"
        self.fields["password"].error_messages = dict(_required("mật khẩu"))
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "username", "inputmode": "email", "autofocus": True}
        )
        self.fields["password"].widget.attrs.update({"autocomplete": "current-password"})

    def clean_username(self) -> str:
        return citizen_username(str(self.cleaned_data.get("username", "")))

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if not is_citizen(user):
            raise ValidationError(self.error_messages["staff_account"], code="staff_account")


class PasswordField(forms.CharField):
    def __init__(self, label: str, autocomplete: str = "new-password", **kwargs: Any) -> None:
        super().__init__(
            label=label,
            strip=False,
            widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
            error_messages=_required(label.lower()),
            **kwargs,
        )


class ProfileFieldsMixin(forms.Form):
    full_name = forms.CharField(
        label="Họ và tên",
        max_length=100,
        help_text="Như trên thẻ căn cước.",
        error_messages=_required("họ và tên"),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    id_number = forms.CharField(
        label="Số định danh cá nhân (số căn cước)",
        max_length=20,
        required=False,
        help_text="12 chữ số trên thẻ căn cước, ví dụ 036095001234.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    address = forms.CharField(
        label="Địa chỉ thường trú",
        max_length=300,
        required=False,
        help_text="Số nhà, thôn/tổ dân phố, xã/phường, tỉnh/thành phố.",
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )

    def clean_full_name(self) -> str:
        name = " ".join(nfc(self.cleaned_data["full_name"]).split())
        if len(name) < 2 or any(ch.isdigit() for ch in name):
            raise ValidationError("Họ và tên chỉ gồm chữ cái, ví dụ Nguyễn Văn An.", code="name_format")
        return name

    def clean_id_number(self) -> str:
        raw = str(self.cleaned_data.get("id_number", "")).strip()
        return validate_id_number(raw) if raw else ""


class RegisterForm(ProfileFieldsMixin):
    login = forms.CharField(
        label="Số điện thoại di động hoặc thư điện tử",
        max_length=254,
        help_text="Dùng để đăng nhập và nhận thông báo về hồ sơ.",
        error_messages=_required("số điện thoại hoặc thư điện tử"),
        widget=forms.TextInput(attrs={"autocomplete": "username", "inputmode": "email"}),
    )
    password1 = PasswordField("Mật khẩu", help_text="Ít nhất 10 ký tự, có chữ thường, chữ hoa và chữ số.")
    password2 = PasswordField("Nhập lại mật khẩu")

    field_order = ["full_name", "login", "password1", "password2", "id_number", "address"]

    def clean_login(self) -> tuple[str, str]:
        return split_login(self.cleaned_data["login"])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error(
                "password2", ValidationError("Hai lần nhập mật khẩu không giống nhau.", code="mismatch")
            )
        return cleaned

    def profile_data(self) -> ProfileData:
        phone, email = self.cleaned_data["login"]
        return ProfileData(
            full_name=self.cleaned_data["full_name"],
            id_number=self.cleaned_data["id_number"],
            phone=phone,
            email=email,
            address=self.cleaned_data["address"],
        )


class ProfileForm(ProfileFieldsMixin):
    phone = forms.CharField(
        label="Số điện thoại di động",
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    email = forms.EmailField(
        label="Thư điện tử",
        required=False,
        error_messages={"invalid": "Thư điện tử chưa đúng định dạng, ví dụ ten@gmail.com."},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    notify_email = forms.BooleanField(label="Gửi thông báo về hồ sơ qua thư điện tử", required=False)
    notify_sms = forms.BooleanField(label="Gửi thông báo về hồ sơ qua tin nhắn SMS", required=False)

    field_order = ["full_name", "id_number", "phone", "email", "address", "notify_email", "notify_sms"]

    def clean_phone(self) -> str:
        raw = str(self.cleaned_data.get("phone", "")).strip()
        return validate_mobile(raw) if raw else ""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors and not cleaned.get("phone") and not cleaned.get("email"):
            raise ValidationError(
                "Cần ít nhất số điện thoại di động hoặc thư điện tử để đăng nhập.", code="no_login"
            )
        return cleaned

    def profile_data(self) -> ProfileData:
        data = self.cleaned_data
        return ProfileData(
            full_name=data["full_name"],
            id_number=data["id_number"],
            phone=data["phone"],
            email=(data["email"] or "").lower(),
            address=data["address"],
            notify_email=data["notify_email"],
            notify_sms=data["notify_sms"],
        )


class DetailsForm(forms.Form):
    """Applicant details and where to file, pre-filled from the profile."""

    agency: forms.ModelChoiceField[Agency] = forms.ModelChoiceField(
        label="Nơi nộp hồ sơ",
        queryset=Agency.objects.none(),
        empty_label="— Chọn cơ quan —",
        error_messages={
            "required": "Vui lòng chọn nơi nộp hồ sơ.",
            "invalid_choice": "Vui lòng chọn nơi nộp hồ sơ trong danh sách.",
        },
    )
    applicant_name = forms.CharField(
        label="Họ và tên người nộp", max_length=100, error_messages=_required("họ và tên người nộp")
    )
    applicant_id_number = forms.CharField(
        label="Số định danh cá nhân (số căn cước)",
        max_length=20,
        help_text="12 chữ số trên thẻ căn cước, ví dụ 036095001234.",
        error_messages=_required("số định danh cá nhân"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    applicant_phone = forms.CharField(
        label="Số điện thoại di động",
        max_length=20,
        required=False,
        help_text="Để cán bộ liên hệ khi cần.",
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    applicant_email = forms.EmailField(
        label="Thư điện tử",
        required=False,
        error_messages={"invalid": "Thư điện tử chưa đúng định dạng, ví dụ ten@gmail.com."},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    applicant_address = forms.CharField(
        label="Địa chỉ thường trú",
        max_length=300,
        error_messages=_required("địa chỉ"),
        help_text="Số nhà, thôn/tổ dân phố, xã/phường, tỉnh/thành phố.",
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )

    def __init__(self, *args: Any, agencies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["agency"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = agencies

    def clean_applicant_name(self) -> str:
        name = " ".join(nfc(self.cleaned_data["applicant_name"]).split())
        if any(ch.isdigit() for ch in name):
            raise ValidationError("Họ và tên chỉ gồm chữ cái, ví dụ Nguyễn Văn An.", code="name_format")
        return name

    def clean_applicant_id_number(self) -> str:
        return validate_id_number(str(self.cleaned_data["applicant_id_number"]))

    def clean_applicant_phone(self) -> str:
        raw = str(self.cleaned_data.get("applicant_phone", "")).strip()
        return validate_mobile(raw) if raw else ""


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Chọn tệp",
        error_messages={
            "required": "Vui lòng chọn tệp để tải lên.",
            "empty": "Tệp đã chọn rỗng (0 byte). Vui lòng chọn lại tệp khác.",
            "invalid": "Không đọc được tệp đã gửi. Vui lòng chọn lại.",
        },
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}
        ),
    )


class SupplementNoteForm(forms.Form):
    note = forms.CharField(
        label="Nội dung bổ sung",
        required=False,
        max_length=2000,
        help_text="Ghi ngắn gọn những gì bạn đã bổ sung hoặc giải thích thêm cho cán bộ.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label="Bạn đánh giá thế nào về việc giải quyết hồ sơ này?",
        coerce=int,
        choices=[(4, "Rất hài lòng"), (3, "Hài lòng"), (2, "Chưa hài lòng"), (1, "Không hài lòng")],
        widget=forms.RadioSelect,
        error_messages={"required": "Vui lòng chọn một mức đánh giá."},
    )
    comment = forms.CharField(
        label="Góp ý của bạn",
        required=False,
        max_length=2000,
        help_text="Điều gì làm bạn hài lòng hoặc chưa hài lòng? Góp ý giúp cơ quan phục vụ tốt hơn.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
