"""The district office's site, served on the district's own host name (the shared schema).

It has the accounts pages every site has (sign-in, password, second factor), the help and privacy
pages the layout links to, and the district office's own pages; none of a school's pages exist here.
"""

from django.urls import path

from counseling.district import views, views_campaigns, views_stats
from counseling.views import account_urls

urlpatterns = [
    path("", views.home, name="home"),
    path("schools/new/", views.school_add, name="district_school_add"),
    path("schools/<int:pk>/", views.school_detail, name="district_school"),
    path("schools/<int:pk>/administrators/<int:user>/link/", views.administrator_link, name="district_admin_link"),
    *account_urls.urlpatterns,
    # District campaigns and the schools' submissions.
    path("campaigns/", views_campaigns.campaign_list, name="district_campaigns"),
    path("campaigns/new/", views_campaigns.campaign_create, name="district_campaign_create"),
    path("campaigns/<int:pk>/", views_campaigns.campaign_detail, name="district_campaign"),
    path("campaigns/<int:pk>/edit/", views_campaigns.campaign_edit, name="district_campaign_edit"),
    path("campaigns/<int:pk>/publish/", views_campaigns.campaign_publish, name="district_campaign_publish"),
    path("campaigns/files/<int:pk>/", views_campaigns.submission_file, name="district_submission_file"),
    # Counts by school and district-wide screenings.
    path("counts/", views_stats.aggregates, name="district_aggregates"),
    path("screenings/", views_stats.screening_list, name="district_screenings"),
    path("screenings/<int:pk>/", views_stats.screening_detail, name="district_screening"),
]
