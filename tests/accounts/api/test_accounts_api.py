import pytest
from django.core import mail

from marketplace.accounts.models import Address, User
from tests.factories.accounts import PASSWORD, AddressFactory, UserFactory

pytestmark = pytest.mark.django_db

SIGNUP = {
    "email": "api.user@example.com",
    "password": "a-long-unusual-passphrase",
    "display_name": "API User",
    "preferred_language": "zh-hans",
    "accept_terms": True,
}


def test_signup_accepts_and_mails_a_verification_link(
    api_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post("/api/v1/auth/signup/", SIGNUP, format="json")

    assert response.status_code == 202
    user = User.objects.get(email="api.user@example.com")
    assert user.preferred_language == "zh-hans"
    assert len(mail.outbox) == 1


def test_signup_with_a_known_email_answers_the_same(api_client):
    UserFactory(email="api.user@example.com")

    response = api_client.post("/api/v1/auth/signup/", SIGNUP, format="json")

    assert response.status_code == 202
    assert User.objects.count() == 1


def test_errors_share_one_shape_naming_each_field(api_client):
    response = api_client.post(
        "/api/v1/auth/signup/",
        {"email": "nope", "password": "123", "accept_terms": "maybe", "emial": "typo"},
        format="json",
    )

    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert error["message"]
    assert set(error["fields"]) == {"emial"}  # unknown fields are refused before anything else
    assert not User.objects.exists()


def test_wrong_types_name_the_fields(api_client):
    response = api_client.post(
        "/api/v1/auth/signup/",
        {"email": "nope", "password": "123", "accept_terms": "maybe"},
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"email", "accept_terms"}
    assert not User.objects.exists()


def test_weak_password_is_a_password_field_error(api_client):
    response = api_client.post(
        "/api/v1/auth/signup/", {**SIGNUP, "password": "12345678901"}, format="json"
    )

    assert response.status_code == 400
    assert "password" in response.json()["error"]["fields"]


def test_malformed_json_is_a_400_in_the_same_shape(api_client):
    response = api_client.post(
        "/api/v1/auth/signup/", data="{not json", content_type="application/json"
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"


def test_token_for_verified_accounts_only(api_client):
    verified = UserFactory()
    unverified = UserFactory(email_verified_at=None)

    ok = api_client.post("/api/v1/auth/token/", {"email": verified.email, "password": PASSWORD})
    refused = api_client.post(
        "/api/v1/auth/token/", {"email": unverified.email, "password": PASSWORD}
    )
    wrong = api_client.post("/api/v1/auth/token/", {"email": verified.email, "password": "x"})

    assert ok.status_code == 200 and ok.json()["token"]
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "unverified"
    assert wrong.status_code == 400 and wrong.json()["error"]["code"] == "invalid_credentials"


def test_token_authenticates_requests(api_client):
    user = UserFactory()
    token = api_client.post(
        "/api/v1/auth/token/", {"email": user.email, "password": PASSWORD}
    ).json()["token"]

    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    response = api_client.get("/api/v1/me/")

    assert response.status_code == 200
    assert response.json()["email"] == user.email


def test_anonymous_requests_get_401_in_the_error_shape(api_client):
    response = api_client.get("/api/v1/me/")

    assert response.status_code in {401, 403}
    assert response.json()["error"]["code"] == "not_authenticated"


def test_profile_patch_validates_and_refuses_read_only_changes(user_api_client, user):
    ok = user_api_client.patch("/api/v1/me/", {"display_name": "Renamed"}, format="json")
    bad = user_api_client.patch("/api/v1/me/", {"preferred_language": "fr"}, format="json")

    assert ok.status_code == 200 and ok.json()["display_name"] == "Renamed"
    assert bad.status_code == 400
    assert "preferred_language" in bad.json()["error"]["fields"]
    user.refresh_from_db()
    assert user.preferred_language == ""


def test_address_book_crud_and_isolation(user_api_client, user):
    stranger_address = AddressFactory(user=UserFactory())
    payload = {
        "recipient": "Ann",
        "phone": "13800138000",
        "province": "浙江省",
        "city": "杭州市",
        "detail": "1 Main St",
    }

    created = user_api_client.post("/api/v1/me/addresses/", payload, format="json")
    listed = user_api_client.get("/api/v1/me/addresses/")
    foreign = user_api_client.get(f"/api/v1/me/addresses/{stranger_address.pk}/")
    foreign_delete = user_api_client.delete(f"/api/v1/me/addresses/{stranger_address.pk}/")

    assert created.status_code == 201 and created.json()["is_default"] is True
    assert listed.json()["count"] == 1
    assert foreign.status_code == 404 and foreign_delete.status_code == 404
    assert Address.objects.filter(pk=stranger_address.pk).exists()


def test_address_with_bad_fields_saves_nothing(user_api_client):
    response = user_api_client.post(
        "/api/v1/me/addresses/", {"recipient": "", "phone": "abc", "city": 5}, format="json"
    )

    assert response.status_code == 400
    assert {"recipient", "phone", "province", "detail"} <= set(response.json()["error"]["fields"])
    assert not Address.objects.exists()


def test_openapi_schema_and_docs_are_served_locally(client):
    schema = client.get("/api/schema/")
    docs = client.get("/api/docs/")

    assert schema.status_code == 200
    assert b"/api/v1/auth/signup/" in schema.content
    assert docs.status_code == 200
    assert b"swagger-ui" in docs.content
    assert b"cdn" not in docs.content.lower()
    assert b"//unpkg" not in docs.content and b"jsdelivr" not in docs.content
