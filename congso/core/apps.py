from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "congso.core"
    label = "core"
