"""The instrument library: questionnaires and scales, each kept as a checked definition (data)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from archives.texts import localized


class InstrumentSource(models.TextChoices):
    BUILTIN = "builtin", _("Shipped with the software")
    IMPORTED = "imported", _("Imported from a definition file")
    BUILT = "built", _("Built in the app")


class InstrumentQuerySet(models.QuerySet):
    def active(self) -> InstrumentQuerySet:
        return self.filter(is_active=True)


class Instrument(models.Model):
    """One questionnaire or scale. ``definition`` is the normalised definition (see services.definition).

    A few facts are copied out of the definition into columns so lists can show and filter them
    without reading the JSON.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    version = models.CharField(_("version"), max_length=20)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    definition = models.JSONField(_("definition"))
    source = models.CharField(_("source"), max_length=10, choices=InstrumentSource.choices)
    is_scored = models.BooleanField(_("scored"), default=False)
    item_count = models.PositiveSmallIntegerField(_("items"), default=0)
    min_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    max_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = InstrumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")
        ordering = ["source", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return localized({"zh-hans": self.name_zh, "en": self.name_en})

    @property
    def short_name(self) -> str:
        return localized(self.definition.get("short_name")) or self.name

    @property
    def notice(self) -> str:
        return localized(self.definition.get("notice"))

    @property
    def items(self) -> list[dict]:
        return self.definition["items"]

    @property
    def bands(self) -> list[dict]:
        scoring = self.definition.get("scoring")
        return scoring["total"]["bands"] if scoring else []

    def band_label(self, code: str) -> str:
        for band in self.bands:
            if band["code"] == code:
                return localized(band["label"])
        return ""

    @property
    def age_range(self) -> str:
        if self.min_age and self.max_age:
            return f"{self.min_age}–{self.max_age}"
        if self.min_age:
            return f"{self.min_age}+"
        if self.max_age:
            return f"≤{self.max_age}"
        return ""
