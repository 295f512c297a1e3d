from __future__ import annotations

from django import forms


class TreeDateForm(forms.Form):
    """The date picker of the agency tree page (GET ?ngay=YYYY-MM-DD)."""

    ngay = forms.DateField(
        label="Cơ cấu tổ chức tại ngày",
        required=False,
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "invalid": "Ngày không hợp lệ. Hãy chọn ngày theo dạng năm-tháng-ngày, ví dụ 2025-07-01."
        },
    )
