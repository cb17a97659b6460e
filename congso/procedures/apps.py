from django.apps import AppConfig


class ProceduresConfig(AppConfig):
    name = "congso.procedures"
    label = "procedures"
