from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QualityConfig(AppConfig):
    name = "zhenggai.quality"
    label = "quality"
    verbose_name = _("形式整改体检")
