"""The production URL map plus the benchmark's reference views (bench settings only).

- ``/bench/floor``: the cheapest Django response, the middleware stack and nothing else;
- ``/bench/ceiling``: what any submission pays before its own work: the API layer, the bearer-token lookup and
  the parsing of the same multipart body, answering 201 without writing anything. No submission can be faster.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import path
from ninja import NinjaAPI

from config.urls import urlpatterns as production_urlpatterns
from congso.accounts.auth import ApiTokenAuth


def floor(request: HttpRequest) -> HttpResponse:
    """The cheapest Django response: the middleware stack and nothing else."""
    return HttpResponse(b"ok\n", content_type="text/plain")


reference = NinjaAPI(urls_namespace="bench", docs_url=None, openapi_url=None)


@reference.post("/ceiling", auth=ApiTokenAuth(), response={201: dict})
def ceiling(request: HttpRequest) -> tuple[int, dict]:
    """Authenticate, parse the multipart body and read its files, write nothing."""
    size = sum(len(upload.read()) for upload in request.FILES.values())
    return 201, {"fields": len(request.POST), "bytes": size, "user": request.auth.pk}


urlpatterns = [
    path("bench/floor", floor, name="bench_floor"),
    path("bench/", reference.urls),
    *production_urlpatterns,
]
