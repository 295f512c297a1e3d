from django.urls import path

from cqs.org import views

app_name = "org"
urlpatterns = [
    path("", views.agency_tree, name="agency_tree"),
    path("co-quan/<int:agency_id>/", views.agency_detail, name="agency_detail"),
    path("don-vi/<int:unit_id>/", views.unit_detail, name="unit_detail"),
    path("chuc-vu/<int:position_id>/", views.position_detail, name="position_detail"),
]
