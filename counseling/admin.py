"""The Django admin, for administrators to manage the school directory.

Only directory models are registered: no confidential model (cases, notes, answers, audit) is
ever shown here.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from counseling.models import ConcernCategory, Grade, SchoolClass, StudentProfile, Term, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "name", "role", "email", "is_active")
    list_filter = ("role", "is_active")
    search_fields = ("username", "name", "email")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("name", "role", "email", "phone")}),
        (_("Access"), {"fields": ("is_active", "is_staff", "groups")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("username", "name", "role", "password1", "password2")}),)


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    list_display = ("name", "start", "end", "is_current")


@admin.register(Grade)
class GradeAdmin(admin.ModelAdmin):
    list_display = ("name", "level", "is_graduating")


@admin.register(SchoolClass)
class SchoolClassAdmin(admin.ModelAdmin):
    list_display = ("__str__", "grade", "number", "class_teacher", "entry_year", "is_archived")
    list_filter = ("grade", "is_archived")
    list_select_related = ("grade", "class_teacher")


@admin.register(StudentProfile)
class StudentProfileAdmin(admin.ModelAdmin):
    list_display = ("student_number", "user", "school_class", "gender", "is_committee_member", "is_archived")
    list_filter = ("school_class__grade", "is_committee_member", "is_archived")
    search_fields = ("student_number", "user__name")
    list_select_related = ("user", "school_class__grade")
    raw_id_fields = ("user",)


@admin.register(ConcernCategory)
class ConcernCategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name_zh", "name_en", "signals_risk", "order", "is_active")
