"""What each role may do: the one place that knows it.

Permissions are declared with `rules` and checked everywhere else by name:
``request.user.has_perm("appointments.book")`` in views (or the ``require_perm`` decorator) and
``{% if perms.appointments.book %}`` in templates. Nothing outside this module compares role
strings to decide access. Which *objects* a permitted user may reach is the job of each
model's scoped queryset (``visible_to(user)``); these permissions only open the door to a page.
"""

from __future__ import annotations

import datetime

import rules
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone

from counseling.enums import ClientKind, Role
from counseling.hooks import app_hooks
from counseling.models import User


def _role(*roles: Role) -> rules.Predicate:
    wanted = frozenset(roles)

    @rules.predicate(name="role in " + ",".join(sorted(wanted)))
    def check(user) -> bool:
        return bool(user and user.is_authenticated and user.is_active and user.role in wanted)

    return check


is_student = _role(Role.STUDENT)
is_class_teacher = _role(Role.CLASS_TEACHER)
is_counselor = _role(Role.COUNSELOR)
is_head = _role(Role.HEAD_COUNSELOR)
is_leader = _role(Role.LEADER)
is_administrator = _role(Role.ADMINISTRATOR)
is_guardian = _role(Role.GUARDIAN)


@rules.predicate
def is_district_office(user) -> bool:
    """The district office, and only on the district's own site (the shared schema): an account
    with that role inside a school's schema holds nothing."""
    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and user.role == Role.DISTRICT
        and getattr(connection, "schema_name", "") == "public"
    )


is_counseling_staff = is_counselor | is_head
# The school's staff: everyone signed in who is neither a student nor a family member.
is_staff_member = _role(Role.CLASS_TEACHER, Role.COUNSELOR, Role.HEAD_COUNSELOR, Role.LEADER, Role.ADMINISTRATOR)


@rules.predicate
def is_committee_member(user) -> bool:
    profile = getattr(user, "student_profile", None) if is_student(user) else None
    return bool(profile and profile.is_committee_member)


# The role -> permission table. Keys are "app_label.codename".
PERMISSIONS: dict[str, rules.Predicate] = {
    # People and the school directory
    "counseling.manage_directory": is_administrator,
    "counseling.import_roster": is_administrator,
    "counseling.issue_passwords": is_administrator,
    "counseling.view_health": is_administrator | is_head,
    "counseling.run_new_year": is_administrator,
    "counseling.manage_staff": is_administrator,  # propose, never grant alone, a role that reads confidential content
    "counseling.confirm_staff_requests": is_head,  # the second person of a two-person act (counseling.services.staff_requests)
    "counseling.record_consent": is_administrator | is_counseling_staff | is_class_teacher,
    "counseling.export_student_data": is_head,
    "counseling.counsel": is_counseling_staff,  # may be named someone's counselor (case, group, grade, rota)
    "counseling.receive_digest": is_counseling_staff | is_leader | is_class_teacher,
    "counseling.receive_weekly_note": is_head,
    # Whether a referred student is being followed: the class teacher follows their pupils with the
    # office; a committee member is a peer and learns only that the office has the concern
    # (a passed-on concern, or a letter about a classmate).
    "counseling.see_referral_outcome": is_class_teacher,
    # Families (counseling.services.invitations, consent_requests, family_notices). A class teacher
    # invites and writes to the guardians of their own classes only; the office reaches every class.
    "counseling.invite_guardians": is_administrator | is_class_teacher,
    "counseling.invite_any_class": is_administrator,
    "counseling.send_family_notices": is_administrator | is_counseling_staff | is_class_teacher,
    "counseling.notify_any_family": is_administrator | is_counseling_staff,
    # A guardian answers the school's requests for their own children (counseling.services.family).
    "counseling.answer_consent": is_guardian,
    "counseling.read_family_notices": is_guardian,
    # Appointments and opening hours. The office serves students, teachers and families
    # (面向全体师生及家长): class teachers and guardians book a consultation for themselves through the
    # same pages as students. Leaders and administrators do not: they receive escalations and
    # statistics of this office, and a client among them is booked by a counselor instead.
    "appointments.book": is_student | is_class_teacher | is_guardian,
    "appointments.join_group": is_student,
    "appointments.view_agenda": is_counseling_staff,
    "appointments.view_all_agendas": is_head,
    "appointments.manage_hours": is_administrator | is_head,
    "appointments.send_letter": is_student | is_class_teacher | is_guardian,
    "appointments.work_mailbox": is_counseling_staff,
    # Confidential case records
    "cases.view_cases": is_counseling_staff,
    "cases.view_all_cases": is_head,
    "cases.refer_student": is_class_teacher | is_committee_member,
    "cases.view_escalations": is_head | is_leader,
    "cases.handover": is_head,
    "cases.file_complaint": rules.is_authenticated,
    "cases.handle_complaints": is_head,
    "cases.read_audit": is_head,
    "cases.cosign_notes": is_head,
    "cases.view_crisis": is_counseling_staff | is_leader,
    "cases.receive_escalations": is_head | is_leader,
    "cases.view_statistics": is_head | is_leader | is_administrator,
    "cases.triage_signals": is_counseling_staff,
    # Archives, screenings, focus list, zero report
    "archives.view_archive": is_counseling_staff,
    "archives.manage_screenings": is_counseling_staff,
    # In a district, the head counselor runs the district's screenings in the school's own window.
    "archives.run_district_screening": is_head,
    "archives.manage_instruments": is_counseling_staff,
    "archives.answer_survey": is_student,
    "archives.handle_warnings": is_counseling_staff,
    "archives.manage_focus_list": is_counseling_staff,
    "archives.view_class_focus": is_class_teacher,
    "archives.file_zero_report": is_class_teacher,
    "archives.view_zero_reports": is_head,
    "archives.view_screening_results": is_counseling_staff | is_leader | is_administrator,
    "archives.view_class_completion": is_class_teacher,
    "archives.view_all_warnings": is_head,
    "archives.assign_grade_counselors": is_head,
    # Home visits (家访): class teachers plan and record them for the pupils of their classes; the
    # counseling staff read them (notes included); leaders see only the counts in the summary.
    "archives.record_home_visits": is_class_teacher,
    "archives.view_home_visits": is_counseling_staff,
    # Awareness campaigns
    "campaigns.manage_campaigns": is_counseling_staff,
    "campaigns.manage_all_campaigns": is_head,
    "campaigns.view_planner": is_staff_member,
    "campaigns.submit_entry": is_class_teacher,
    "campaigns.register_event": is_student,
    "campaigns.judge": is_counseling_staff | is_leader,
    # Parent classes and meetings: a guardian signs up for their own children's families only
    # (counseling.services.family), downloads the materials of events they registered for and
    # answers the feedback form once; they never see a child's counseling records.
    "campaigns.attend_parent_class": is_guardian,
    # School year, guardian consent, retention, data requests (counseling.schoolyear)
    "schoolyear.record_consent_any_class": is_administrator | is_counseling_staff,
    "schoolyear.manage_retention": is_head,
    # End-of-term reports
    "reports.view_reports": is_head | is_leader | is_administrator,
    "reports.edit_reports": is_head,
    # A district installation's office (counseling.district), on the district's own site only: it
    # manages the schools and their administrators, publishes district campaigns and screenings,
    # receives the schools' submissions and reads cross-school counts, never a student.
    "district.manage_schools": is_district_office,
    "district.view_district": is_district_office,
    "district.publish_screenings": is_district_office,
}

