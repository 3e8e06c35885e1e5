from django.utils.translation import gettext_lazy as _

from counseling.hooks import NavItem

ITEMS = [
    NavItem(_("Appointments"), "appointments:mine", "appointments.book", order=100),
    NavItem(_("Agenda"), "appointments:week", "appointments.view_agenda", order=100),
    NavItem(_("Group sessions"), "appointments:groups", "appointments.join_group", order=105),
    NavItem(_("Group sessions"), "appointments:groups", "appointments.view_agenda", order=105),
    NavItem(_("Write to the office"), "appointments:my_letters", "appointments.send_letter", order=110),
    NavItem(_("Mailbox"), "appointments:mailbox", "appointments.work_mailbox", order=110),
    NavItem(_("Opening hours"), "appointments:hours", "appointments.manage_hours", order=120),
]
