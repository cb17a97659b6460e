from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "congso.api"
    label = "api"
