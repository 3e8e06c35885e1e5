"""Which counselor answers for which grade (年级心理辅导教师)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from counseling.roles import counselor_choices


class GradeCounselor(models.Model):
    """The counselor responsible for a grade: screening warnings of its students go to them."""

    grade = models.OneToOneField(
        "counseling.Grade", on_delete=models.CASCADE, related_name="counselor_assignment", verbose_name=_("grade")
    )
    counselor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        limit_choices_to=counselor_choices,
        verbose_name=_("counselor"),
    )

    class Meta:
        verbose_name = _("grade counselor")
        verbose_name_plural = _("grade counselors")
        ordering = ["grade__level"]

    def __str__(self) -> str:
        return f"{self.grade}: {self.counselor}"
