"""URL map of the open-data dcat (filled in by its module)."""

urlpatterns: list = []
