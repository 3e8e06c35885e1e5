from django.urls import path

from counseling.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("generate/", views.report_generate, name="generate"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/progress/", views.report_progress, name="progress"),
    path("<int:pk>/narrative/", views.report_narrative, name="narrative"),
    path("<int:pk>/publish/", views.report_publish, name="publish"),
    path("<int:pk>/pdf/", views.report_pdf, name="pdf"),
    path("<int:pk>/xlsx/", views.report_xlsx, name="xlsx"),
    path("<int:pk>/chart/<str:key>.svg", views.report_chart, name="chart"),
]
