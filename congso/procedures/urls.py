"""Procedure catalog pages: /procedures/ (public) and /procedures/manage/ (back office)."""

from django.urls import path

from congso.procedures import views

app_name = "procedures"
urlpatterns = [
    path("", views.search, name="search"),
    path("manage/", views.manage_list, name="manage_list"),
    path("manage/<str:code>/", views.manage_edit, name="manage_edit"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/apply/", views.apply, name="apply"),
]
