from django.urls import path
from rest_framework.routers import SimpleRouter

from marketplace.accounts.api import views

router = SimpleRouter()
router.register("me/addresses", views.AddressViewSet, basename="address")
router.register("auth/tokens", views.ApiTokenViewSet, basename="tokens")

urlpatterns = [
    path("auth/signup/", views.signup, name="signup"),
    path("auth/token/", views.TokenView.as_view(), name="token"),
    path("me/", views.ProfileView.as_view(), name="profile"),
    *router.urls,
]
