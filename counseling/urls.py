from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from counseling.views import health, home, notifications, privacy, roster, signin, twofactor

urlpatterns = [
    path("", home.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", signin.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("accounts/two-factor/", twofactor.two_factor, name="two_factor"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("notifications/", notifications.notification_list, name="notifications"),
    path("notifications/<int:pk>/open/", notifications.notification_open, name="notification_open"),
    path("notifications/read-all/", notifications.notification_read_all, name="notification_read_all"),
    path("directory/roster/", roster.roster_import, name="roster_import"),
    path("directory/sign-in-sheets/", signin.signin_sheets, name="signin_sheets"),
    path("cases/", include("counseling.cases.urls")),
    path("appointments/", include("appointments.urls")),
    path("archives/", include("archives.urls")),
    path("campaigns/", include("campaigns.urls")),
    path("reports/", include("counseling.reports.urls")),
    path("schoolyear/", include("counseling.schoolyear.urls")),
    path("health/", health.health, name="health"),
    path("help/", privacy.help_page, name="help"),
    path("privacy/", privacy.privacy, name="privacy"),
    path("admin/", admin.site.urls),
]
