"""Compile every locale/*/LC_MESSAGES/*.po into .mo with polib: no GNU gettext needed.

`make` runs it on every setup, so the compiled catalogs always match the committed .po files on
any machine (a fresh one may have no `msgfmt`). Django's own `makemessages` (which needs gettext)
is only for developers who add strings.
"""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Compile .po translation catalogs to .mo without GNU gettext."

    def handle(self, *args, **options):
        count = 0
        for locale_dir in settings.LOCALE_PATHS:
            for po_path in sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po")):
                catalog = polib.pofile(str(po_path))
                broken = [entry.msgid for entry in catalog if entry.fuzzy and entry.msgstr]
                if broken:
                    self.stderr.write(f"{po_path}: {len(broken)} fuzzy entries are left out")
                mo_path = po_path.with_suffix(".mo")
                catalog.save_as_mofile(str(mo_path))
                count += 1
                if options["verbosity"] >= 1:
                    self.stdout.write(
                        f"{po_path.relative_to(settings.BASE_DIR)}: "
                        f"{catalog.percent_translated()}% translated"
                    )
        if not count:
            raise CommandError("No .po catalogs found under LOCALE_PATHS.")
