from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Station(models.Model):
    """A node of the 中心 → 所 → 站 tree. Data belongs to a station; reach follows the tree.

    `path` is the materialised chain of codes from the root (`/DANGTU/DANGTU-KFQ/JIAOJIA/`), so a
    subtree is one indexed prefix filter at any depth; it is written only by `station_create`.
    """

    class Kind(models.TextChoices):
        CENTER = "center", _("新时代文明实践中心")
        INSTITUTE = "institute", _("新时代文明实践所")
        STATION = "station", _("新时代文明实践站")

    code = models.CharField(
        _("编码"),
        max_length=32,
        unique=True,
        validators=[
            RegexValidator(r"^[A-Z0-9][A-Z0-9-]*$", _("编码只能包含大写字母、数字和连字符"))
        ],
    )
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("层级"), max_length=16, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    path = models.CharField(max_length=400, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["path"]
        verbose_name = _("站点")
        verbose_name_plural = _("站点")

    def __str__(self) -> str:
        return self.name

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2

    @property
    def ancestor_codes(self) -> list[str]:
        return self.path.strip("/").split("/")[:-1]
