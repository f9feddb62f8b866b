"""服务类别: the fixed service categories of SPEC §4a, shared by volunteers, activities and menus."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ServiceCategory(models.TextChoices):
    COMMUNITY = "community", _("社区服务")
    ELDERLY_DISABLED = "elderly_disabled", _("助老助残")
    EDUCATION = "education", _("支教助学")
    HEALTH = "health", _("卫生健康")
    LEGAL = "legal", _("法律服务")
    CULTURE = "culture", _("文化体育")
    SCIENCE = "science", _("科技科普")
    ENVIRONMENT = "environment", _("生态环保")
    SAFETY = "safety", _("平安应急")
    CIVILITY = "civility", _("文明宣讲")
    FAMILY = "family", _("妇女儿童与家庭")
