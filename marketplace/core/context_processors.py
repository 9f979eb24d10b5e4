from django.conf import settings


def site(request):
    """What every layout needs: the site name and the language list for the switcher."""
    return {
        "SITE_NAME": "Marketplace",
        "LANGUAGE_CHOICES": settings.LANGUAGES,
    }
