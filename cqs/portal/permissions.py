"""Gates of the citizen portal. A citizen sees only their own drafts and dossiers; anything
else answers 404, so nobody learns that someone else's dossier exists. Staff accounts do not
use the citizen pages (they have the back office)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponseBase
from django.urls import reverse

from cqs.onestop.models import Dossier
from cqs.portal.models import DraftApplication
from cqs.portal.selectors import is_citizen

NOT_FOUND = "Không tìm thấy hồ sơ, hoặc hồ sơ không thuộc tài khoản của bạn."
STAFF_REFUSED = (
    "Bạn đang đăng nhập bằng tài khoản cán bộ. Các trang nộp và theo dõi hồ sơ của Cổng dịch vụ "
    "công chỉ dành cho tài khoản công dân; hãy đăng xuất rồi đăng nhập bằng tài khoản công dân."
)

V = TypeVar("V", bound=Callable[..., HttpResponseBase])


def citizen_required(view: V) -> V:
    """Anonymous visitors go to the portal's login page; staff accounts are refused."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("portal:login"))
        if not is_citizen(request.user):
            from cqs.portal.views.common import render

            return render(request, "portal/staff_refused.html", {"message": STAFF_REFUSED}, status=403)
        return view(request, *args, **kwargs)

    return wrapped  # type: ignore[return-value]


def access_draft(user: Any, draft_id: int, *, purpose: str | None = None) -> DraftApplication:
    """The citizen's own draft that has not been sent yet."""
    qs = DraftApplication.objects.select_related("version__procedure", "agency", "dossier").filter(
        pk=draft_id, owner_id=getattr(user, "pk", None), sent_at__isnull=True
    )
    if purpose is not None:
        qs = qs.filter(purpose=purpose)
    draft = qs.first()
    if draft is None:
        raise Http404(NOT_FOUND)
    return draft


def access_own_dossier(user: Any, code: str) -> Dossier:
    """The citizen's own dossier by its code."""
    dossier = (
        Dossier.objects.select_related("version__procedure", "agency", "receiving_agency")
        .filter(code=code, owner_id=getattr(user, "pk", None))
        .first()
    )
    if dossier is None or not is_citizen(user):
        raise Http404(NOT_FOUND)
    return dossier
