from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = _("Orders")

    def ready(self):
        # The guest's cart follows the buyer at login (accounts → orders: a receiver here, so
        # accounts never imports orders).
        from django.contrib.auth.signals import user_logged_in

        from orders.receivers import merge_cart_at_login

        user_logged_in.connect(merge_cart_at_login, dispatch_uid="orders.merge_cart_at_login")
        # Fulfilment: delivery comes up from logistics as an event; the beat task and the
        # carriers' admin with each shop's late-shipment rate (orders.fulfilment.receivers).
        from orders.fulfilment import receivers as fulfilment

        fulfilment.connect()

        # The money side (orders.finance): the ledger posts on order_paid / order_cancelled /
        # order_completed / payment_refunded, and its Celery tasks are registered.
        from orders.finance.services.ledger import connect

        connect()
