"""The /api/v1/ NinjaAPI instance; each app contributes its router."""

from ninja import NinjaAPI

api = NinjaAPI(title="Công Sở API", version="1", urls_namespace="api")
