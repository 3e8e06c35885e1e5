from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    STUDENT = "student", _("Student")
    CLASS_TEACHER = "class_teacher", _("Class teacher")
    COUNSELOR = "counselor", _("Counselor")
    HEAD_COUNSELOR = "head_counselor", _("Head counselor")
    LEADER = "leader", _("School leader")
    ADMINISTRATOR = "administrator", _("Administrator")
    # A parent or other guardian of one or more students (家长), invited by the school.
    GUARDIAN = "guardian", _("Guardian")
    # The district's office (区教育局德育科) in a district installation: it signs in on the district's
    # own site, never a school's, and sees no student of any school.
    DISTRICT = "district", _("District office")


class ClientKind(models.TextChoices):
    """Who a consultation or a case is for: the office serves students, teachers and families."""

    STUDENT = "student", _("Student")
    TEACHER = "teacher", _("Teacher")
    GUARDIAN = "guardian", _("Guardian")


class Gender(models.TextChoices):
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")


class Channel(models.TextChoices):
    """How a consultation happens (面谈、电话、网络、信件)."""

    FACE_TO_FACE = "face_to_face", _("Face to face")
    PHONE = "phone", _("Phone")
    ONLINE = "online", _("Online")
    LETTER = "letter", _("Letter")


# Guardian consent (监护人知情同意): people's facts, asked by screenings and case records alike.
class ConsentPurpose(models.TextChoices):
    SCREENING = "screening", _("Psychological screening")
    GUARDIAN_CONTACT = "guardian_contact", _("Counseling contact with the guardian")


class ConsentState(models.TextChoices):
    GIVEN = "given", _("Given")
    REFUSED = "refused", _("Refused")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    UNKNOWN = "unknown", _("Unknown")


# A guardian who refused, or withdrew what they had given, has opted out: their child is not asked.
OPTED_OUT = (ConsentState.REFUSED, ConsentState.WITHDRAWN)


class ConsentMethod(models.TextChoices):
    PAPER = "paper", _("Paper form")
    PHONE = "phone", _("Phone call")
    IN_PERSON = "in_person", _("In person")
    ONLINE = "online", _("Signed online by the guardian")


class GuardianRelation(models.TextChoices):
    MOTHER = "mother", _("Mother")
    FATHER = "father", _("Father")
    GRANDPARENT = "grandparent", _("Grandparent")
    OTHER = "other", _("Other guardian")


class InvitationChannel(models.TextChoices):
    LINK = "link", _("One-time link")
    SLIP = "slip", _("Printed slip")


class NoticeAudience(models.TextChoices):
    CLASS = "class", _("One class")
    GRADE = "grade", _("One grade")
    SCHOOL = "school", _("The whole school")
