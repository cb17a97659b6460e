"""URL map of the open-data backoffice (filled in by its module)."""

urlpatterns: list = []
