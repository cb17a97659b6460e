"""The production URL map plus ``/bench/floor``, the floor of the load benchmark (bench settings only)."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from config.urls import urlpatterns as production_urlpatterns


def floor(request: HttpRequest) -> HttpResponse:
    """The cheapest Django response: the middleware stack and nothing else."""
    return HttpResponse(b"ok\n", content_type="text/plain")


urlpatterns = [path("bench/floor", floor, name="bench_floor"), *production_urlpatterns]
