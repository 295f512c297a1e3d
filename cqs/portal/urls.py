"""URLs of Cổng dịch vụ công, mounted at /dich-vu-cong/ (Vietnamese paths, English names)."""

from django.urls import URLPattern, URLResolver

app_name = "portal"
urlpatterns: list[URLPattern | URLResolver] = []
