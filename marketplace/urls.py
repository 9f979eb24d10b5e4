"""Top-level URLs. Each chapter app contributes up to three URLconfs, mounted here:

- `<app>/urls.py`        storefront pages (buyers), at the site root
- `<app>/seller_urls.py` seller-center pages, under /seller/ (all go through shops.scoping)
- `<app>/api/urls.py`    REST endpoints, under /api/v1/
"""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from marketplace.core import views as core_views

CHAPTER_APPS = settings.CHAPTER_APPS  # lowest layer first

seller_patterns = [path("", include(f"{app}.seller_urls")) for app in CHAPTER_APPS]
api_patterns = [
    path("", include("marketplace.accounts.api.urls")),
    *[path("", include(f"{app}.api.urls")) for app in CHAPTER_APPS],
]
storefront_patterns = [path("", include(f"{app}.urls")) for app in CHAPTER_APPS]

urlpatterns = [
    path("", include("marketplace.core.urls")),
    path("accounts/", include("marketplace.accounts.urls")),
    path("seller/", include((seller_patterns, "seller"))),
    path("api/v1/", include((api_patterns, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/redoc/", SpectacularRedocView.as_view(url_name="api-schema"), name="api-redoc"),
    path("admin/", admin.site.urls),
    *storefront_patterns,
]

handler400 = "marketplace.core.views.bad_request"
handler403 = "marketplace.core.views.permission_denied"
handler404 = "marketplace.core.views.page_not_found"
handler500 = "marketplace.core.views.server_error"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

admin.site.site_header = core_views.ADMIN_SITE_HEADER
admin.site.site_title = core_views.ADMIN_SITE_HEADER
admin.site.index_title = core_views.ADMIN_INDEX_TITLE
