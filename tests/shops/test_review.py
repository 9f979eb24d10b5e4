"""Platform review in admin: the queue, approve, reject, bulk approve (SPEC §4.1, DESIGN §5)."""

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse

from compliance.models import AuditLog
from marketplace.core.errors import ConflictError
from marketplace.core.models import Notification
from shops import services
from shops.models import Membership, Shop, ShopApplication
from tests.factories.accounts import UserFactory
from tests.factories.shops import ShopFactory, submitted_application

pytestmark = pytest.mark.django_db

State = ShopApplication.State


@pytest.fixture
def reviewer(db):
    user = UserFactory(is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["review_shopapplication", "view_shopapplication"])
    )
    return user


@pytest.fixture
def reviewer_client(client, reviewer):
    client.force_login(reviewer)
    return client


def test_the_queue_filters_and_searches(reviewer_client):
    waiting = submitted_application(shop_name="Kiln Works")
    submitted_application(shop_name="Silk Road", shop_type="individual")

    url = reverse("admin:shops_shopapplication_changelist")
    filtered = reviewer_client.get(url, {"state": "submitted", "shop_type": "enterprise"})
    searched = reviewer_client.get(url, {"q": waiting.applicant.email})

    assert filtered.status_code == 200
    assert "Kiln Works" in filtered.content.decode()
    assert "Silk Road" not in filtered.content.decode()
    assert "Kiln Works" in searched.content.decode()


def test_the_change_page_shows_documents_inline_and_masks_the_bank_account(reviewer_client):
    application = submitted_application()

    page = reviewer_client.get(
        reverse("admin:shops_shopapplication_change", args=[application.pk])
    ).content.decode()

    assert "Open the PDF" in page
    assert "•••• 8888" in page
    assert "6222020299998888" not in page
    document = application.documents.get()
    file = reviewer_client.get(
        reverse("admin:shops_shopapplication_document", args=[application.pk, document.pk])
    )
    assert file.status_code == 200


def test_approve_from_the_review_page(reviewer_client, django_capture_on_commit_callbacks):
    application = submitted_application(shop_name="Kiln Works")

    with django_capture_on_commit_callbacks(execute=True):
        response = reviewer_client.post(
            reverse("admin:shops_shopapplication_review", args=[application.pk]),
            {"decision": "approve"},
        )

    assert response.status_code == 302
    shop = Shop.objects.get(name="Kiln Works")
    assert Membership.objects.get(shop=shop).user == application.applicant
    assert Membership.objects.get(shop=shop).role == "owner"
    application.refresh_from_db()
    assert application.state == State.APPROVED and application.shop == shop
    assert Notification.objects.filter(user=application.applicant, shop_id=shop.pk).exists()
    assert mail.outbox[0].to == [application.applicant.email]
    assert "Kiln Works" in mail.outbox[0].subject


def test_reject_needs_a_reason_and_a_note_for_other(reviewer_client):
    application = submitted_application()
    url = reverse("admin:shops_shopapplication_review", args=[application.pk])

    missing_note = reviewer_client.post(url, {"decision": "reject", "reason": "other", "note": ""})
    rejected = reviewer_client.post(
        url, {"decision": "reject", "reason": "documents_unclear", "note": "Blurred."}
    )

    assert missing_note.status_code == 400
    assert "Explain the reason" in missing_note.content.decode()
    assert rejected.status_code == 302
    application.refresh_from_db()
    assert application.state == State.REJECTED
    assert application.rejection_reason == "documents_unclear"
    assert application.decided_by is not None
    assert (
        AuditLog.objects.filter(
            action="shop_application.rejected", object_id=str(application.pk)
        ).count()
        == 1
    )


def test_approving_an_already_rejected_application_is_refused_and_changes_nothing(reviewer):
    application = submitted_application()
    services.reject_application(
        application=application, reviewer=reviewer, reason="documents_unclear"
    )
    audit_rows = AuditLog.objects.count()

    with pytest.raises(ConflictError) as caught:
        services.approve_application(
            application=ShopApplication.objects.get(pk=application.pk), reviewer=reviewer
        )

    assert "Rejected" in str(caught.value.message)
    assert not Shop.objects.exists()
    assert ShopApplication.objects.get(pk=application.pk).state == State.REJECTED
    assert AuditLog.objects.count() == audit_rows


def test_the_review_page_shows_the_conflict_as_a_message_not_a_500(reviewer_client, reviewer):
    application = submitted_application()
    services.reject_application(
        application=application, reviewer=reviewer, reason="documents_unclear"
    )

    response = reviewer_client.post(
        reverse("admin:shops_shopapplication_review", args=[application.pk]),
        {"decision": "approve"},
        follow=True,
    )

    assert response.status_code == 200
    assert "cannot become" in response.content.decode()


def test_approval_is_all_or_nothing_when_the_name_was_taken_meanwhile(reviewer):
    application = submitted_application(shop_name="Kiln Works")
    ShopFactory(name="KILN WORKS", name_normalized="kiln works")

    with pytest.raises(Exception):  # noqa: B017 - the name rule's DomainError
        services.approve_application(application=application, reviewer=reviewer)

    application.refresh_from_db()
    assert application.state == State.SUBMITTED
    assert not Membership.objects.filter(user=application.applicant).exists()


def test_bulk_approve_reports_each_failure(reviewer_client, reviewer):
    good = [submitted_application(), submitted_application()]
    already = submitted_application()
    services.reject_application(application=already, reviewer=reviewer, reason="other", note="x")

    response = reviewer_client.post(
        reverse("admin:shops_shopapplication_changelist"),
        {"action": "approve_selected", "_selected_action": [a.pk for a in [*good, already]]},
        follow=True,
    )

    assert response.status_code == 200
    assert Shop.objects.count() == 2
    body = response.content.decode()
    assert "2 application(s) approved." in body
    assert "cannot become" in body


def test_bulk_reject_asks_for_the_reason_first(reviewer_client):
    applications = [submitted_application(), submitted_application()]
    url = reverse("admin:shops_shopapplication_changelist")
    selected = [a.pk for a in applications]

    form = reviewer_client.post(url, {"action": "reject_selected", "_selected_action": selected})
    done = reviewer_client.post(
        url,
        {
            "action": "reject_selected",
            "_selected_action": selected,
            "apply": "1",
            "reason": "documents_expired",
            "note": "Licence expired in May.",
        },
    )

    assert form.status_code == 200 and "Reject applications" in form.content.decode()
    assert done.status_code == 302
    assert set(ShopApplication.objects.values_list("state", flat=True)) == {State.REJECTED}


def test_staff_without_the_review_permission_cannot_decide(client):
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_shopapplication"))
    client.force_login(viewer)
    application = submitted_application()

    response = client.post(
        reverse("admin:shops_shopapplication_review", args=[application.pk]),
        {"decision": "approve"},
    )

    assert response.status_code == 403
    assert ShopApplication.objects.get(pk=application.pk).state == State.SUBMITTED


def test_withdrawn_and_resubmitted_transitions_follow_the_table(user):
    application = submitted_application(applicant=user)

    services.withdraw_application(application=application, actor=user)

    with pytest.raises(ConflictError):
        services.submit_application(application=application, actor=user, accept_agreement=True)
