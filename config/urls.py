"""Top-level URL map: citizen site, back office, API, admin and health check."""

from django.conf import settings
from django.conf.urls.static import static
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from congso.api.urls import api
from congso.core.admin_site import admin_site
from congso.core.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("api/v1/", api.urls),
    path("admin/", admin_site.urls),
    path("accounts/", include("congso.accounts.urls")),
    path("procedures/", include("congso.procedures.urls")),
    path("backoffice/agencies/", include("congso.agencies.urls")),
    path("backoffice/dossiers/", include("congso.dossiers.backoffice_urls")),
    path("hop-thu/", include("congso.notify.urls")),
    path("opendata/api/", include("congso.opendata.ckan_urls")),
    path("opendata/", include("congso.opendata.dcat_urls")),
    path("opendata/", include("congso.opendata.portal_urls")),
    path("backoffice/opendata/", include("congso.opendata.backoffice_urls")),
    path("", include("congso.dossiers.urls")),
    path("", include("congso.web.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
