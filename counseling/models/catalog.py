"""Lists an office configures: the concern (topic) categories used by bookings, cases and reports."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class ConcernCategoryQuerySet(models.QuerySet):
    def active(self) -> ConcernCategoryQuerySet:
        return self.filter(is_active=True)


class ConcernCategory(models.Model):
    """A concern category (study, relationships, family ...), named in both interface languages."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=60)
    name_en = models.CharField(_("name (English)"), max_length=60)
    # A category that signals risk (e.g. self-harm): choosing it on a case prompts the crisis path.
    signals_risk = models.BooleanField(_("signals risk"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    objects = ConcernCategoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("concern category")
        verbose_name_plural = _("concern categories")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name_en if (get_language() or "").startswith("en") else self.name_zh
