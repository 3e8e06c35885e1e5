"""The district office's site, served on the district's own host name (the shared schema).

It has the accounts pages every site has (sign-in, password, second factor), the help and privacy
pages the layout links to, and the district office's own pages; none of a school's pages exist here.
"""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from counseling.district import views, views_campaigns, views_stats
from counseling.views import notifications, privacy, signin, twofactor

urlpatterns = [
    path("", views.home, name="home"),
    path("schools/new/", views.school_add, name="district_school_add"),
    path("schools/<int:pk>/", views.school_detail, name="district_school"),
    path("schools/<int:pk>/administrators/<int:user>/link/", views.administrator_link, name="district_admin_link"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", signin.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("accounts/two-factor/", twofactor.two_factor, name="two_factor"),
    path("accounts/recovery-codes/", twofactor.recovery_codes, name="recovery_codes"),
    path("accounts/set-password/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("accounts/set-password/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("notifications/", notifications.notification_list, name="notifications"),
    path("notifications/<int:pk>/open/", notifications.notification_open, name="notification_open"),
    path("notifications/read-all/", notifications.notification_read_all, name="notification_read_all"),
    path("help/", privacy.help_page, name="help"),
    path("privacy/", privacy.privacy, name="privacy"),
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
