"""The site's URLconf plus uploaded media, for browser tests (the live server runs with
DEBUG=False, so marketplace/urls.py does not serve MEDIA_ROOT; logos must show in screenshots)."""

from django.conf import settings
from django.urls import re_path
from django.views.static import serve

from marketplace.urls import handler403, handler404, handler500, urlpatterns  # noqa: F401


def media(request, path):
    return serve(request, path, document_root=settings.MEDIA_ROOT)


urlpatterns = [re_path(r"^media/(?P<path>.*)$", media), *urlpatterns]
