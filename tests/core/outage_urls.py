"""The project's URLs plus a view that talks to Redis itself, for the 503 test."""

from django.urls import path

from marketplace.urls import urlpatterns as project_urlpatterns


def needs_redis(request):
    from django.conf import settings
    from redis import Redis

    Redis.from_url(settings.CACHES["default"]["LOCATION"], socket_connect_timeout=1).ping()
    raise AssertionError("the test stops Redis first")


urlpatterns = [
    path("api/v1/needs-redis/", needs_redis),
    path("needs-redis/", needs_redis),
    *project_urlpatterns,
]
