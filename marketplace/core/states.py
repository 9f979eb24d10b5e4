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
from django.utils import timezone
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


def transition_many(
    objs,
    *,
    to: str,
    actor=None,
    reason: str = "",
    changes: Mapping[str, object] | None = None,
    each: Mapping[object, Mapping[str, object]] | None = None,
    machine: StateMachine | None = None,
) -> None:
    """`transition()` of several rows of one model at once, in ONE statement (hot paths: the
    orders of a payment, a payment itself): the rows are locked `FOR NO KEY UPDATE` by primary
    key, checked against the table, updated and given one `StateEvent` each. If any row may
    not move to `to`, nothing is written and `ConflictError` is raised (as `transition()`).

    `changes`: fields written to every row; `each`: {pk: {field: value}} written per row (every
    row names the same fields). `objs` are updated in place. No `save()` is called (no signals:
    the models used here have none). Inside or outside a transaction: it is one statement.
    """
    from django.db import connection

    from marketplace.core.models import StateEvent

    objs = sorted(objs, key=lambda obj: obj.pk)
    if not objs:
        return
    model = type(objs[0])
    machine = machine or model.state_machine
    meta = model._meta
    changes = dict(changes or {})
    each = {pk: dict(values) for pk, values in (each or {}).items()}
    per_row = sorted(next(iter(each.values())).keys()) if each else []
    has_updated_at = any(f.name == "updated_at" for f in meta.concrete_fields)
    now = timezone.now()
    if has_updated_at:
        changes["updated_at"] = now

    def column(name):
        return connection.ops.quote_name(meta.get_field(name).column)

    def prep(name, value):
        return meta.get_field(name).get_db_prep_save(value, connection)

    table = connection.ops.quote_name(meta.db_table)
    pk = connection.ops.quote_name(meta.pk.column)
    state = column(machine.field)
    allowed = sorted(s for s, targets in machine.transitions.items() if to in targets)
    shop = f"t.{column(machine.shop_id_attr)}" if machine.shop_id_attr else "NULL::bigint"

    sets = [f"{state} = %s"] + [f"{column(name)} = %s" for name in changes]
    set_params = [to, *(prep(name, value) for name, value in changes.items())]
    source, source_params, join = "", [], ""
    if per_row:
        arrays = [f"%s::{meta.pk.db_type(connection)}[]"]
        source_params = [[obj.pk for obj in objs]]
        for name in per_row:
            arrays.append(f"%s::{meta.get_field(name).db_type(connection)}[]")
            source_params.append([prep(name, each[obj.pk][name]) for obj in objs])
        names = ", ".join(["id", *(f"c{n}" for n in range(len(per_row)))])
        source = f", UNNEST({', '.join(arrays)}) AS v({names})"
        join = f" AND v.id = t.{pk}"
        sets += [f"{column(name)} = v.c{n}" for n, name in enumerate(per_row)]
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=True)
    sql = f"""
        WITH old AS (
            SELECT {pk} AS id, {state} AS state FROM {table}
             WHERE {pk} = ANY(%s) ORDER BY {pk} FOR NO KEY UPDATE
        ), allowed AS (
            SELECT NOT EXISTS (SELECT 1 FROM old WHERE NOT (old.state = ANY(%s::text[]))) AS ok
        ), upd AS (
            UPDATE {table} AS t SET {", ".join(sets)}
              FROM old, allowed{source}
             WHERE t.{pk} = old.id AND allowed.ok{join}
            RETURNING t.{pk} AS id, {shop} AS shop_id
        ), ev AS (
            INSERT INTO {StateEvent._meta.db_table}
                   (content_type_id, object_id, machine, from_state, to_state, actor_id, reason,
                    shop_id, created_at)
            SELECT %s, old.id::text, %s, old.state, %s, %s, %s, upd.shop_id, %s
              FROM old JOIN upd ON upd.id = old.id ORDER BY old.id
        )
        SELECT id, state FROM old ORDER BY id
    """  # noqa: S608 - names come from the model's metadata, values are parameters
    params = [
        [obj.pk for obj in objs],
        allowed,
        *set_params,
        *source_params,
        content_type.pk,
        machine.name,
        to,
        actor.pk if getattr(actor, "pk", None) else None,
        reason or "",
        now,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = dict(cursor.fetchall())
    for obj in objs:
        if obj.pk not in found:
            raise model.DoesNotExist(f"{model.__name__} {obj.pk} does not exist")
        current = found[obj.pk]
        if not machine.can(current, to):
            raise ConflictError(
                _("This cannot be done now: it is “%(current)s”, and cannot become “%(to)s”.")
                % {"current": machine.label(current), "to": machine.label(to)},
                code="invalid_transition",
            )
    for obj in objs:
        setattr(obj, machine.field, to)
        for name, value in {**changes, **each.get(obj.pk, {})}.items():
            setattr(obj, name, value)
