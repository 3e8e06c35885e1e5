"""Access rows for the school-year app (see counseling.tests.access)."""

from __future__ import annotations

from django.urls import reverse

from counseling.models import Term
from counseling.schoolyear.models import YearRollover
from counseling.tests.access import Route, expect

ADMIN = ("administrator",)
HEAD = ("head",)
CONSENT = ("class_teacher", "other_teacher", "counselor", "other_counselor", "head", "administrator")


def routes(cast, world: dict) -> dict[str, Route]:
    term = Term.objects.current()
    rollover = YearRollover.objects.create(school_year=term.school_year, term=term, applied_by=cast.administrator)
    school_class = cast.student.student_profile.school_class
    # The other teacher records consent for their own class only: the student's is out of scope.
    own_class_only = expect(200, roles=CONSENT, other_teacher=404)
    return {
        "schoolyear:index": Route(reverse("schoolyear:index"), expect(200, roles=ADMIN)),
        "schoolyear:term_create": Route(reverse("schoolyear:term_create"), expect(200, roles=ADMIN)),
        "schoolyear:term_make_current": Route(
            reverse("schoolyear:term_make_current", args=[term.pk]), expect(405, roles=ADMIN)
        ),
        "schoolyear:new_year": Route(reverse("schoolyear:new_year"), expect(200, roles=ADMIN)),
        "schoolyear:new_year_apply": Route(reverse("schoolyear:new_year_apply"), expect(405, roles=ADMIN)),
        "schoolyear:rollover": Route(reverse("schoolyear:rollover", args=[rollover.pk]), expect(200, roles=ADMIN)),
        "schoolyear:consent_classes": Route(reverse("schoolyear:consent_classes"), expect(200, roles=CONSENT)),
        "schoolyear:consent_class": Route(reverse("schoolyear:consent_class", args=[school_class.pk]), own_class_only),
        "schoolyear:consent_student": Route(
            reverse("schoolyear:consent_student", args=[cast.student.pk]), own_class_only
        ),
        "schoolyear:retention": Route(reverse("schoolyear:retention"), expect(200, roles=HEAD)),
        "schoolyear:retention_preview": Route(reverse("schoolyear:retention_preview"), expect(200, roles=HEAD)),
        "schoolyear:export_search": Route(reverse("schoolyear:export_search"), expect(200, roles=HEAD)),
        "schoolyear:export_student": Route(
            reverse("schoolyear:export_student", args=[cast.student.pk]), expect(200, roles=HEAD)
        ),
    }
