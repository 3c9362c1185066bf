from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OmnichannelConfig(AppConfig):
    name = "frontdoor.omnichannel"
    label = "omnichannel"
    verbose_name = _("Omnichannel")
