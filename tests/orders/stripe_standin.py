"""A local stand-in for the parts of Stripe's HTTP API the platform uses.

A small threaded HTTP server on 127.0.0.1 (a random port) that speaks like api.stripe.com:
form-encoded request bodies (`metadata[checkout]=…`, `automatic_payment_methods[enabled]=true`),
JSON answers shaped like Stripe's objects, Stripe's error shape with 4xx statuses, and
idempotency keys honoured (the same key answers the same object). The official `stripe` library
is pointed at it (`STRIPE_API_BASE`, i.e. the client's `base_addresses`), so the adapter's real
code runs, HTTP included. Every request is recorded (`requests`, `posts_to(path)`).

    standin = StripeStandIn().start()
    settings.STRIPE_API_BASE = standin.url
    ...
    body = standin.event("payment_intent.succeeded", standin.succeed(intent_id))
    headers = {"HTTP_STRIPE_SIGNATURE": sign(body, secret)}   # Stripe's scheme: t=…,v1=HMAC
    standin.stop()

Endpoints: POST /v1/payment_intents, GET /v1/payment_intents/{id},
POST /v1/payment_intents/{id}/cancel, POST /v1/transfers, GET /v1/transfers/{id},
POST /v1/transfers/{id}/reversals, POST /v1/refunds, POST /v1/accounts, GET /v1/accounts/{id},
POST /v1/account_links.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

_ids = itertools.count(1)


def new_id(prefix: str) -> str:
    return f"{prefix}_standin{next(_ids):06d}"


def sign(body: bytes, secret: str, *, timestamp: int | None = None) -> str:
    """The `Stripe-Signature` header Stripe sends: t=<unix time>,v1=<HMAC-SHA256("t.body")>."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def parse_form(body: str) -> dict:
    """Stripe's form encoding with brackets (a[b][c]=1, a[0]=x) into nested dicts/lists."""
    result: dict = {}
    for key, value in parse_qsl(body, keep_blank_values=True):
        parts = re.findall(r"[^\[\]]+", key)
        target = result
        for part in parts[:-1]:
            target = target.setdefault(part, {})
        target[parts[-1]] = value
    return result


@dataclass
class Recorded:
    method: str
    path: str
    params: dict
    headers: dict


