"""The last line when Redis is down: a clear 503, never a 500.

The cache degrades by itself (`marketplace.core.cache`), throttles count in the process
(`marketplace.core.throttling`) and tasks wait in the database (`marketplace.core.outbox`), so
nothing in the project needs Redis to answer a request today. Should some code ever talk to Redis
or the broker directly and find it down, this middleware turns the error into a 503 with a
`Retry-After`: the API's one error shape (`service_unavailable`), or a friendly page.
"""

from __future__ import annotations

import logging

from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError
from redis import exceptions as redis_errors

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
# Redis and the broker unreachable; not OSError at large, which a missing file raises too.
REDIS_UNAVAILABLE = (OperationalError, redis_errors.ConnectionError, redis_errors.TimeoutError)


class RedisOutageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, REDIS_UNAVAILABLE):
            return None
        log.error("Redis unavailable during %s %s", request.method, request.path, exc_info=True)
        if request.path.startswith("/api/"):
            message = _("This service is briefly unavailable. Please try again in a minute.")
            body = {"error": {"code": "service_unavailable", "message": message, "fields": {}}}
            response = JsonResponse(body, status=503)
        else:
            page = loader.get_template("errors/503.html").render({}, request)
            response = HttpResponse(page, status=503)
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
