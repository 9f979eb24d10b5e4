from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LogisticsConfig(AppConfig):
    name = "logistics"
    verbose_name = _("Logistics")

    def ready(self):
        from logistics.services import defaults
        from shops import events as shop_events

        # A new shop starts with the platform's default carriers and a standard template.
        shop_events.shop_opened.subscribe(defaults.give_new_shop_defaults)
