"""`{% test_deployment_banner %}`: on every page of a test deployment (settings.TEST_DEPLOYMENT),
a banner saying that payments are in test mode. It reads the setting itself, so it also shows on
pages rendered without context processors (the 500 page) and in the admin."""

from django import template
from django.conf import settings

register = template.Library()


@register.inclusion_tag("includes/test_deployment_banner.html")
def test_deployment_banner():
    return {"shown": bool(getattr(settings, "TEST_DEPLOYMENT", False))}
