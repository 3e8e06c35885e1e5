from django.urls import path

from counseling.schoolyear.views import consent, export, retention, years

app_name = "schoolyear"

urlpatterns = [
    path("", years.index, name="index"),
    path("terms/new/", years.term_create, name="term_create"),
    path("terms/<int:pk>/make-current/", years.term_make_current, name="term_make_current"),
    path("new-year/", years.new_year, name="new_year"),
    path("new-year/apply/", years.new_year_apply, name="new_year_apply"),
    path("new-year/<int:pk>/", years.rollover_detail, name="rollover"),
    path("consent/", consent.consent_classes, name="consent_classes"),
    path("consent/class/<int:pk>/", consent.consent_class, name="consent_class"),
    path("consent/student/<int:pk>/", consent.consent_student, name="consent_student"),
    path("retention/", retention.retention_settings, name="retention"),
    path("retention/preview/", retention.retention_preview, name="retention_preview"),
    path("data-requests/", export.export_search, name="export_search"),
    path("data-requests/<int:pk>/", export.export_student, name="export_student"),
]
