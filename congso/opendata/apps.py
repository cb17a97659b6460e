from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class OpendataConfig(AppConfig):
    name = "congso.opendata"
    label = "opendata"

    def ready(self) -> None:
        # Each app registers the datasets it publishes in its own ``opendata.py``.
        autodiscover_modules("opendata")
