"""REST endpoints of this chapter (mounted under /api/v1/)."""

urlpatterns: list = []
