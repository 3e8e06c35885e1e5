"""Services of the school-year app. The archives app imports the consent rule from here."""

from counseling.schoolyear.services.consent import consent_state, opted_out_students, screening_permitted
from counseling.schoolyear.services.rollover import graduated_students

__all__ = ["consent_state", "graduated_students", "opted_out_students", "screening_permitted"]
