from django.urls import path

from marketplace.core import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("i18n/language/", views.switch_language, name="switch-language"),
    path("robots.txt", views.robots_txt, name="robots-txt"),
]
