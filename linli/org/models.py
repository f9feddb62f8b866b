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
    # A closed station keeps its records, read-only: the gate refuses every write to it.
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True, editable=False)
    # Whether this station's supervisors may create, rename, move and close the stations under it.
    delegates_administration = models.BooleanField(_("下级站点由本级工作人员管理"), default=False)

    class Meta:
        ordering = ["path"]
        verbose_name = _("站点")
        verbose_name_plural = _("站点")

    def __str__(self) -> str:
        return self.name

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    @property
    def depth(self) -> int:
        return self.path.count("/") - 2

    @property
    def ancestor_codes(self) -> list[str]:
        return self.path.strip("/").split("/")[:-1]


class Grid(models.Model):
    """网格: a patch of the community looked after by one grid worker (网格员)."""

    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="grids")
    name = models.CharField(_("网格名称"), max_length=50)
    worker = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="grids",
        verbose_name=_("网格员"),
    )

    class Meta:
        ordering = ["station_id", "name"]
        constraints = [models.UniqueConstraint(fields=["station", "name"], name="grid_name_once")]
        verbose_name = _("网格")
        verbose_name_plural = _("网格")

    def __str__(self) -> str:
        return self.name


class Estate(models.Model):
    """小区: a residential estate of a station's community."""

    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="estates")
    name = models.CharField(_("小区名称"), max_length=50)
    address = models.CharField(_("地址"), max_length=200, blank=True)

    class Meta:
        ordering = ["station_id", "name"]
        constraints = [models.UniqueConstraint(fields=["station", "name"], name="estate_name_once")]
        verbose_name = _("小区")
        verbose_name_plural = _("小区")

    def __str__(self) -> str:
        return self.name


class Building(models.Model):
    """楼栋: a residential building of an estate; its households are numbered by unit and room."""

    estate = models.ForeignKey(Estate, on_delete=models.PROTECT, related_name="buildings")
    number = models.CharField(_("楼栋号"), max_length=20)
    grid = models.ForeignKey(
        Grid,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="buildings",
        verbose_name=_("网格"),
    )
    unit_count = models.PositiveSmallIntegerField(_("单元数"), default=1)
    floors = models.PositiveSmallIntegerField(_("层数"), default=6)

    class Meta:
        ordering = ["estate_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["estate", "number"], name="building_number_once")
        ]
        verbose_name = _("楼栋")
        verbose_name_plural = _("楼栋")

    def __str__(self) -> str:
        return f"{self.estate.name}{self.number}栋"
