"""The audit log service: `record()` appends one tamper-evident row (SPEC §4.9).

    audit.record("shop_application.approved", actor=reviewer, obj=application,
                 shop_id=shop.pk, before={"state": "submitted"}, after={"state": "approved"},
                 reason="", request=request)

Rows are chained: `hash = sha256(prev_hash + canonical JSON of the row)`. Appends take a
transaction-level advisory lock so two concurrent writers cannot fork the chain; the lock is held
only until the surrounding transaction commits.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from compliance.models import AuditLog

# An arbitrary constant naming the lock that serialises appends to the chain.
CHAIN_LOCK_KEY = 0x4155444954  # "AUDIT"


def _jsonable(value):
    """Round-trip through the encoder, so what is hashed is exactly what is stored."""
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def _digest(entry: AuditLog) -> str:
    payload = {
        "actor_id": entry.actor_id,
        "actor_repr": entry.actor_repr,
        "action": entry.action,
        "content_type_id": entry.content_type_id,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "shop_id": entry.shop_id,
        "before": entry.before,
        "after": entry.after,
        "reason": entry.reason,
        "ip_address": entry.ip_address,
        "created_at": entry.created_at.astimezone(UTC).isoformat(),
    }
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((entry.prev_hash + canonical).encode()).hexdigest()


def record(
    action: str,
    *,
    actor=None,
    obj=None,
    shop_id: int | None = None,
    before: dict | None = None,
    after: dict | None = None,
    reason: str = "",
    request=None,
    ip: str | None = None,
) -> AuditLog:
    """Append one audit row. Call it inside the transaction that makes the change."""
    actor = actor if getattr(actor, "is_authenticated", False) else None
    entry = AuditLog(
        actor=actor,
        actor_repr=(actor.email if actor is not None else "system")[:254],
        action=action[:80],
        content_type=(
            ContentType.objects.get_for_model(type(obj), for_concrete_model=True)
            if obj is not None
            else None
        ),
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        shop_id=shop_id,
        before=_jsonable(before),
        after=_jsonable(after),
        reason=str(reason or ""),
        ip_address=ip or client_ip(request),
    )
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])
        last = AuditLog.objects.order_by("-id").values_list("hash", flat=True).first()
        entry.prev_hash = last or ""
        entry.created_at = timezone.now()
        entry.hash = _digest(entry)
        entry.save(force_insert=True)
    return entry


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken_at: int | None  # id of the first row whose hash or link does not match

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify_chain() -> ChainReport:
    """Recompute every hash in order; the first mismatch means a row was altered or removed."""
    previous = ""
    checked = 0
    for entry in AuditLog.objects.order_by("id").iterator(chunk_size=2000):
        if entry.prev_hash != previous or _digest(entry) != entry.hash:
            return ChainReport(checked=checked, broken_at=entry.pk)
        previous = entry.hash
        checked += 1
    return ChainReport(checked=checked, broken_at=None)


def changes(instance, fields, previous: dict | None = None) -> tuple[dict, dict]:
    """(before, after) dicts of the fields that changed, for `record(before=, after=)`."""
    previous = previous or {}
    after = {name: getattr(instance, name) for name in fields}
    changed = [name for name in fields if previous.get(name) != after[name]]
    return ({name: previous.get(name) for name in changed}, {name: after[name] for name in changed})
