from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicConfig(AppConfig):
    """The public portal: published reports and the feedback form, without login."""

    name = "zhenggai.public"
    label = "public"
    verbose_name = _("公开门户")