@dataclass
class StripeStandIn:
    objects: dict = field(default_factory=dict)
    requests: list = field(default_factory=list)
    idempotent: dict = field(default_factory=dict)
    failures: list = field(default_factory=list)  # (method, path regex, status, error dict)
    refund_status: str = "succeeded"
    account_ready: bool = True

    # --- Life cycle ----------------------------------------------------------------------
    def start(self) -> StripeStandIn:
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):
                standin._handle(self, "GET")

            def do_POST(self):
                standin._handle(self, "POST")

            def do_DELETE(self):
                standin._handle(self, "DELETE")

        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # --- Helpers for tests ---------------------------------------------------------------
    def posts_to(self, pattern: str) -> list[Recorded]:
        return [r for r in self.requests if r.method == "POST" and re.fullmatch(pattern, r.path)]

    def fail(self, method: str, pattern: str, status: int = 500, message: str = "boom") -> None:
        """The next request matching answers `status` with Stripe's error shape."""
        kind = "api_error" if status >= 500 else "invalid_request_error"
        self.failures.append((method, pattern, status, {"type": kind, "message": message}))

    def succeed(self, intent_id: str, *, amount: int | None = None) -> dict:
        """The buyer paid: the intent is succeeded (with a charge); returns it."""
        intent = self.objects[intent_id]
        intent["status"] = "succeeded"
        intent["amount_received"] = intent["amount"] if amount is None else amount
        intent["latest_charge"] = intent.get("latest_charge") or new_id("ch")
        return dict(intent)

    def decline(self, intent_id: str, message: str = "Your card was declined.") -> dict:
        intent = self.objects[intent_id]
        intent["status"] = "requires_payment_method"
        intent["last_payment_error"] = {"type": "card_error", "message": message}
        return dict(intent)

    def event(self, event_type: str, obj: dict, *, event_id: str | None = None) -> bytes:
        """A webhook delivery body for `obj`, as Stripe would send it."""
        payload = {
            "id": event_id or new_id("evt"),
            "object": "event",
            "api_version": "2025-01-27.acacia",
            "created": int(time.time()),
            "livemode": False,
            "pending_webhooks": 1,
            "type": event_type,
            "data": {"object": obj},
        }
        return json.dumps(payload).encode()

    def of_type(self, object_name: str) -> list[dict]:
        return [o for o in self.objects.values() if o.get("object") == object_name]

    # --- Serving -------------------------------------------------------------------------
    def _handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        split = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length).decode() if length else ""
        params = parse_form(raw if method == "POST" else split.query)
        headers = {key.lower(): value for key, value in handler.headers.items()}
        with self._lock:
            self.requests.append(Recorded(method, split.path, params, headers))
            status, body = self._answer(method, split.path, params, headers)
        data = json.dumps(body).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.send_header("Request-Id", new_id("req"))
        handler.end_headers()
        handler.wfile.write(data)

    def _answer(self, method, path, params, headers):
        if not headers.get("authorization", "").startswith("Bearer sk_"):
            return 401, {"error": {"type": "invalid_request_error", "message": "No API key."}}
        for index, (f_method, pattern, status, error) in enumerate(self.failures):
            if f_method == method and re.fullmatch(pattern, path):
                del self.failures[index]
                return status, {"error": error}
        key = headers.get("idempotency-key")
        if method == "POST" and key and (path, key) in self.idempotent:
            return 200, dict(self.idempotent[(path, key)])
        status, body = self._route(method, path, params)
        if method == "POST" and key and status == 200:
            self.idempotent[(path, key)] = body
        return status, body

    def _missing(self, kind, object_id):
        return 404, {
            "error": {
                "type": "invalid_request_error",
                "code": "resource_missing",
                "message": f"No such {kind}: '{object_id}'",
            }
        }

    def _route(self, method, path, params):
        routes = [
            ("POST", r"/v1/payment_intents", self._create_intent),
            ("GET", r"/v1/payment_intents/(?P<id>[^/]+)", self._get("payment_intent")),
            ("POST", r"/v1/payment_intents/(?P<id>[^/]+)/cancel", self._cancel_intent),
            ("POST", r"/v1/transfers", self._create_transfer),
            ("GET", r"/v1/transfers/(?P<id>[^/]+)", self._get("transfer")),
            ("POST", r"/v1/transfers/(?P<id>[^/]+)/reversals", self._create_reversal),
            ("POST", r"/v1/refunds", self._create_refund),
            ("POST", r"/v1/accounts", self._create_account),
            ("GET", r"/v1/accounts/(?P<id>[^/]+)", self._get("account")),
            ("POST", r"/v1/account_links", self._create_account_link),
        ]
        for route_method, pattern, view in routes:
            match = re.fullmatch(pattern, path)
            if match and route_method == method:
                return view(params, **match.groupdict())
        return 404, {"error": {"type": "invalid_request_error", "message": f"No route {path}"}}

    def _get(self, kind):
        def view(params, id):
            obj = self.objects.get(id)
            if obj is None or obj.get("object") != kind:
                return self._missing(kind, id)
            return 200, dict(obj)

        return view

    @staticmethod
    def _int(params, name):
        try:
            value = int(params[name])
        except (KeyError, ValueError):
            return None
        return value if value > 0 else None

    def _bad(self, message, param=None):
        error = {"type": "invalid_request_error", "message": message}
        if param:
            error["param"] = param
        return 400, {"error": error}

    def _create_intent(self, params):
        amount = self._int(params, "amount")
        if amount is None or not params.get("currency"):
            return self._bad("Missing amount or currency.", "amount")
        intent_id = new_id("pi")
        automatic = params.get("automatic_payment_methods", {}).get("enabled") == "true"
        intent = {
            "id": intent_id,
            "object": "payment_intent",
            "amount": amount,
            "amount_received": 0,
            "currency": params["currency"],
            "status": "requires_payment_method",
            "client_secret": f"{intent_id}_secret_{new_id('s')}",
            "automatic_payment_methods": {"enabled": automatic},
            "payment_method_types": ["card", "alipay", "wechat_pay"] if automatic else ["card"],
            "transfer_group": params.get("transfer_group"),
            "metadata": params.get("metadata", {}),
            "description": params.get("description"),
            "receipt_email": params.get("receipt_email"),
            "latest_charge": None,
            "last_payment_error": None,
            "livemode": False,
        }
        self.objects[intent_id] = intent
        return 200, dict(intent)

    def _cancel_intent(self, params, id):
        intent = self.objects.get(id)
        if intent is None:
            return self._missing("payment_intent", id)
        if intent["status"] == "succeeded":
            return self._bad("You cannot cancel this PaymentIntent because it has succeeded.")
        intent["status"] = "canceled"
        return 200, dict(intent)

    def _create_transfer(self, params):
        amount = self._int(params, "amount")
        destination = params.get("destination", "")
        if amount is None:
            return self._bad("Invalid amount.", "amount")
        if destination not in self.objects:
            return self._missing("account", destination)
        transfer_id = new_id("tr")
        transfer = {
            "id": transfer_id,
            "object": "transfer",
            "amount": amount,
            "amount_reversed": 0,
            "currency": params.get("currency"),
            "destination": destination,
            "transfer_group": params.get("transfer_group"),
            "source_transaction": params.get("source_transaction"),
            "metadata": params.get("metadata", {}),
            "reversed": False,
        }
        self.objects[transfer_id] = transfer
        return 200, dict(transfer)

    def _create_reversal(self, params, id):
        transfer = self.objects.get(id)
        if transfer is None or transfer["object"] != "transfer":
            return self._missing("transfer", id)
        amount = self._int(params, "amount") or transfer["amount"] - transfer["amount_reversed"]
        if amount > transfer["amount"] - transfer["amount_reversed"]:
            return self._bad("Reversal amount exceeds the transfer's remaining amount.", "amount")
        transfer["amount_reversed"] += amount
        transfer["reversed"] = transfer["amount_reversed"] == transfer["amount"]
        reversal = {
            "id": new_id("trr"),
            "object": "transfer_reversal",
            "amount": amount,
            "currency": transfer["currency"],
            "transfer": id,
            "metadata": params.get("metadata", {}),
        }
        self.objects[reversal["id"]] = reversal
        return 200, dict(reversal)

    def _create_refund(self, params):
        intent = self.objects.get(params.get("payment_intent", ""))
        if intent is None:
            return self._missing("payment_intent", params.get("payment_intent"))
        if intent["status"] != "succeeded":
            return self._bad("This PaymentIntent does not have a successful charge to refund.")
        refunded = sum(
            r["amount"]
            for r in self.of_type("refund")
            if r["payment_intent"] == intent["id"] and r["status"] != "failed"
        )
        amount = self._int(params, "amount") or intent["amount_received"] - refunded
        if refunded + amount > intent["amount_received"]:
            return self._bad(
                f"Refund amount ({amount}) is greater than unrefunded amount on charge.", "amount"
            )
        refund = {
            "id": new_id("re"),
            "object": "refund",
            "amount": amount,
            "currency": intent["currency"],
            "payment_intent": intent["id"],
            "charge": intent["latest_charge"],
            "status": self.refund_status,
            "metadata": params.get("metadata", {}),
            "failure_reason": None,
        }
        self.objects[refund["id"]] = refund
        return 200, dict(refund)

    def _create_account(self, params):
        account_id = new_id("acct")
        account = {
            "id": account_id,
            "object": "account",
            "type": params.get("type", "express"),
            "email": params.get("email"),
            "metadata": params.get("metadata", {}),
            "details_submitted": self.account_ready,
            "payouts_enabled": self.account_ready,
            "charges_enabled": self.account_ready,
            "capabilities": {"transfers": "active" if self.account_ready else "inactive"},
        }
        self.objects[account_id] = account
        return 200, dict(account)

    def _create_account_link(self, params):
        if params.get("account") not in self.objects:
            return self._missing("account", params.get("account"))
        return 200, {
            "object": "account_link",
            "created": int(time.time()),
            "expires_at": int(time.time()) + 300,
            "url": f"https://connect.stripe.com/setup/e/{params['account']}/{new_id('link')}",
        }
