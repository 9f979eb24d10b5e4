"""The carrier adapters a platform carrier can name (SPEC §4.5).

A `Carrier` row names one adapter: how the platform talks to that carrier (tracking by poll or
webhook, later label printing). `offline` is the simulated carrier used by the demo and the tests,
clearly labelled as such; the others are the real carriers' open APIs, configured here but usable
only once the platform has their credentials (environment variables named below).

Only the registry lives here for now; the tracking interface (poll, webhook, events) comes with
the fulfilment and tracking work of the logistics issue.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

OFFLINE = "offline"


@dataclass(frozen=True)
class AdapterInfo:
    name: str
    label: str | Promise
    simulated: bool = False
    credentials: tuple[str, ...] = ()  # environment variables the adapter needs

    @property
    def configured(self) -> bool:
        """Simulated adapters always are; real ones once every credential is set."""
        return self.simulated or all(os.environ.get(name) for name in self.credentials)


ADAPTERS: dict[str, AdapterInfo] = {
    adapter.name: adapter
    for adapter in (
        AdapterInfo(OFFLINE, _("Simulated carrier (offline: demo and tests only)"), simulated=True),
        AdapterInfo(
            "sf_express",
            _("SF Express open platform"),
            credentials=("SF_EXPRESS_PARTNER_ID", "SF_EXPRESS_CHECKWORD"),
        ),
        AdapterInfo(
            "zto", _("ZTO Express open platform"), credentials=("ZTO_APP_KEY", "ZTO_SECRET")
        ),
        AdapterInfo(
            "yto", _("YTO Express open platform"), credentials=("YTO_APP_KEY", "YTO_SECRET")
        ),
        AdapterInfo("ems", _("China Post EMS"), credentials=("EMS_APP_KEY", "EMS_SECRET")),
        AdapterInfo(
            "jd_logistics",
            _("JD Logistics open platform"),
            credentials=("JD_LOGISTICS_APP_KEY", "JD_LOGISTICS_SECRET"),
        ),
    )
}


def adapter_choices() -> list[tuple[str, str | Promise]]:
    return [(adapter.name, adapter.label) for adapter in ADAPTERS.values()]


def get_adapter_info(name: str) -> AdapterInfo:
    return ADAPTERS[name]
