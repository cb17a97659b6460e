"""Citizen-facing dossier pages: my dossiers and what the applicant may do, public tracking, result verification."""

from django.urls import path

from congso.dossiers import views

app_name = "dossiers"

urlpatterns = [
    path("ho-so/", views.mine, name="mine"),
    path("ho-so/<int:pk>/", views.detail, name="detail"),
    path("ho-so/<int:pk>/trao-doi/", views.message_post, name="message"),
    path("ho-so/<int:pk>/bo-sung/", views.supplement, name="supplement"),
    path("ho-so/<int:pk>/rut/", views.withdraw, name="withdraw"),
    path("ho-so/<int:pk>/danh-gia/", views.rate, name="rate"),
    path("ho-so/<int:pk>/ket-qua/", views.result, name="result"),
    path("ho-so/<int:pk>/giay-tiep-nhan/", views.slip, name="slip"),
    path("ho-so/tep/<int:pk>/", views.file_download, name="file"),
    path("ho-so/nhap/<str:code>/", views.draft_autosave, name="draft_autosave"),
    path("tra-cuu/", views.track, name="track"),
    path("xac-thuc/<str:token>/", views.verify, name="verify"),
]
