"""The carrier adapters a platform carrier can name, and the tracking interface (SPEC §4.5).

A `Carrier` row names one adapter: how the platform talks to that carrier. `offline` is the
simulated carrier used by the demo and the tests, clearly labelled as such; the others are the
real carriers' open APIs, configured here but usable only once the platform has their
credentials (environment variables named below).

The tracking interface (`CarrierAdapter`):

- **webhook**: a carrier POSTs tracking reports to `/api/v1/logistics/webhooks/<adapter>/`, the
  body signed with HMAC-SHA256 under the adapter's secret, from the environment variable
  `LOGISTICS_WEBHOOK_SECRET_<ADAPTER>` (e.g. `LOGISTICS_WEBHOOK_SECRET_SF_EXPRESS`), sent as
  `X-Carrier-Signature: sha256=<hex digest of the raw body>`. `verify_webhook()` checks it,
  `parse_webhook()` reads the platform's report format (below) into `TrackingUpdate`s.
- **poll**: the beat job asks `poll(shipment, now=...)` for news on parcels that are due.

The report format every adapter reads (a real carrier's own format is mapped onto it by its
adapter; their HTTP clients come with their credentials):

    {"tracking_number": "SF1234567890", "carrier": "sf-express",   # carrier: optional code
     "events": [{"id": "evt-1", "status": "in_transit", "time": "2026-11-02T10:00:00+08:00",
                 "province": "330000", "location": "Hangzhou hub", "description": "…"}]}

`status` is one of picked_up, in_transit, out_for_delivery, delivered, exception; `id` makes a
replayed report a no-op (without one, the event's own values are its identity).

The simulated carrier (`offline`) answers polls by moving each parcel one step along
picked up → in transit → arrived in the destination province → out for delivery → delivered,
one step every `LOGISTICS_SIMULATION_STEP_MINUTES` (the beat job polls every minute). Tracking
numbers containing `EXC` meet an exception before the last mile; numbers containing `STALL` stop
moving after the first transit scan (to show the "no tracking update" alert). Its webhook secret
defaults to one derived from SECRET_KEY, so the demo and the tests can sign reports.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.dateparse import parse_datetime
from django.utils.functional import Promise
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from logistics.errors import ErrorCode, LogisticsError, WebhookRejected

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


# --- The tracking interface -----------------------------------------------------------------------
SIGNATURE_HEADER = "X-Carrier-Signature"
STATUSES = ("picked_up", "in_transit", "out_for_delivery", "delivered", "exception")
STATUS_ALIASES = {
    "collected": "picked_up",
    "accepted": "picked_up",
    "transit": "in_transit",
    "delivering": "out_for_delivery",
    "signed": "delivered",
    "problem": "exception",
    "failed_attempt": "exception",
}
MAX_EVENTS_PER_REPORT = 100


@dataclass(frozen=True)
class TrackingUpdate:
    """One thing a carrier said about a parcel."""

    status: str
    occurred_at: datetime
    external_id: str
    region: str = ""  # a province code, when the carrier names one
    location: str = ""
    description: str = ""


@dataclass(frozen=True)
class TrackingReport:
    """A webhook delivery: updates on one parcel."""

    tracking_number: str
    carrier_code: str = ""
    updates: tuple[TrackingUpdate, ...] = field(default_factory=tuple)


def _bad_event(message) -> LogisticsError:
    return LogisticsError(message, code=ErrorCode.BAD_EVENT)


def webhook_secret_variable(name: str) -> str:
    return "LOGISTICS_WEBHOOK_SECRET_" + name.upper().replace("-", "_")


class CarrierAdapter:
    """How the platform hears from one carrier. Subclasses override `poll` (and, for a carrier
    whose reports differ from the platform's format, `parse_webhook`)."""

    supports_poll = False

    def __init__(self, info: AdapterInfo):
        self.info = info

    @property
    def name(self) -> str:
        return self.info.name

    # Webhooks
    def webhook_secret(self) -> str:
        return os.environ.get(webhook_secret_variable(self.name), "")

    def sign(self, body: bytes) -> str:
        """The `X-Carrier-Signature` value for `body` (what the carrier sends)."""
        secret = self.webhook_secret()
        if not secret:
            raise WebhookRejected(
                _g("Webhooks of this carrier are not configured."), code=ErrorCode.BAD_SIGNATURE
            )
        digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
        return f"sha256={digest}"

    def verify_webhook(self, body: bytes, headers) -> None:
        """Raise `WebhookRejected` unless the signature header signs `body` with the secret."""
        given = (headers.get(SIGNATURE_HEADER) or "").strip()
        if not given:
            raise WebhookRejected(_g("The report is not signed."), code=ErrorCode.BAD_SIGNATURE)
        expected = self.sign(body)
        if not hmac.compare_digest(expected.encode(), given.encode()):
            raise WebhookRejected(
                _g("The report's signature does not match."), code=ErrorCode.BAD_SIGNATURE
            )

    def parse_webhook(self, body: bytes) -> TrackingReport:
        """The report in the platform's format (module docstring); a malformed one raises."""
        try:
            data = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as error:
            raise _bad_event(_g("The report is not valid JSON.")) from error
        if not isinstance(data, dict):
            raise _bad_event(_g("The report must be a JSON object."))
        number = data.get("tracking_number")
        if not isinstance(number, str) or not number.strip():
            raise _bad_event(_g("The report names no tracking number."))
        events = data.get("events")
        if not isinstance(events, list) or not events:
            raise _bad_event(_g("The report has no events."))
        if len(events) > MAX_EVENTS_PER_REPORT:
            raise _bad_event(_g("Too many events in one report."))
        carrier_code = data.get("carrier") or ""
        if not isinstance(carrier_code, str):
            raise _bad_event(_g("The carrier must be a code."))
        return TrackingReport(
            tracking_number=number.strip(),
            carrier_code=carrier_code.strip(),
            updates=tuple(self._update(event) for event in events),
        )

    def _update(self, event) -> TrackingUpdate:
        if not isinstance(event, dict):
            raise _bad_event(_g("Each event must be a JSON object."))
        status = str(event.get("status") or "").strip().lower()
        status = STATUS_ALIASES.get(status, status)
        if status not in STATUSES:
            raise _bad_event(
                _g("Unknown status %(status)s.") % {"status": event.get("status") or "—"}
            )
        try:
            when = parse_datetime(str(event.get("time") or ""))
        except ValueError:  # well formed but impossible, e.g. month 13
            when = None
        if when is None:
            raise _bad_event(_g("Each event needs a time (ISO 8601)."))
        if timezone.is_naive(when):
            when = timezone.make_aware(when)
        region = str(event.get("province") or "").strip()
        from logistics.regions import is_region_code

        if region and not is_region_code(region):
            region = ""
        location = str(event.get("location") or "").strip()[:120]
        description = str(event.get("description") or "").strip()[:300]
        external_id = str(event.get("id") or "").strip()[:100]
        if not external_id:
            identity = f"{status}|{when.isoformat()}|{region}|{location}|{description}"
            external_id = "h:" + hashlib.sha256(identity.encode()).hexdigest()[:40]
        return TrackingUpdate(
            status=status,
            occurred_at=when,
            external_id=external_id,
            region=region,
            location=location,
            description=description,
        )

    # Polling
    def poll(self, shipment, *, now: datetime, step: int) -> list[TrackingUpdate]:
        """News on `shipment` since the last poll (`step`: how many polled updates it has had).
        Real carriers answer through their API once credentials and a client exist; until then
        they report by webhook only."""
        return []

    def next_poll(self, shipment, *, now: datetime) -> datetime | None:
        return None


def simulation_step() -> timedelta:
    return timedelta(minutes=int(getattr(settings, "LOGISTICS_SIMULATION_STEP_MINUTES", 10)))


class OfflineAdapter(CarrierAdapter):
    """The simulated carrier: each poll moves a parcel one step (see the module docstring)."""

    supports_poll = True
    ROUTE = ("picked_up", "in_transit", "arrived", "out_for_delivery", "delivered")
    EXCEPTION_ROUTE = (
        "picked_up",
        "in_transit",
        "arrived",
        "exception",
        "out_for_delivery",
        "delivered",
    )
    STALL_ROUTE = ("picked_up", "in_transit")

    def webhook_secret(self) -> str:
        return (
            super().webhook_secret()
            or salted_hmac("logistics.adapters.offline", "webhook-secret").hexdigest()
        )

    def route(self, tracking_number: str) -> tuple[str, ...]:
        number = tracking_number.upper()
        if "STALL" in number:
            return self.STALL_ROUTE
        if "EXC" in number:
            return self.EXCEPTION_ROUTE
        return self.ROUTE

    def poll(self, shipment, *, now: datetime, step: int) -> list[TrackingUpdate]:
        route = self.route(shipment.tracking_number)
        if step >= len(route):
            return []
        stage = route[step]
        at_destination = stage in ("arrived", "exception", "out_for_delivery", "delivered")
        return [
            TrackingUpdate(
                status="in_transit" if stage == "arrived" else stage,
                occurred_at=now,
                external_id=f"sim-{step + 1}",
                region=shipment.destination if at_destination else "",
                description=SIMULATED_NOTES.get(stage, ""),
            )
        ]

    def next_poll(self, shipment, *, now: datetime) -> datetime | None:
        return now + simulation_step()


# What the simulated carrier says at each stage. Stored as sent, like a real carrier's text; pages
# pass descriptions through the translation catalogue, so these (and only these) show translated.
SIMULATED_NOTES = {
    "picked_up": gettext_noop("Picked up by the courier (simulated)."),
    "in_transit": gettext_noop("Left the origin sorting centre (simulated)."),
    "arrived": gettext_noop("Arrived at the destination sorting centre (simulated)."),
    "exception": gettext_noop("Delivery attempt failed; the courier will try again (simulated)."),
    "out_for_delivery": gettext_noop("Out for delivery (simulated)."),
    "delivered": gettext_noop("Delivered and signed for (simulated)."),
}

ADAPTER_CLASSES: dict[str, type[CarrierAdapter]] = {OFFLINE: OfflineAdapter}


def get_adapter(name: str) -> CarrierAdapter:
    """The adapter called `name` (KeyError for an unknown one)."""
    info = ADAPTERS[name]
    return ADAPTER_CLASSES.get(name, CarrierAdapter)(info)
