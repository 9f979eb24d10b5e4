"""The site's URLs plus the ceiling: a trivial Django view behind the same middleware."""

from django.http import HttpResponse
from django.urls import include, path


def ceiling(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/ceiling/", ceiling, name="bench-ceiling"),
    path("", include("marketplace.urls")),
]
