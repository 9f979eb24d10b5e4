"""Seller-center pages of shops (mounted under /seller/)."""

from django.urls import path

from shops import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
]
