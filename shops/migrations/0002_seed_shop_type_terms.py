"""Default deposit and fees per shop type; platform staff change them in admin."""

from decimal import Decimal

from django.db import migrations

TERMS = {
    "individual": (Decimal("1000.00"), Decimal("0.00"), Decimal("5.00")),
    "enterprise": (Decimal("5000.00"), Decimal("0.00"), Decimal("5.00")),
    "flagship": (Decimal("10000.00"), Decimal("6000.00"), Decimal("4.00")),
    "authorised": (Decimal("10000.00"), Decimal("6000.00"), Decimal("5.00")),
}


def seed(apps, schema_editor):
    ShopTypeTerms = apps.get_model("shops", "ShopTypeTerms")
    for shop_type, (deposit, annual_fee, commission) in TERMS.items():
        ShopTypeTerms.objects.get_or_create(
            shop_type=shop_type,
            defaults={"deposit": deposit, "annual_fee": annual_fee, "commission_rate": commission},
        )


class Migration(migrations.Migration):
    dependencies = [("shops", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
