"""Home-page panels: the administrator's reminder of the new school year, a class teacher's
unanswered consent forms (see counseling.hooks). At most two small queries each."""

from __future__ import annotations

from django.http import HttpRequest

from counseling.enums import ConsentPurpose
from counseling.hooks import Panel
from counseling.models import Term
from counseling.schoolyear.models import YearRollover
from counseling.schoolyear.services.terms import year_label
from counseling.services.consent import classes_with_counts


def panels(request: HttpRequest) -> list[Panel]:
    user = request.user
    result = []
    if user.has_perm("counseling.run_new_year"):
        current = Term.objects.current()
        if (
            current is not None
            and current.semester == 2
            and not YearRollover.objects.filter(school_year=current.school_year + 1).exists()
        ):
            result.append(
                Panel("schoolyear/panels/new_year.html", {"year": year_label(current.school_year + 1)}, order=60)
            )
    if user.has_perm("counseling.record_consent") and not user.has_perm("schoolyear.record_consent_any_class"):
        classes = [c for c in classes_with_counts(user, ConsentPurpose.SCREENING) if c.total > c.given + c.opted_out]
        for school_class in classes:
            school_class.unknown = school_class.total - school_class.given - school_class.opted_out
        if classes:
            result.append(Panel("schoolyear/panels/consent.html", {"classes": classes}, order=70))
    return result
