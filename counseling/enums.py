from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    STUDENT = "student", _("Student")
    CLASS_TEACHER = "class_teacher", _("Class teacher")
    COUNSELOR = "counselor", _("Counselor")
    HEAD_COUNSELOR = "head_counselor", _("Head counselor")
    LEADER = "leader", _("School leader")
    ADMINISTRATOR = "administrator", _("Administrator")


class Gender(models.TextChoices):
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")


class Channel(models.TextChoices):
    """How a consultation happens (面谈、电话、网络、信件)."""

    FACE_TO_FACE = "face_to_face", _("Face to face")
    PHONE = "phone", _("Phone")
    ONLINE = "online", _("Online")
    LETTER = "letter", _("Letter")
