from django.urls import path

from archives.views import (
    archive,
    classroom,
    focus,
    instruments,
    results,
    screenings,
    staff,
    surveys,
    visits,
    warnings,
    zero,
)

app_name = "archives"

urlpatterns = [
    # Students
    path("surveys/", surveys.my_surveys, name="my_surveys"),
    path("surveys/<int:screening_id>/", surveys.survey, name="survey"),
    path("surveys/<int:screening_id>/thanks/", surveys.survey_done, name="survey_done"),
    # Instrument library
    path("instruments/", instruments.instrument_list, name="instrument_list"),
    path("instruments/format/", instruments.instrument_format, name="instrument_format"),
    path("instruments/import/", instruments.instrument_import, name="instrument_import"),
    path("instruments/new/", instruments.instrument_build, name="instrument_build"),
    path("instruments/<int:pk>/", instruments.instrument_detail, name="instrument_detail"),
    path("instruments/<int:pk>/export/", instruments.instrument_export, name="instrument_export"),
    path("instruments/<int:pk>/retire/", instruments.instrument_retire, name="instrument_retire"),
    # Screenings
    path("screenings/", screenings.screening_list, name="screening_list"),
    path("screenings/new/", screenings.screening_create, name="screening_create"),
    path("screenings/from-district/<int:template_id>/", screenings.screening_from_district, name="screening_from_district"),
    path("screenings/<int:pk>/", screenings.screening_detail, name="screening_detail"),
    path("screenings/<int:pk>/edit/", screenings.screening_edit, name="screening_edit"),
    path("screenings/<int:pk>/publish/", screenings.screening_publish, name="screening_publish"),
    path("screenings/<int:pk>/close/", screenings.screening_close, name="screening_close"),
    path("screenings/<int:pk>/delete/", screenings.screening_delete, name="screening_delete"),
    path("screenings/<int:pk>/remind/", screenings.screening_remind, name="screening_remind"),
    path("screenings/<int:pk>/paper/", screenings.screening_paper, name="screening_paper"),
    path("screenings/<int:pk>/results/", results.screening_results, name="screening_results"),
    path("results/", results.results_index, name="results_index"),
    path("submissions/<int:pk>/", results.submission_detail, name="submission_detail"),
    # Warnings
    path("warnings/", warnings.warning_list, name="warning_list"),
    path("warnings/<int:pk>/", warnings.warning_detail, name="warning_detail"),
    path("warnings/<int:pk>/contacted/", warnings.warning_contacted, name="warning_contacted"),
    path("warnings/<int:pk>/dismiss/", warnings.warning_dismiss, name="warning_dismiss"),
    path("warnings/<int:pk>/open-case/", warnings.warning_open_case, name="warning_open_case"),
    path("warnings/<int:pk>/reassign/", warnings.warning_reassign, name="warning_reassign"),
    # Archives and the focus list
    path("students/", archive.archive_list, name="archive_list"),
    path("students/<int:pk>/", archive.archive_detail, name="archive_detail"),
    path("students/<int:pk>/print/", archive.archive_print, name="archive_print"),
    path("students/<int:student_pk>/focus/", focus.focus_add, name="focus_add"),
    path("focus/", focus.focus_list, name="focus_list"),
    path("focus/<int:pk>/edit/", focus.focus_edit, name="focus_edit"),
    path("focus/<int:pk>/review/", focus.focus_review, name="focus_review"),
    # Class teachers
    path("my-class/", classroom.class_focus, name="class_focus"),
    path("my-class/log/", classroom.class_log_add, name="class_log_add"),
    path("my-class/surveys/", classroom.class_completion, name="class_completion"),
    # Home visits (家访) and the home–school contact card
    path("home-visits/", visits.visit_overview, name="visit_overview"),
    path("home-visits/class/<int:class_pk>/", visits.visit_class, name="visit_class"),
    path("home-visits/pupil/<int:student_pk>/plan/", visits.visit_plan, name="visit_plan"),
    path("home-visits/pupil/<int:student_pk>/record/", visits.visit_record, name="visit_record"),
    path("home-visits/pupil/<int:student_pk>/card/", visits.visit_card, name="visit_card"),
    path("home-visits/<int:pk>/", visits.visit_edit, name="visit_edit"),
    path("home-visits/<int:pk>/cancel/", visits.visit_cancel, name="visit_cancel"),
    # Zero report
    path("zero-report/", zero.zero_mine, name="zero_mine"),
    path("zero-report/<int:window_pk>/<int:class_pk>/", zero.zero_file, name="zero_file"),
    path("zero-reports/", zero.zero_windows, name="zero_windows"),
    path("zero-reports/new/", zero.zero_window_create, name="zero_window_create"),
    path("zero-reports/<int:pk>/", zero.zero_window_detail, name="zero_window_detail"),
    # Office set-up
    path("grade-counselors/", staff.grade_counselors, name="grade_counselors"),
]
