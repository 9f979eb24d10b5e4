"""Settings for the test suite: the same real PostgreSQL and Redis, faster hashing, eager Celery.

Most tests run Celery tasks eagerly (the task's own code, through `delay()` and on_commit);
tests/test_celery_worker.py starts a real worker process against the real broker.
"""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
CACHES["default"]["KEY_PREFIX"] = env("CACHE_KEY_PREFIX", default="mp-test")  # noqa: F405
REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] = []  # noqa: F405
# Views with throttles of their own keep them; sign-up's must not stop a test that signs up often.
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["signup"] = "1000/hour"  # noqa: F405


# Each pytest-xdist worker gets its own Redis database for the cache, so clearing it between tests
# never touches another worker's keys or the Celery broker's queues.
_worker = env("PYTEST_XDIST_WORKER", default="gw0")
TEST_CACHE_REDIS_URL = redis_db_url(REDIS_URL, 10 + int(_worker.removeprefix("gw") or 0) % 6)  # noqa: F405
CACHES["default"]["LOCATION"] = TEST_CACHE_REDIS_URL  # noqa: F405
