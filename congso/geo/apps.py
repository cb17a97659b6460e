from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "congso.geo"
    label = "geo"
