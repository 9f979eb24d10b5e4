"""State machines (DESIGN §5): one table of allowed transitions per machine, one `transition()`.

A model declares its machine as a class attribute:

    class ShopApplication(models.Model):
        state = models.CharField(choices=State.choices, default=State.DRAFT, ...)
        state_machine = StateMachine(
            name="shop_application",
            states=State,
            transitions={"draft": {"submitted", "withdrawn"}, "submitted": {...}, ...},
        )

and every change of state goes through

    transition(application, to="approved", actor=reviewer, reason="", changes={"decided_at": now})

which locks the row (`select_for_update(no_key=True)`: FOR NO KEY UPDATE, so inserting a row
that references this one, whose foreign-key check takes a KEY SHARE lock, does not wait for it;
see "Lock order" in docs/architecture.md), checks the table against the *locked* current state,
writes the new state (plus any `changes` made together with it) and one `StateEvent` row, all in
one transaction. A transition not in the table raises `ConflictError` (HTTP 409 in the API, a
form/message error in pages) and changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _

from marketplace.core.errors import ConflictError


@dataclass(frozen=True)
class StateMachine:
    name: str
    transitions: Mapping[str, frozenset[str] | set[str]]
    states: type[models.TextChoices] | None = None
    field: str = "state"
    # Where the tenant id is read from for the event row (e.g. "shop_id"); optional.
    shop_id_attr: str | None = None

    def allowed_from(self, state: str) -> frozenset[str]:
        return frozenset(self.transitions.get(state, ()))

    def can(self, from_state: str, to_state: str) -> bool:
        return to_state in self.allowed_from(from_state)

    def label(self, state: str) -> str:
        if self.states is not None:
            try:
                return str(self.states(state).label)
            except ValueError:
                pass
        return state


def can_transition(obj, to: str) -> bool:
    machine: StateMachine = type(obj).state_machine
    return machine.can(getattr(obj, machine.field), to)


def transition(
    obj: models.Model,
    *,
    to: str,
    actor=None,
    reason: str = "",
    changes: Mapping[str, object] | None = None,
    machine: StateMachine | None = None,
):
    """Move `obj` to state `to`; returns the `StateEvent` written.

    `changes` are other fields written in the same UPDATE (e.g. `decided_at`, `decided_by`).
    `obj` is updated in place with the new state and changes.
    """
    from marketplace.core.models import StateEvent

    machine = machine or type(obj).state_machine
    changes = dict(changes or {})
    with transaction.atomic():
        locked = type(obj)._base_manager.select_for_update(no_key=True).get(pk=obj.pk)
        current = getattr(locked, machine.field)
        if not machine.can(current, to):
            raise ConflictError(
                _("This cannot be done now: it is “%(current)s”, and cannot become “%(to)s”.")
                % {"current": machine.label(current), "to": machine.label(to)},
                code="invalid_transition",
            )
        setattr(locked, machine.field, to)
        for name, value in changes.items():
            setattr(locked, name, value)
        update_fields = [machine.field, *changes]
        if any(f.name == "updated_at" for f in locked._meta.concrete_fields):
            update_fields.append("updated_at")
        locked.save(update_fields=update_fields)
        for name in [
            machine.field,
            *changes,
            *(["updated_at"] if "updated_at" in update_fields else []),
        ]:
            setattr(obj, name, getattr(locked, name))
        shop_id = getattr(locked, machine.shop_id_attr, None) if machine.shop_id_attr else None
        return StateEvent.objects.create(
            content_type=ContentType.objects.get_for_model(type(obj), for_concrete_model=True),
            object_id=str(obj.pk),
            machine=machine.name,
            from_state=current,
            to_state=to,
            actor=actor if getattr(actor, "pk", None) else None,
            reason=reason or "",
            shop_id=shop_id,
        )


def history(obj):
    """The state events of one object, oldest first."""
    from marketplace.core.models import StateEvent

    return StateEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj), for_concrete_model=True),
        object_id=str(obj.pk),
    ).order_by("created_at", "id")
