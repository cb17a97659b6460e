"""Citizen home page and back-office overview."""

from django.urls import path

from congso.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("backoffice/", views.backoffice, name="backoffice"),
]
