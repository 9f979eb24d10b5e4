from django.conf import settings


def site(request):
    """What every layout needs: the site name, the language list for the switcher, the path the
    switcher returns to and the words in the search box (the storefront's cached layout puts its
    own slots in these two: catalog.storefront.shell)."""
    return {
        "SITE_NAME": "Marketplace",
        "LANGUAGE_CHOICES": settings.LANGUAGES,
        "current_path": request.get_full_path(),
        "search_text": request.GET.get("q", ""),
    }
