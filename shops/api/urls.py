"""REST endpoints of shops (mounted under /api/v1/)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from shops.api import views

router = SimpleRouter()
router.register("seller/applications", views.ApplicationViewSet, basename="shop-application")
router.register("seller/staff", views.StaffViewSet, basename="shop-staff")
router.register("seller/invitations", views.InvitationViewSet, basename="shop-invitation")
router.register("shops", views.PublicShopViewSet, basename="shop")

urlpatterns = [
    path("seller/shops/", views.MyShopsView.as_view(), name="my-shops"),
    path("seller/shop/", views.ShopProfileView.as_view(), name="shop-profile"),
    path("seller/roles/", views.RolesView.as_view(), name="shop-roles"),
    *router.urls,
]
