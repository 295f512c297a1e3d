"""URLs of Theo dõi nhiệm vụ, mounted at /nhiem-vu/ (Vietnamese paths, English names)."""

from django.urls import URLPattern, URLResolver, path

from cqs.worklist import views

app_name = "worklist"
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.index, name="index"),
    path("da-giao/", views.assigned, name="assigned"),
    path("cua-co-quan/", views.agency, name="agency"),
    path("tong-hop/", views.board, name="board"),
    path("giao-moi/", views.assign, name="assign"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/tien-do/", views.progress, name="progress"),
    path("<int:pk>/xin-gia-han/", views.extension_request, name="extension_request"),
    path("<int:pk>/gia-han/", views.extension_decide, name="extension_decide"),
    path("<int:pk>/hoan-thanh/", views.mark_done, name="done"),
    path("<int:pk>/don-doc/", views.chase, name="chase"),
    path("<int:pk>/huy/", views.cancel, name="cancel"),
    path("<int:pk>/nhiem-vu-con/", views.split, name="split"),
    path("minh-chung/<int:pk>/", views.evidence, name="evidence"),
    path("ke-hoach/", views.plans, name="plans"),
    path("ke-hoach/<int:pk>/", views.plan_detail, name="plan"),
    path("ke-hoach/<int:pk>/xuat-excel/", views.plan_export, name="plan_export"),
]
