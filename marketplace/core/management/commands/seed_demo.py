"""Idempotent demo data: run it any number of times, it creates only what is missing.

Each chapter adds its part through a `seed_demo(stdout)` function in `<app>/demo.py`, called here
in dependency order; a chapter without one is skipped.
"""

import importlib

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from marketplace.accounts.models import Address, User
from marketplace.core.demo import DEMO_LOGINS, DEMO_PASSWORD

DISPLAY_NAMES = {
    "admin@demo.marketplace.local": "Platform Admin",
    "seller1@demo.marketplace.local": "Li Wei",
    "seller2@demo.marketplace.local": "Emma Clark",
    "buyer@demo.marketplace.local": "Zhang Min",
}


def seed_accounts() -> dict[str, User]:
    users = {}
    for role, email in DEMO_LOGINS:
        user, created = User.objects.get_or_create(
            email=email,
            defaults={
                "display_name": DISPLAY_NAMES.get(email, ""),
                "email_verified_at": timezone.now(),
                "is_staff": role == "platform admin",
                "is_superuser": role == "platform admin",
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        users[email] = user
    buyer = users["buyer@demo.marketplace.local"]
    if not buyer.addresses.exists():
        Address.objects.create(
            user=buyer,
            recipient="张敏",
            phone="13800138000",
            province="上海市",
            city="上海市",
            district="浦东新区",
            detail="世纪大道 100 号 8 楼",
            postcode="200120",
            is_default=True,
        )
    return users


class Command(BaseCommand):
    help = "Create the demo accounts and each chapter's demo data (idempotent)."

    def handle(self, *args, **options):
        with transaction.atomic():
            seed_accounts()
            for chapter in settings.CHAPTER_APPS:
                try:
                    module = importlib.import_module(f"{chapter}.demo")
                except ModuleNotFoundError as error:
                    if error.name != f"{chapter}.demo":
                        raise
                    continue
                module.seed_demo(self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo data is in place."))
