"""A screening the district publishes for its schools to run (issue 19 §3).

The district chooses an instrument of the built-in library (by its code: the district's schema has
no instrument table, every school installs the same built-in scales), a title, a suggested window
and the grades (by level: each school has its own grade rows). A school runs it by making its own
screening from it (``archives.Screening.district_template`` holds this row's id); the district then
reads only counts of that screening, through the disclosure control.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from counseling.validators import school_date

__all__ = ["ScreeningTemplate"]


class ScreeningTemplate(models.Model):
    title = models.CharField(_("title"), max_length=200)
    instrument_code = models.SlugField(_("instrument"), max_length=40)
    opens_on = models.DateField(_("suggested start"), validators=school_date())
    closes_on = models.DateField(_("suggested end"), validators=school_date())
    # Grade levels (1-12), a list so the order survives jsonb.
    grade_levels = models.JSONField(_("grades"), default=list)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-opens_on", "-id"]
        verbose_name = _("district screening")
        verbose_name_plural = _("district screenings")
        constraints = [
            models.CheckConstraint(condition=Q(closes_on__gte=F("opens_on")), name="district_template_closes_after_opens")
        ]

    def __str__(self) -> str:
        return self.title
