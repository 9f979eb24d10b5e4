import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from compliance import audit
from compliance.models import AppendOnlyError, AuditLog

pytestmark = pytest.mark.django_db


def test_record_writes_who_what_before_after_ip_and_chains_the_hashes(user, rf):
    request = rf.post("/", REMOTE_ADDR="203.0.113.9")

    first = audit.record("shop.opened", actor=user, obj=user, shop_id=7, after={"state": "active"})
    second = audit.record(
        "shop.state_changed",
        actor=user,
        obj=user,
        shop_id=7,
        before={"state": "active"},
        after={"state": "suspended"},
        reason="fake goods",
        request=request,
    )

    assert second.prev_hash == first.hash
    assert second.ip_address == "203.0.113.9"
    assert second.actor_repr == user.email
    assert second.before == {"state": "active"}
    report = audit.verify_chain()
    assert report.ok and report.checked == 2


def test_the_orm_refuses_to_change_or_delete_entries(user):
    entry = audit.record("x.created", actor=user)

    entry.action = "x.forged"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditLog.objects.filter(pk=entry.pk).update(action="x.forged")
    with pytest.raises(AppendOnlyError):
        AuditLog.objects.all().delete()
    assert AuditLog.objects.get(pk=entry.pk).action == "x.created"


def test_the_database_refuses_updates_and_deletes_even_in_raw_sql(user):
    entry = audit.record("x.created", actor=user)

    for statement in (
        "UPDATE compliance_auditlog SET action = 'x.forged' WHERE id = %s",
        "DELETE FROM compliance_auditlog WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(statement, [entry.pk])
    assert AuditLog.objects.get(pk=entry.pk).action == "x.created"


def test_a_row_altered_behind_the_trigger_breaks_the_chain(user):
    audit.record("a.one", actor=user)
    tampered = audit.record("a.two", actor=user, after={"amount": "10.00"})
    audit.record("a.three", actor=user)

    with connection.cursor() as cursor:  # what a database superuser could still do
        cursor.execute(
            "ALTER TABLE compliance_auditlog DISABLE TRIGGER compliance_auditlog_append_only"
        )
        cursor.execute(
            'UPDATE compliance_auditlog SET after = \'{"amount": "1.00"}\' WHERE id = %s',
            [tampered.pk],
        )
        cursor.execute(
            "ALTER TABLE compliance_auditlog ENABLE TRIGGER compliance_auditlog_append_only"
        )

    report = audit.verify_chain()
    assert not report.ok
    assert report.broken_at == tampered.pk


def test_admin_is_searchable_and_read_only(admin_client, user):
    entry = audit.record("shop_application.rejected", actor=user, reason="blurred scan")

    listing = admin_client.get(reverse("admin:compliance_auditlog_changelist"), {"q": "blurred"})
    assert listing.status_code == 200
    assert "shop_application.rejected" in listing.content.decode()
    assert admin_client.get(reverse("admin:compliance_auditlog_add")).status_code == 403
    assert (
        admin_client.post(
            reverse("admin:compliance_auditlog_delete", args=[entry.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    change = admin_client.post(
        reverse("admin:compliance_auditlog_change", args=[entry.pk]), {"action": "forged"}
    )
    assert change.status_code == 403
    assert AuditLog.objects.get(pk=entry.pk).action == "shop_application.rejected"
