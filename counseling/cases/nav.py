from django.utils.translation import gettext_lazy as _

from counseling.hooks import NavItem

ITEMS = [
    NavItem(_("Cases"), "cases:case_list", "cases.view_cases", order=200),
    NavItem(_("Risk signals"), "cases:triage", "cases.triage_signals", order=210),
    NavItem(_("Crisis escalations"), "cases:crisis_list", "cases.view_escalations", order=220),
    NavItem(_("Pass on a concern"), "cases:concern_mine", "cases.refer_student", order=230),
    NavItem(_("Case statistics"), "cases:statistics", "cases.view_statistics", order=250),
    NavItem(_("Complaints and feedback"), "cases:complaint_mine", "cases.file_complaint", order=980),
]
