from django.urls import path

from cqs.org import views

app_name = "org"
urlpatterns = [
    path("", views.agency_tree, name="agency_tree"),
]
