"""Group sessions (团体辅导): one counselor, a room, a time and a number of seats."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from counseling.roles import counselor_choices


class GroupSessionQuerySet(models.QuerySet):
    def upcoming(self) -> GroupSessionQuerySet:
        return self.filter(is_cancelled=False, starts_at__gt=timezone.now())

    def visible_to(self, user) -> GroupSessionQuerySet:
        """Counseling staff see every session; students the open ones and those they joined."""
        if not (user and user.is_authenticated):
            return self.none()
        if user.has_perm("appointments.view_agenda"):
            return self.all()
        if user.has_perm("appointments.join_group"):
            joined = GroupParticipant.objects.filter(session=OuterRef("pk"), student=user)
            return self.filter(Q(is_cancelled=False) | Exists(joined))
        return self.none()


class GroupSession(models.Model):
    counselor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to=counselor_choices,
        verbose_name=_("counselor"),
    )
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    room = models.CharField(_("room"), max_length=100)
    capacity = models.PositiveSmallIntegerField(
        _("seats"), validators=[MinValueValidator(2), MaxValueValidator(200)], default=8
    )
    # Kept beside the participant rows and checked by the database, so no race can overfill a session.
    seats_taken = models.PositiveSmallIntegerField(_("seats taken"), default=0)
    is_cancelled = models.BooleanField(_("cancelled"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = GroupSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("group session")
        verbose_name_plural = _("group sessions")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="group_ends_after_start"),
            models.CheckConstraint(condition=Q(seats_taken__lte=F("capacity")), name="group_not_overfull"),
        ]

    def __str__(self) -> str:
        return f"{self.title} {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"

    @property
    def seats_left(self) -> int:
        return max(self.capacity - self.seats_taken, 0)

    @property
    def is_full(self) -> bool:
        return self.seats_taken >= self.capacity


class GroupParticipant(models.Model):
    session = models.ForeignKey(GroupSession, on_delete=models.CASCADE, related_name="participants")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="group_seats")
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("group participant")
        verbose_name_plural = _("group participants")
        ordering = ["joined_at", "id"]
        constraints = [models.UniqueConstraint(fields=["session", "student"], name="one_seat_per_student")]

    def __str__(self) -> str:
        return f"{self.session} · {self.student}"
