"""URLs of Hệ thống thông tin báo cáo, mounted at /bao-cao/ (Vietnamese paths, English names)."""

from django.urls import URLPattern, URLResolver

app_name = "reporting"
urlpatterns: list[URLPattern | URLResolver] = []
