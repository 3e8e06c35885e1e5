from django.utils.translation import gettext_lazy as _

from counseling.hooks import NavItem

ITEMS = [
    NavItem(_("Campaigns"), "campaigns:list", "campaigns.view_planner", order=500),
    NavItem(_("Term planner"), "campaigns:planner", "campaigns.view_planner", order=510),
    NavItem(_("Class contests and reports"), "campaigns:class_work", "campaigns.submit_entry", order=520),
    NavItem(_("Campaign events"), "campaigns:my_events", "campaigns.register_event", order=530),
    NavItem(_("Parent classes"), "campaigns:family_events", "campaigns.attend_parent_class", order=540),
]
