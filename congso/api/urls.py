"""The /api/v1/ NinjaAPI instance; each app contributes its router."""

from ninja import NinjaAPI

from congso.accounts.api import router as accounts_router
from congso.agencies.api import router as agencies_router
from congso.api.errors import install_error_handlers
from congso.core.api import router as core_router
from congso.dossiers.api import router as dossiers_router
from congso.geo.api import router as geo_router
from congso.notify.api import router as notify_router
from congso.procedures.api import router as procedures_router

api = NinjaAPI(
    title="Công Sở API",
    version="1",
    description='API của nền tảng Công Sở. Lỗi luôn có dạng {"error": {"code", "message", "fields"}}.',
    urls_namespace="api",
)
install_error_handlers(api)
api.add_router("/calendar/", core_router)
api.add_router("/geo/", geo_router)
api.add_router("/accounts/", accounts_router)
api.add_router("/agencies/", agencies_router)
api.add_router("/procedures/", procedures_router)
api.add_router("/notifications/", notify_router)
api.add_router("/dossiers/", dossiers_router)
