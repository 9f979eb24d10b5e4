"""The seller's way to a shop through the seller center: start, fill the steps, upload, submit;
the reviewer rejects, the applicant corrects and resubmits, the reviewer approves."""

import pytest
from django.core import mail
from django.urls import reverse

from compliance.models import AuditLog
from marketplace.core.models import Notification, StateEvent
from shops import services
from shops.models import Membership, Shop, ShopApplication
from tests.factories.shops import image_upload, pdf_upload

pytestmark = pytest.mark.django_db


def step_url(application, step):
    return reverse("seller:application-step", args=[application.pk, step])


def fill_application(client, *, name="Jade Tea House"):
    response = client.post(reverse("seller:open-shop"), {"shop_type": "enterprise"})
    application = ShopApplication.objects.get()
    assert response.status_code == 302
    assert response["Location"] == step_url(application, "shop")
    response = client.post(
        step_url(application, "shop"),
        {
            "shop_name": name,
            "description": "Spring green tea.",
            "main_categories": ["food"],
            "logo": image_upload(),
            "next": "1",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    response = client.post(
        step_url(application, "business"),
        {
            "legal_name": "Jade Tea Co., Ltd.",
            "credit_code": "91330100mA2abcde1x",
            "legal_representative": "Lin Qing",
            "business_address": "3 Longjing Road, Hangzhou",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    response = client.post(
        step_url(application, "contact"),
        {"contact_name": "Lin Qing", "contact_phone": "139 0013 9000", "contact_email": "lin@x.cn"},
    )
    assert response.status_code == 302, response.context["form"].errors
    response = client.post(
        step_url(application, "documents"),
        {"kind": "business_licence", "file": pdf_upload()},
    )
    assert response.status_code == 302, response.context["form"].errors
    response = client.post(
        step_url(application, "settlement"),
        {
            "account_holder": "Jade Tea Co., Ltd.",
            "bank_name": "ICBC",
            "bank_account": "6222 0202 1234 5678",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    application.refresh_from_db()
    return application


def test_a_new_user_without_a_shop_is_sent_to_open_a_shop(user_client):
    response = user_client.get(reverse("seller:dashboard"))

    assert response.status_code == 302
    assert response["Location"] == reverse("seller:open-shop")
    page = user_client.get(reverse("seller:open-shop"))
    assert page.status_code == 200
    assert "Shop types, deposit and fees" in page.content.decode()
    assert "10000.00 CNY" in page.content.decode()


def test_apply_reject_resubmit_approve(
    user_client, user, admin_user, django_capture_on_commit_callbacks
):
    application = fill_application(user_client)
    assert application.state == ShopApplication.State.DRAFT
    assert application.credit_code == "91330100MA2ABCDE1X"
    assert application.bank_account == "6222020212345678"
    assert application.logo.name.endswith(".webp")

    response = user_client.post(step_url(application, "submit"), {"accept_agreement": "on"})

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == ShopApplication.State.SUBMITTED
    assert application.submission_count == 1

    with django_capture_on_commit_callbacks(execute=True):
        services.reject_application(
            application=application,
            reviewer=admin_user,
            reason="documents_unclear",
            note="The licence scan is blurred.",
        )
    application.refresh_from_db()
    assert application.state == ShopApplication.State.REJECTED
    note = Notification.objects.get(user=user)
    assert "needs changes" in note.title
    assert "blurred" in note.body
    assert [m.to for m in mail.outbox] == [[user.email]]
    detail = user_client.get(reverse("seller:application-detail", args=[application.pk]))
    assert "The licence scan is blurred." in detail.content.decode()

    user_client.post(
        step_url(application, "documents"),
        {"kind": "business_licence", "file": pdf_upload("sharper.pdf")},
    )
    response = user_client.post(step_url(application, "submit"), {"accept_agreement": "on"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == ShopApplication.State.SUBMITTED
    assert application.submission_count == 2

    shop = services.approve_application(application=application, reviewer=admin_user)

    assert shop.state == Shop.State.ACTIVE
    assert shop.name == "Jade Tea House"
    assert shop.business_name == "Jade Tea Co., Ltd."
    assert shop.bank_account == "6222020212345678"
    assert shop.return_policy and shop.shipping_policy
    assert shop.logo and shop.logo_small
    assert Membership.objects.get(shop=shop).user == user
    assert list(
        StateEvent.objects.filter(machine="shop_application")
        .values_list("to_state", flat=True)
        .order_by("id")
    ) == ["submitted", "rejected", "submitted", "approved"]
    assert AuditLog.objects.filter(action="shop_application.approved", shop_id=shop.pk).exists()
    dashboard = user_client.get(reverse("seller:dashboard"))
    assert dashboard.status_code == 200
    assert "Jade Tea House" in dashboard.content.decode()
    assert "is open" in dashboard.content.decode()


def test_submit_without_the_required_documents_is_refused_and_changes_nothing(user_client):
    application = fill_application(user_client)
    application.documents.all().delete()

    response = user_client.post(step_url(application, "submit"), {"accept_agreement": "on"})

    assert response.status_code == 400
    assert "Upload the Business licence." in response.content.decode()
    application.refresh_from_db()
    assert application.state == ShopApplication.State.DRAFT
    assert application.submitted_at is None


def test_a_second_application_while_one_is_pending_is_refused(user_client, user):
    fill_application(user_client)

    response = user_client.post(reverse("seller:open-shop"), {"shop_type": "individual"})

    assert response.status_code == 400
    assert "already have an application in progress" in response.content.decode()
    assert ShopApplication.objects.filter(applicant=user).count() == 1
