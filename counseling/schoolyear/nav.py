from django.utils.translation import gettext_lazy as _

from counseling.hooks import NavItem

ITEMS = [
    NavItem(_("Guardian consent"), "schoolyear:consent_classes", "counseling.record_consent", order=700),
    NavItem(_("Data requests"), "schoolyear:export_search", "counseling.export_student_data", order=860),
    NavItem(_("Retention"), "schoolyear:retention", "schoolyear.manage_retention", order=870),
    NavItem(_("Terms and school years"), "schoolyear:index", "counseling.manage_directory", order=890),
]
