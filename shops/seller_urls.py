"""Seller-center pages of shops (mounted under /seller/, all through shops.scoping)."""

from django.urls import path

from shops.views import seller as views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("switch-shop/", views.switch_shop, name="switch-shop"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read-all/", views.notification_read_all, name="notifications-read-all"),
    path(
        "notifications/<int:notification_id>/read/",
        views.notification_read,
        name="notification-read",
    ),
    # Opening a shop
    path("open-shop/", views.open_shop, name="open-shop"),
    path(
        "applications/<int:application_id>/",
        views.application_detail,
        name="application-detail",
    ),
    path(
        "applications/<int:application_id>/step/<slug:step>/",
        views.application_step,
        name="application-step",
    ),
    path(
        "applications/<int:application_id>/documents/<int:document_id>/",
        views.application_document,
        name="application-document",
    ),
    path(
        "applications/<int:application_id>/documents/<int:document_id>/delete/",
        views.application_document_delete,
        name="application-document-delete",
    ),
    path(
        "applications/<int:application_id>/withdraw/",
        views.application_withdraw,
        name="application-withdraw",
    ),
    path(
        "applications/<int:application_id>/stripe/",
        views.application_stripe,
        name="application-stripe",
    ),
    # The running shop
    path("shop/", views.shop_profile, name="shop-profile"),
    path("staff/", views.staff, name="staff"),
    path("staff/<int:membership_id>/role/", views.staff_role, name="staff-role"),
    path("staff/<int:membership_id>/remove/", views.staff_remove, name="staff-remove"),
    path(
        "staff/invitations/<int:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation-revoke",
    ),
    path("invitations/<str:token>/", views.accept_invitation, name="accept-invitation"),
    path("activity/", views.activity, name="activity"),
]
