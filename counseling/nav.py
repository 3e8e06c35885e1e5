from django.utils.translation import gettext_lazy as _

from counseling.hooks import NavItem

ITEMS = [
    NavItem(_("Roster import"), "roster_import", "counseling.import_roster", order=900),
    NavItem(_("Sign-in sheets"), "signin_sheets", "counseling.issue_passwords", order=905),
    NavItem(_("School directory"), "directory_classes", "counseling.manage_directory", order=910),
    NavItem(_("Staff accounts"), "staff_list", "counseling.manage_staff", order=912),
    NavItem(_("Account requests"), "staff_requests", "counseling.confirm_staff_requests", order=915),
    NavItem(_("System health"), "health", "counseling.view_health", order=950),
]
