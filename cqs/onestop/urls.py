"""URLs of Một cửa điện tử, mounted at /mot-cua/ (Vietnamese paths, English names)."""

from django.urls import URLPattern, URLResolver, path

from cqs.onestop import views

app_name = "onestop"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("tiep-nhan/", views.receive, name="receive"),
    path("ho-so/<int:pk>/", views.detail, name="detail"),
    path("ho-so/<int:pk>/thao-tac/<slug:action>/", views.act, name="act"),
    path("ho-so/<int:pk>/mau-<str:form>.<str:ext>", views.form_file, name="form"),
    path("ho-so/<int:pk>/ket-qua.pdf", views.result_file, name="result"),
    path("ho-so/<int:pk>/thanh-phan/<int:component_id>.pdf", views.component_file, name="component"),
    path("so-theo-doi/", views.register, name="register"),
    path("thong-ke/", views.statistics, name="statistics"),
    path("thu-tuc/", views.catalogue, name="catalogue"),
    path("thu-tuc/<int:pk>/", views.procedure_detail, name="procedure"),
    path("thu-tuc/xuat-excel/", views.catalogue_export, name="catalogue_export"),
    path("thu-tuc/nhap-excel/", views.catalogue_import, name="catalogue_import"),
]
