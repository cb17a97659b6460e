from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class OpendataConfig(AppConfig):
    name = "congso.opendata"
    label = "opendata"

    def ready(self) -> None:
        # Each app registers the datasets it publishes in its own ``opendata.py``.
        autodiscover_modules("opendata")
        # Requests refused by core's middleware before any view get CKAN's envelope under the API
        # (imported here: the views need the models loaded).
        from congso.core.middleware import register_error_body
        from congso.opendata.ckan.views import refused_request_body

        register_error_body("/opendata/api/", refused_request_body)
