"""URLs of Theo dõi nhiệm vụ, mounted at /nhiem-vu/ (Vietnamese paths, English names)."""

from django.urls import URLPattern, URLResolver

app_name = "worklist"
urlpatterns: list[URLPattern | URLResolver] = []
