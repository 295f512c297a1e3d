from django.contrib import admin
from django.urls import include, path

from cqs.core import views as core_views

admin.site.site_header = "Chính quyền số — Quản trị hệ thống"
admin.site.site_title = "Chính quyền số"
admin.site.index_title = "Quản trị danh mục và người dùng"

urlpatterns = [
    path("", core_views.home, name="home"),
    path("tai-khoan/", include("cqs.accounts.urls")),
    path("to-chuc/", include("cqs.org.urls")),
    path("van-ban/", include("cqs.documents.urls")),
    path("quan-tri/", admin.site.urls),
]
