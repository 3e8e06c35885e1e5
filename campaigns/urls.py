from django.urls import path

from campaigns.views import (
    calendar,
    campaigns,
    classwork,
    contests,
    district,
    events,
    families,
    public,
    reports,
    students,
    summary,
    tasks,
)

app_name = "campaigns"

urlpatterns = [
    # Staff: campaigns
    path("", campaigns.campaign_list, name="list"),
    path("new/", campaigns.campaign_create, name="create"),
    path("new/blank/", campaigns.campaign_create_blank, name="create_blank"),
    path("new/district/<int:pk>/", district.campaign_from_district, name="create_from_district"),
    path("<int:pk>/", campaigns.campaign_detail, name="detail"),
    path("<int:pk>/edit/", campaigns.campaign_edit, name="edit"),
    path("<int:pk>/publish/", campaigns.campaign_publish, name="publish"),
    # Events and registrations
    path("<int:pk>/events/new/", events.event_add, name="event_add"),
    path("events/<int:pk>/edit/", events.event_edit, name="event_edit"),
    path("events/<int:pk>/delete/", events.event_delete, name="event_delete"),
    path("events/<int:pk>/registrations/", events.event_registrations, name="event_registrations"),
    # Tasks
    path("<int:pk>/tasks/new/", tasks.task_add, name="task_add"),
    path("tasks/<int:pk>/edit/", tasks.task_edit, name="task_edit"),
    path("tasks/<int:pk>/status/", tasks.task_status, name="task_status"),
    # Contests, judging, results
    path("<int:pk>/contests/new/", contests.contest_add, name="contest_add"),
    path("contests/<int:pk>/", contests.contest_detail, name="contest"),
    path("contests/<int:pk>/edit/", contests.contest_edit, name="contest_edit"),
    path("contests/<int:pk>/finalise/", contests.contest_finalise, name="contest_finalise"),
    path("entries/<int:pk>/score/", contests.entry_score, name="entry_score"),
    path("entries/<int:pk>/file/", contests.entry_file, name="entry_file"),
    # Required reports
    path("<int:pk>/reports/new/", reports.report_add, name="report_add"),
    path("reports/<int:pk>/", reports.report_detail, name="report"),
    path("reports/<int:pk>/edit/", reports.report_edit, name="report_edit"),
    path("reports/<int:pk>/remind/", reports.report_remind, name="report_remind"),
    path("report-files/<int:pk>/", reports.report_file, name="report_file"),
    # Class teachers
    path("class/", classwork.class_work, name="class_work"),
    path("contests/<int:pk>/submit/", classwork.entry_submit, name="entry_submit"),
    path("entries/<int:pk>/withdraw/", classwork.entry_withdraw, name="entry_withdraw"),
    path("reports/<int:pk>/submit/", classwork.report_submit, name="report_submit"),
    path("report-files/<int:pk>/withdraw/", classwork.report_withdraw, name="report_withdraw"),
    # Students
    path("events/", students.my_events, name="my_events"),
    path("events/<int:pk>/register/", students.register, name="register"),
    path("events/<int:pk>/unregister/", students.unregister, name="unregister"),
    # Parent classes and meetings: guardians
    path("families/", families.family_events, name="family_events"),
    path("families/events/<int:pk>/register/", families.family_register, name="family_register"),
    path("families/events/<int:pk>/cancel/", families.family_cancel, name="family_cancel"),
    path("families/events/<int:pk>/feedback/", families.family_feedback, name="family_feedback"),
    path("event-materials/<int:pk>/", families.material_file, name="material_file"),
    # Parent classes and meetings: the organiser
    path("events/<int:pk>/families/", families.family_event, name="family_event"),
    path("events/<int:pk>/families/attendance/", families.family_attendance, name="family_attendance"),
    path("events/<int:pk>/families/walk-in/", families.family_walk_in, name="family_walk_in"),
    path("events/<int:pk>/materials/", families.material_add, name="material_add"),
    path("event-materials/<int:pk>/delete/", families.material_delete, name="material_delete"),
    path("events/<int:pk>/feedback-form/", families.feedback_choose, name="feedback_choose"),
    # Summary and materials
    path("<int:pk>/summary/", summary.summary_edit, name="summary"),
    path("<int:pk>/summary/photos/", summary.summary_photo_add, name="summary_photo_add"),
    path("<int:pk>/summary/submit/", summary.summary_submit, name="summary_submit"),
    path("<int:pk>/summary/send/", district.summary_send, name="summary_send"),
    path("<int:pk>/summary/print/", summary.summary_print, name="summary_print"),
    path("<int:pk>/summary.pdf", summary.summary_pdf, name="summary_pdf"),
    path("<int:pk>/materials.zip", summary.materials_zip, name="materials_zip"),
    path("photos/<int:pk>/", summary.summary_photo, name="summary_photo"),
    path("photos/<int:pk>/delete/", summary.summary_photo_delete, name="summary_photo_delete"),
    # Calendar and leaderboard
    path("planner/", calendar.planner, name="planner"),
    path("leaderboard/", calendar.leaderboard, name="leaderboard"),
    path("calendar.ics", calendar.calendar_feed, name="calendar_feed"),
    # Public programme (no sign-in)
    path("programme/", public.programme_index, name="programme_index"),
    path("programme/<int:pk>/", public.programme, name="programme"),
    path("programme/<int:pk>/calendar.ics", public.programme_ics, name="programme_ics"),
]
