"""The open-data catalog as DCAT-AP (namespace ``opendata_dcat``), mounted at /opendata/.

Paths end in a format suffix (``.jsonld``, ``.ttl``), so they never meet the portal's pages,
which end in a slash.
"""

from django.urls import re_path

from congso.opendata import dcat

app_name = "opendata_dcat"

urlpatterns = [
    re_path(r"^catalog\.(?P<fmt>jsonld|ttl)\Z", dcat.catalog_view, name="catalog"),
    re_path(r"^dataset/(?P<name>[-a-zA-Z0-9_]{1,100})\.(?P<fmt>jsonld|ttl)\Z", dcat.dataset_view, name="dataset"),
]
