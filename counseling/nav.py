from django.utils.translation import gettext_lazy as _

from counseling.hooks import NavItem

ITEMS = [
    # A guardian's own pages (they hold no other permission, so these are all their menu shows).
    NavItem(_("Consent requests"), "family_consent_list", "counseling.answer_consent", order=100),
    NavItem(_("Add a child"), "family_join", "counseling.answer_consent", order=110),
    NavItem(_("Guardian accounts"), "family_classes", "counseling.invite_guardians", order=880),
    NavItem(_("Consent asked online"), "family_consent_requests", "counseling.record_consent", order=885),
    NavItem(_("Notices to families"), "family_notices", "counseling.send_family_notices", order=890),
    NavItem(_("Roster import"), "roster_import", "counseling.import_roster", order=900),
    NavItem(_("Sign-in sheets"), "signin_sheets", "counseling.issue_passwords", order=905),
    NavItem(_("School directory"), "directory_classes", "counseling.manage_directory", order=910),
    NavItem(_("Staff accounts"), "staff_list", "counseling.manage_staff", order=912),
    NavItem(_("Account requests"), "staff_requests", "counseling.confirm_staff_requests", order=915),
    NavItem(_("System health"), "health", "counseling.view_health", order=950),
]
