"""The inbox (hộp thư), mounted at /hop-thu/."""

from django.urls import path

from congso.notify import views

app_name = "notify"
urlpatterns = [
    path("", views.inbox_view, name="inbox"),
    path("da-doc/", views.mark_all_read_view, name="mark_all_read"),
    path("<int:pk>/", views.open_view, name="open"),
    path("<int:pk>/da-doc/", views.mark_read_view, name="mark_read"),
]
