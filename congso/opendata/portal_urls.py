"""The open-data portal, mounted at /opendata/ (namespace ``opendata``); no login needed.

The DCAT documents (``dataset/<name>.jsonld`` …) live in ``dcat_urls`` on the same prefix: their
paths end in a suffix, these in a slash, so they never meet.
"""

from django.urls import path

from congso.opendata import views

app_name = "opendata"

urlpatterns = [
    path("", views.search, name="search"),
    path("dataset/<slug:name>/", views.dataset, name="dataset"),
    path("dataset/<slug:name>/resource/<uuid:resource_id>/", views.resource, name="resource"),
    path("dataset/<slug:name>/resource/<uuid:resource_id>/download/", views.download, name="download"),
    path(
        "dataset/<slug:name>/resource/<uuid:resource_id>/v<int:number>/download/",
        views.version_download,
        name="version_download",
    ),
    path("dataset/<slug:name>/resource/<uuid:resource_id>/export.<str:fmt>", views.export, name="export"),
]
