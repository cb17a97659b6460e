"""Back-office URLs for dossiers, mounted at /backoffice/dossiers/ (namespace ``backoffice_dossiers``)."""

from django.urls import path

from congso.dossiers import backoffice_views as views

app_name = "backoffice_dossiers"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("export.csv", views.export_csv, name="export_csv"),
    path("export.xlsx", views.export_xlsx, name="export_xlsx"),
    path("intake/", views.intake, name="intake"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/messages/", views.message, name="message"),
    path("<int:pk>/<str:name>/", views.action, name="action"),
]
