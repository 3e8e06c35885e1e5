from django.utils.translation import gettext_lazy as _

from counseling.hooks import NavItem

ITEMS = [NavItem(_("Semester reports"), "reports:list", "reports.view_reports", order=800)]
