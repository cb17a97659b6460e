from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "congso.accounts"
    label = "accounts"
