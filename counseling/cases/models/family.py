"""What the office decided the family must know, sent from a case to a linked guardian account."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from counseling.crypto import EncryptedTextField
from counseling.services.family import children_of

from .cases import Case


class FamilyMessageQuerySet(models.QuerySet):
    def visible_to(self, user) -> FamilyMessageQuerySet:
        """Messages of the cases the user may read (see ``CaseQuerySet.visible_to``)."""
        return self.filter(case__in=Case.objects.visible_to(user))

    def sent_to(self, guardian) -> FamilyMessageQuerySet:
        """The guardian's door: messages written to them, about a child they are still linked to
        (a revoked link closes everything about that child, these messages included)."""
        return self.filter(guardian=guardian, case__student__in=children_of(guardian))


class FamilyMessage(models.Model):
    """One message from a counselor to one guardian of the case's student.

    This is the only way anything from a case reaches a family: a counselor writes it, on purpose,
    to a guardian account linked to the student (counseling.services.family). The guardian reads it
    in their notices; the case keeps the text, encrypted like the notes.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="family_messages")
    guardian = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("guardian")
    )
    text = EncryptedTextField(_("message"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("sent by")
    )
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    objects = FamilyMessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("message to the family")
        verbose_name_plural = _("messages to the family")
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.guardian_id}"
