"""The pages every site of the installation has: signing in and out, the password and the second
factor, the language, the notifications, help and privacy. A school's site (counseling.urls) and the
district office's (counseling.district.urls) both start with them, so the layout's links work on both."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from counseling.decorators import sms_link_safe
from counseling.views import notifications, privacy, signin, twofactor

urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", signin.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("accounts/two-factor/", twofactor.two_factor, name="two_factor"),
    path("accounts/recovery-codes/", twofactor.recovery_codes, name="recovery_codes"),
    path(
        "accounts/set-password/<uidb64>/<token>/",
        # A one-time set-password link: safe in a text message (a new guardian's first sign-in).
        sms_link_safe(auth_views.PasswordResetConfirmView.as_view()),
        name="password_reset_confirm",
    ),
    path("accounts/set-password/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("notifications/", notifications.notification_list, name="notifications"),
    path("notifications/<int:pk>/open/", notifications.notification_open, name="notification_open"),
    path("notifications/read-all/", notifications.notification_read_all, name="notification_read_all"),
    path("help/", privacy.help_page, name="help"),
    path("privacy/", privacy.privacy, name="privacy"),
]
