"""URL map of the open-data portal (filled in by its module)."""

urlpatterns: list = []
