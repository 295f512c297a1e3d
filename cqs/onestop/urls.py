"""URLs of Một cửa điện tử, mounted at /mot-cua/ (Vietnamese paths, English names)."""

from django.urls import URLPattern, URLResolver

app_name = "onestop"
urlpatterns: list[URLPattern | URLResolver] = []
