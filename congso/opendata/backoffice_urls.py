"""Back office of open data, mounted at /backoffice/opendata/ (namespace ``backoffice_opendata``)."""

from django.urls import path

from congso.opendata import backoffice_views as views

app_name = "backoffice_opendata"

urlpatterns = [
    path("", views.dataset_list, name="list"),
    path("new/", views.dataset_create, name="create"),
    path("keys/", views.key_list, name="keys"),
    path("keys/new/", views.key_create, name="key_create"),
    path("keys/<int:pk>/revoke/", views.key_revoke, name="key_revoke"),
    path("<uuid:pk>/", views.dataset_detail, name="detail"),
    path("<uuid:pk>/edit/", views.dataset_edit, name="edit"),
    path("<uuid:pk>/publish/", views.dataset_publish, name="publish"),
    path("<uuid:pk>/withdraw/", views.dataset_withdraw, name="withdraw"),
    path("<uuid:pk>/resources/new/", views.resource_new, name="resource_new"),
    path("<uuid:pk>/resources/confirm/", views.upload_confirm, name="upload_confirm"),
    path("<uuid:pk>/resources/<uuid:resource_id>/", views.resource_detail, name="resource"),
    path("<uuid:pk>/resources/<uuid:resource_id>/version/", views.version_new, name="version_new"),
    path("<uuid:pk>/resources/<uuid:resource_id>/indexes/", views.index_add, name="index_add"),
    path("<uuid:pk>/resources/<uuid:resource_id>/indexes/remove/", views.index_remove, name="index_remove"),
    path("<uuid:pk>/grants/", views.grant_add, name="grant_add"),
    path("<uuid:pk>/grants/<int:agency_id>/remove/", views.grant_remove, name="grant_remove"),
]
