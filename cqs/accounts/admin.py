from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from cqs.accounts.forms import AdminLoginForm
from cqs.accounts.models import User

admin.site.login_form = AdminLoginForm


@admin.register(User)
class UserAdmin(BaseUserAdmin[User]):
    list_display = ("username", "full_name", "email", "is_active", "is_staff")
    search_fields = ("username", "full_name", "email")
    fieldsets = (
        *(BaseUserAdmin.fieldsets or ()),
        ("Thông tin cán bộ", {"fields": ("full_name", "phone")}),
    )
