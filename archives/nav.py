from django.utils.translation import gettext_lazy as _

from counseling.hooks import NavItem

ITEMS = [
    NavItem(_("My surveys"), "archives:my_surveys", "archives.answer_survey", order=300),
    NavItem(_("Warnings"), "archives:warning_list", "archives.handle_warnings", order=300),
    NavItem(_("Screenings"), "archives:screening_list", "archives.manage_screenings", order=310),
    NavItem(_("Student archives"), "archives:archive_list", "archives.view_archive", order=320),
    NavItem(_("Focus list"), "archives:focus_list", "archives.manage_focus_list", order=330),
    NavItem(_("Survey results"), "archives:results_index", "archives.view_screening_results", order=340),
    NavItem(_("Zero reports"), "archives:zero_windows", "archives.view_zero_reports", order=350),
    NavItem(_("My class"), "archives:class_focus", "archives.view_class_focus", order=300),
    NavItem(_("Zero report"), "archives:zero_mine", "archives.file_zero_report", order=350),
    NavItem(_("Home visits"), "archives:visit_overview", "archives.record_home_visits", order=360),
    NavItem(_("Home visits"), "archives:visit_overview", "archives.view_home_visits", order=360),
]
