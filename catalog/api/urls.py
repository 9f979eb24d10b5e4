"""REST endpoints of this chapter (mounted under /api/v1/)."""

from catalog.api import public

urlpatterns: list = [*public.urlpatterns]
