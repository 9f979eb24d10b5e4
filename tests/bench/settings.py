"""Settings of `make bench`: the production-like base settings (DEBUG off, cached templates,
persistent database connections), its own database (DATABASE_URL is set by tests.bench.run) and
its own Redis database for the cache, a trivial view for the ceiling, and a middleware that
reports each request's queries and server time in response headers."""

from marketplace.settings.base import *  # noqa: F403
from marketplace.settings.base import CACHES, MIDDLEWARE, REDIS_URL, redis_db_url

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "tests.bench.urls"
MIDDLEWARE = ["tests.bench.middleware.BenchHeadersMiddleware", *MIDDLEWARE]
CACHES["default"]["LOCATION"] = redis_db_url(REDIS_URL, 7)
CACHES["default"]["KEY_PREFIX"] = "bench"
# Static files are not what is measured: no manifest needed (no collectstatic).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"django.request": {"level": "ERROR"}},
}
