import pytest
from cryptography.fernet import Fernet
from django.db import connection

from compliance.crypto import mask
from tests.factories.shops import ShopFactory

pytestmark = pytest.mark.django_db


def raw_bank_account(shop_id):
    with connection.cursor() as cursor:
        cursor.execute("SELECT bank_account FROM shops_shop WHERE id = %s", [shop_id])
        return cursor.fetchone()[0]


def test_bank_details_are_encrypted_at_rest_and_read_back_in_clear():
    shop = ShopFactory(bank_account="6222020212345678")

    stored = raw_bank_account(shop.pk)

    assert stored.startswith("fernet:")
    assert "6222020212345678" not in stored
    shop.refresh_from_db()
    assert shop.bank_account == "6222020212345678"
    assert shop.bank_account_masked == "•••• 5678"


def test_a_rotated_key_still_reads_rows_written_with_the_old_one(settings):
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEY = old_key
    shop = ShopFactory(bank_account="6222020200001111")

    settings.FIELD_ENCRYPTION_KEY = f"{new_key},{old_key}"
    shop.refresh_from_db()
    assert shop.bank_account == "6222020200001111"
    shop.save()  # re-encrypted with the new key
    settings.FIELD_ENCRYPTION_KEY = new_key
    shop.refresh_from_db()
    assert shop.bank_account == "6222020200001111"


@pytest.mark.parametrize(
    ("value", "masked"),
    [("6222 0202 1234 5678", "•••• 5678"), ("", ""), (None, ""), ("123", "•••")],
)
def test_mask_shows_only_the_last_four(value, masked):
    assert mask(value) == masked
