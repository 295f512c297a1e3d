from django.contrib import admin
from django.urls import include, path

from config.api import api
from cqs.core import views as core_views

admin.site.site_header = "Chính quyền số — Quản trị hệ thống"
admin.site.site_title = "Chính quyền số"
admin.site.index_title = "Quản trị danh mục và người dùng"

urlpatterns = [
    path("", core_views.home, name="home"),
    path("tai-khoan/", include("cqs.accounts.urls")),
    path("to-chuc/", include("cqs.org.urls")),
    path("van-ban/", include("cqs.documents.urls")),
    path("mot-cua/", include("cqs.onestop.urls")),
    path("dich-vu-cong/", include("cqs.portal.urls")),
    path("nhiem-vu/", include("cqs.worklist.urls")),
    path("bao-cao/", include("cqs.reporting.urls")),
    path("api/", api.urls),
    path("quan-tri/", admin.site.urls),
]
