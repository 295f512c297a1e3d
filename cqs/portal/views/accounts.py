"""Citizen accounts: register, log in and out, the profile. Separate from the staff login."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from cqs.core.errors import ApplicationError
from cqs.portal.forms import CitizenLoginForm, ProfileForm, RegisterForm
from cqs.portal.models import CitizenProfile
from cqs.portal.permissions import citizen_required
from cqs.portal.selectors import citizen_profile
from cqs.portal.services.accounts import citizen_profile_update, citizen_register
from cqs.portal.views.common import render


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("portal:my_dossiers")


class CitizenLoginView(auth_views.LoginView):
    template_name = "portal/login.html"
    authentication_form = CitizenLoginForm
    redirect_authenticated_user = False

    def get_default_redirect_url(self) -> str:
        return reverse("portal:my_dossiers")

    def get_context_data(self, **kwargs: object) -> dict[str, object]:
        context = super().get_context_data(**kwargs)
        context["citizen"] = citizen_profile(self.request.user)
        return context


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, "Bạn đã đăng xuất khỏi Cổng dịch vụ công.")
    return redirect("portal:home")


def register(request: HttpRequest) -> HttpResponse:
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = citizen_register(data=form.profile_data(), password=form.cleaned_data["password1"])
        except ApplicationError as error:
            form.add_error(None, error.message)
        except Exception as error:  # password validators raise django ValidationError
            from django.core.exceptions import ValidationError

            if not isinstance(error, ValidationError):
                raise
            form.add_error("password1", error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, "Đăng ký tài khoản thành công. Bạn đã có thể nộp hồ sơ trực tuyến.")
            return HttpResponseRedirect(_next_url(request))
    return render(request, "portal/register.html", {"form": form, "next": request.GET.get("next", "")})


@citizen_required
def profile(request: HttpRequest) -> HttpResponse:
    current = CitizenProfile.objects.get(user_id=int(request.user.pk or 0))
    initial = {
        name: getattr(current, name)
        for name in ("full_name", "id_number", "phone", "email", "address", "notify_email", "notify_sms")
    }
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            citizen_profile_update(actor=request.user, data=form.profile_data())
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Đã lưu thông tin tài khoản.")
            return redirect("portal:profile")
    return render(request, "portal/profile.html", {"form": form})