for _name, _predicate in PERMISSIONS.items():
    rules.add_perm(_name, _predicate)

# Holding any of these means reading confidential content (case records, crises, escalations, a
# student's archive and warnings): granting such a role, or resetting the password or second factor
# of someone who holds one, needs a head counselor's confirmation (counseling.services.staff_requests).
CONFIDENTIAL_PERMISSIONS = (
    "cases.view_cases",
    "cases.view_crisis",
    "cases.view_escalations",
    "archives.view_archive",
    "archives.handle_warnings",
)


def reads_confidential(role: str) -> bool:
    """Whether members of ``role`` hold a permission that reads confidential content (asked of the table)."""
    someone = User(role=role, is_active=True)
    return any(rules.has_perm(perm, someone) for perm in CONFIDENTIAL_PERMISSIONS)


def requires_two_factor(user) -> bool:
    """Whether ``user`` must pass a second factor (with REQUIRE_STAFF_2FA on): everyone whose role reads
    confidential content, and the administrator, who manages the accounts of those who do."""
    return bool(
        user.is_authenticated
        and (reads_confidential(user.role) or user.role in (Role.ADMINISTRATOR, Role.DISTRICT))
    )


# People by permission: every "who may do X" question is answered from the table above, never from
# a list of role names written somewhere else.


def roles_with_perm(perm: str) -> list[str]:
    """The roles whose members hold ``perm`` according to the table above (asked, not hard-coded)."""
    return [role for role in Role if rules.has_perm(perm, User(role=role, is_active=True))]


def users_with_perm(perm: str) -> QuerySet[User]:
    """Active users who hold ``perm``, by name."""
    return User.objects.filter(is_active=True, role__in=roles_with_perm(perm)).order_by("name", "username")


def counselors() -> QuerySet[User]:
    """Active users who may be named a counselor (of a case, a group, a grade, a duty day)."""
    return users_with_perm("counseling.counsel")


def counselor_choices() -> Q:
    """``limit_choices_to`` of every "counselor" field: the roles of ``counselors()``. Inactive people
    stay valid on old rows; the forms offer ``counselors()``, the active ones."""
    return Q(role__in=roles_with_perm("counseling.counsel"))


def head_counselor() -> User | None:
    """The head counselor: the longest-serving active one if the school has several, else None."""
    return User.objects.filter(role=Role.HEAD_COUNSELOR, is_active=True).order_by("pk").first()


def client_kind(user) -> str:
    """Whom the office serves in a booking, a letter or a case, by the person's role (ClientKind):
    a student, a guardian, else a teacher (a member of the school's staff)."""
    if user is not None and user.role == Role.STUDENT:
        return ClientKind.STUDENT
    if user is not None and user.role == Role.GUARDIAN:
        return ClientKind.GUARDIAN
    return ClientKind.TEACHER


def teachers() -> QuerySet[User]:
    """Active teachers who may be the client of a case (a class teacher asking the office for help)."""
    return User.objects.filter(is_active=True, role=Role.CLASS_TEACHER)


def responsible_counselor(student: User, day: datetime.date | None = None) -> User | None:
    """The counselor who answers for ``student`` on ``day`` (default today).

    The apps say who that is through their ``responsibility`` hook, asked in the order each
    declares: the counselor holding the student's open case (cases), the counselor of the
    student's grade (archives), the counselor on the duty rota that day (appointments); the head
    counselor when none of them names anyone. None only when the school has no counseling staff.
    """
    day = day or timezone.localdate()
    for _app, module in sorted(app_hooks("responsibility"), key=lambda pair: pair[1].ORDER):
        counselor = module.responsible_for(student, day)
        if counselor is not None:
            return counselor
    return head_counselor()
