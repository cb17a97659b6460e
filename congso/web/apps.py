from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "congso.web"
    label = "web"
