"""Private file storage for qualification documents (identity cards, licences).

Files live outside MEDIA_ROOT, have no public URL, and are served only through views that check
who asks (the applicant in the seller center, platform staff in admin). The folder is
PRIVATE_MEDIA_ROOT when set, else `private-media` next to MEDIA_ROOT.
"""

from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


@deconstructible
class PrivateStorage(FileSystemStorage):
    def __init__(self):
        super().__init__(base_url=None)

    @property
    def base_location(self):
        configured = getattr(settings, "PRIVATE_MEDIA_ROOT", None)
        return str(configured or Path(settings.MEDIA_ROOT).parent / "private-media")

    @property
    def location(self):
        return str(Path(self.base_location).resolve())

    def url(self, name):
        raise ValueError("Private files have no public URL; serve them through a checked view.")


private_storage = PrivateStorage()
