"""The Django admin: for superusers (who run the installation) only, and never a door to clinical data.

- Only active superusers enter (``admin.site.has_permission``); administrators manage staff and the
  directory in the product (counseling.views.staff, counseling.views.directory), where the acts that
  open confidential content wait for a head counselor.
- No confidential model (cases, notes, answers, audit) is registered, and nothing can be deleted
  here: Django's delete confirmation lists every related object (a student's screenings, warnings,
  cases), so deleting people, and the bulk "delete selected" action, are switched off.
- Roles and activation are read-only, accounts are not created here, and the password of someone
  whose role reads confidential content cannot be changed here: those are two-person acts in the
  product. The authenticator devices are not registered (deleting or reading one would reset or
  copy a second factor).
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from counseling.models import ConcernCategory, Grade, SchoolClass, StudentProfile, Term, User
from counseling.roles import reads_confidential


def _superusers_only(request: HttpRequest) -> bool:
    return bool(request.user.is_active and request.user.is_superuser)


admin.site.has_permission = _superusers_only
admin.site.disable_action("delete_selected")
for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


class NoDeleteAdmin(admin.ModelAdmin):
    """Nothing is deleted in the admin: its confirmation page would list the related records."""

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(User)
class UserAdmin(NoDeleteAdmin, BaseUserAdmin):
    list_display = ("username", "name", "role", "email", "is_active")
    list_filter = ("role", "is_active")
    search_fields = ("username", "name", "email")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("name", "role", "email", "phone")}),
        (_("Access"), {"fields": ("is_active", "is_staff", "last_login", "date_joined")}),
    )
    readonly_fields = ("role", "is_active", "is_staff", "last_login", "date_joined")

    def has_add_permission(self, request) -> bool:
        # Staff accounts are created in the product (counseling.services.staff), students by the roster import.
        return False

    def user_change_password(self, request, id, form_url=""):
        user = get_object_or_404(User, pk=id)
        if reads_confidential(user.role):
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)


@admin.register(Term)
class TermAdmin(NoDeleteAdmin):
    list_display = ("name", "start", "end", "is_current")


@admin.register(Grade)
class GradeAdmin(NoDeleteAdmin):
    list_display = ("name", "level", "is_graduating")


@admin.register(SchoolClass)
class SchoolClassAdmin(NoDeleteAdmin):
    list_display = ("__str__", "grade", "number", "class_teacher", "entry_year", "is_archived")
    list_filter = ("grade", "is_archived")
    list_select_related = ("grade", "class_teacher")


@admin.register(StudentProfile)
class StudentProfileAdmin(NoDeleteAdmin):
    list_display = ("student_number", "user", "school_class", "gender", "is_committee_member", "is_archived")
    list_filter = ("school_class__grade", "is_committee_member", "is_archived")
    search_fields = ("student_number", "user__name")
    list_select_related = ("user", "school_class__grade")
    raw_id_fields = ("user",)


@admin.register(ConcernCategory)
class ConcernCategoryAdmin(NoDeleteAdmin):
    list_display = ("code", "name_zh", "name_en", "signals_risk", "order", "is_active")
