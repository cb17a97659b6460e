"""URL map of the open-data ckan (filled in by its module)."""

urlpatterns: list = []
