from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    name = "frontdoor.identity"
    label = "identity"
    verbose_name = _("Staff and permissions")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from .roles import ensure_roles

        post_migrate.connect(ensure_roles, sender=self)
