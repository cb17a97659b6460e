"""The CKAN Action API, mounted at ``/opendata/api/`` (namespace ``opendata_ckan``).

CKAN serves its actions at both ``/api/3/action/<name>`` and ``/api/action/<name>``; the ``ckanapi``
client calls the second, so both are here.
"""

from django.urls import path

from congso.opendata.ckan import views

app_name = "opendata_ckan"

urlpatterns = [
    path("3", views.api_version, name="version"),
    path("3/action/<str:name>", views.action, name="action"),
    path("action/<str:name>", views.action, name="action_unversioned"),
]
